"""`manage.py calendar`: import an official schedule, compute a deadline, show a year.

    manage.py calendar import data/calendar/vn-official-2026.json
    manage.py calendar due --from 2026-02-12T16:00:00+07:00 --working-hours 4
    manage.py calendar show 2026

Called through call_command, give the subcommand's options as strings in ``args``
(``call_command("calendar", "due", "--from", "…", "--working-days", "6")``): Django maps
keyword options onto the top-level parser only.
"""

import json
from argparse import ArgumentParser
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from workflow.models import CalendarDay, OfficialYear
from workflow.worktime import get_calendar, import_schedule, package_holiday_names


class Command(BaseCommand):
    # A property, not gettext_lazy: argparse needs a real str for the description.
    @property
    def help(self) -> str:  # type: ignore[override]
        return _(
            "The working calendar: import a year's official schedule, compute a deadline in "
            "working time, or list a year's days off and make-up working days."
        )

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        importing = actions.add_parser(
            "import", help=_("Replace a year's official schedule with a JSON file.")
        )
        importing.add_argument(
            "file",
            help=_('A JSON file: {"year": …, "holidays": […], "makeup_workdays": […]}.'),
        )

        due = actions.add_parser(
            "due", help=_("Print when a period of working time started at an instant ends.")
        )
        due.add_argument(
            "--from",
            dest="start",
            required=True,
            metavar="INSTANT",
            help=_(
                "ISO 8601 instant, e.g. 2026-02-12T16:00:00+07:00; without an offset it is "
                "local time."
            ),
        )
        amount = due.add_mutually_exclusive_group(required=True)
        amount.add_argument(
            "--working-hours", type=float, metavar="N", help=_("N working hours (7.5 allowed).")
        )
        amount.add_argument(
            "--working-days",
            type=int,
            metavar="N",
            help=_("N working days: the start day does not count; ends at close of business."),
        )
        amount.add_argument(
            "--working-minutes", type=int, metavar="N", help=_("N working minutes.")
        )

        show = actions.add_parser(
            "show", help=_("List a year's weekdays off and worked weekend days.")
        )
        show.add_argument("year", type=int)

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "import":
            self.import_file(Path(options["file"]))
        elif action == "due":
            self.print_due(options)
        else:
            self.show_year(options["year"])

    # --- import -------------------------------------------------------------------------------

    def import_file(self, path: Path) -> None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": path, "error": exc}
            ) from exc
        try:
            official = import_schedule(data, source=str(path))
        except ValidationError as exc:
            raise CommandError(
                _("%(file)s is not a valid schedule: %(errors)s")
                % {"file": path, "errors": " ".join(exc.messages)}
            ) from exc
        rows = CalendarDay.objects.filter(
            source=CalendarDay.Source.OFFICIAL, date__year=official.year
        )
        self.stdout.write(
            _(
                "Imported the official schedule of %(year)d from %(file)s: %(days_off)d days "
                "off, %(workdays)d make-up working days."
            )
            % {
                "year": official.year,
                "file": path,
                "days_off": rows.filter(kind=CalendarDay.Kind.DAY_OFF).count(),
                "workdays": rows.filter(kind=CalendarDay.Kind.WORKDAY).count(),
            }
        )

    # --- due ----------------------------------------------------------------------------------

    def print_due(self, options: dict[str, Any]) -> None:
        calendar = get_calendar()
        start = self.parse_instant(options["start"], calendar.tz)
        hours, days, minutes = (
            options["working_hours"],
            options["working_days"],
            options["working_minutes"],
        )
        amount = next(value for value in (hours, days, minutes) if value is not None)
        if amount < 0:
            raise CommandError(_("The period must not be negative."))
        if hours is not None:
            due = calendar.add_working_hours(start, hours)
        elif days is not None:
            due = calendar.add_working_days(start, days)
        else:
            due = calendar.add_working_minutes(start, minutes)
        if options["verbosity"] > 1:
            self.stdout.write(
                _("From %(start)s, %(minutes)d working minutes until the deadline.")
                % {
                    "start": start.astimezone(calendar.tz).isoformat(),
                    "minutes": calendar.working_minutes_between(start, due),
                }
            )
        # Scripts read the last line: keep it the bare instant.
        self.stdout.write(due.astimezone(calendar.tz).isoformat())

    @staticmethod
    def parse_instant(value: str, tz: tzinfo) -> datetime:
        try:
            instant = datetime.fromisoformat(value.strip())
        except ValueError as exc:
            raise CommandError(
                _("“%(value)s” is not an ISO 8601 instant such as 2026-02-12T16:00:00+07:00.")
                % {"value": value}
            ) from exc
        if timezone.is_naive(instant):
            instant = instant.replace(tzinfo=tz)
        return instant

    # --- show ---------------------------------------------------------------------------------

    def show_year(self, year: int) -> None:
        if not 1 <= year <= 9998:
            raise CommandError(_("%(year)d is not a year.") % {"year": year})
        calendar = get_calendar()
        official = OfficialYear.objects.filter(year=year).first()
        if official is not None:
            self.stdout.write(
                _("%(year)d follows its official schedule, imported on %(when)s from %(source)s.")
                % {
                    "year": year,
                    "when": date_format(timezone.localtime(official.imported_at), "d/m/Y H:i"),
                    "source": official.source or "—",
                }
            )
        else:
            self.stdout.write(
                _("%(year)d has no official schedule: it follows the holidays package.")
                % {"year": year}
            )

        names = self.day_names(year, official is not None)
        weekdays = set(settings.WORKING_WEEKDAYS)
        days_off: list[date] = []
        worked: list[date] = []
        day = date(year, 1, 1)
        while day.year == year:
            working = calendar.is_working_day(day)
            if day.weekday() in weekdays and not working:
                days_off.append(day)
            elif day.weekday() not in weekdays and working:
                worked.append(day)
            day += timedelta(days=1)

        for title, days in (
            (_("Weekdays off (%(count)d):"), days_off),
            (_("Weekend days worked (%(count)d):"), worked),
        ):
            self.stdout.write(title % {"count": len(days)})
            for day in days:
                self.stdout.write(f"  {date_format(day, 'D d/m/Y')}  {names.get(day, '—')}")

    @staticmethod
    def day_names(year: int, official: bool) -> dict[date, str]:
        """What each special day is called; the administrator's own entries come first."""
        names: dict[date, str] = {}
        if not official:
            names.update(package_holiday_names(year, translation.get_language() or "vi"))
        for row in CalendarDay.objects.filter(date__year=year):
            if row.source == CalendarDay.Source.ADMIN:
                names[row.date] = _("%(name)s (entered by the administrator)") % {
                    "name": row.name or "—"
                }
            elif official:
                names.setdefault(row.date, row.name)
        return names
