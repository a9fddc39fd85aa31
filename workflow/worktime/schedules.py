"""The official schedules: one year's days off and make-up working days, imported whole."""

import re
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import CalendarDay, OfficialYear
from .shared import invalidate_calendar

_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MIN_YEAR, _MAX_YEAR = 1900, 2999
_NAME_MAX_LENGTH = CalendarDay._meta.get_field("name").max_length or 200
_SOURCE_MAX_LENGTH = OfficialYear._meta.get_field("source").max_length or 255


def _clean_year(data: dict[str, Any], errors: list[str]) -> int | None:
    if "year" not in data or data["year"] in (None, ""):
        errors.append(_("The schedule does not say which year it is for."))
        return None
    year = data["year"]
    if isinstance(year, bool) or not isinstance(year, int) or not _MIN_YEAR <= year <= _MAX_YEAR:
        errors.append(
            _("The year must be a whole number from %(min)d to %(max)d, not “%(value)s”.")
            % {"min": _MIN_YEAR, "max": _MAX_YEAR, "value": year}
        )
        return None
    return year


def _clean_days(
    data: dict[str, Any], key: str, year: int | None, errors: list[str]
) -> dict[date, str]:
    entries = data.get(key) or []
    if not isinstance(entries, list):
        errors.append(_("“%(list)s” must be a list.") % {"list": key})
        return {}
    days: dict[date, str] = {}
    for number, entry in enumerate(entries, start=1):
        where = {"list": key, "number": number}
        # A bare "YYYY-MM-DD" is accepted too: a name is a courtesy to the operator.
        if isinstance(entry, str):
            raw, name = entry, ""
        elif isinstance(entry, dict):
            raw, name = entry.get("date"), entry.get("name") or ""
        else:
            errors.append(_("Entry %(number)d of “%(list)s” is not an object.") % where)
            continue
        if raw in (None, ""):
            errors.append(_("Entry %(number)d of “%(list)s” has no date.") % where)
            continue
        try:
            if not isinstance(raw, str) or not _DATE_RE.fullmatch(raw):
                raise ValueError(raw)
            day = date.fromisoformat(raw)
        except ValueError:
            errors.append(
                _("Entry %(number)d of “%(list)s” has the date “%(value)s”, not YYYY-MM-DD.")
                % {**where, "value": raw}
            )
            continue
        if not isinstance(name, str) or len(name) > _NAME_MAX_LENGTH:
            errors.append(
                _("Entry %(number)d of “%(list)s” needs a name of at most %(max)d characters.")
                % {**where, "max": _NAME_MAX_LENGTH}
            )
            continue
        if year is not None and day.year != year:
            errors.append(
                _("The date %(date)s in “%(list)s” is outside the year %(year)d.")
                % {"date": raw, "list": key, "year": year}
            )
            continue
        if day in days:
            errors.append(
                _("The date %(date)s appears twice in “%(list)s”.") % {"date": raw, "list": key}
            )
            continue
        days[day] = name.strip()
    return days


def import_schedule(data: dict[str, Any], *, source: str = "") -> OfficialYear:
    """Replace one year's official schedule with ``data``; that year then follows it alone.

    ``data`` is ``{"year": 2026, "holidays": [{"date": "2026-01-02", "name": "…"}],
    "makeup_workdays": [...]}``. Nothing changes unless all of it is valid; otherwise a
    ValidationError lists every problem. The administrator's own days are kept.
    """
    if not isinstance(data, dict):
        raise ValidationError(_("The schedule must be an object with a year and lists of dates."))
    errors: list[str] = []
    year = _clean_year(data, errors)
    days_off = _clean_days(data, "holidays", year, errors)
    workdays = _clean_days(data, "makeup_workdays", year, errors)
    for day in sorted(days_off.keys() & workdays.keys()):
        errors.append(
            _("The date %(date)s is both a holiday and a make-up working day.")
            % {"date": day.isoformat()}
        )
    if errors or year is None:
        raise ValidationError(errors)

    official = CalendarDay.Source.OFFICIAL
    with transaction.atomic():
        CalendarDay.objects.filter(
            source=official, date__range=(date(year, 1, 1), date(year, 12, 31))
        ).delete()
        CalendarDay.objects.bulk_create(
            [
                CalendarDay(date=day, kind=kind, name=name, source=official)
                for kind, days in (
                    (CalendarDay.Kind.DAY_OFF, days_off),
                    (CalendarDay.Kind.WORKDAY, workdays),
                )
                for day, name in sorted(days.items())
            ]
        )
        official_year, _created = OfficialYear.objects.update_or_create(
            year=year, defaults={"source": source[:_SOURCE_MAX_LENGTH]}
        )
        # bulk_create sends no signal, so this process (now) and the others (after commit,
        # through the reload interval) must be told here.
        invalidate_calendar()
        transaction.on_commit(invalidate_calendar)
    return official_year
