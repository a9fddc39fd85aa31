"""The working calendar and deadline arithmetic (WORKFLOW.md, "Working time").

Periods are counted as the Civil Code 2015 (Art. 147–148) counts them: hours and minutes
run inside working time only, and a period of N working days ends at the close of business
of the Nth working day after the day it starts.

Which days are worked, in order of precedence:

1. a day the administrator entered (``source=admin``) decides alone;
2. a year whose official schedule was imported (an ``OfficialYear`` row) follows that
   schedule: the working weekdays minus its days off, plus its make-up working days;
3. any other year falls back to the ``holidays`` package's Vietnamese calendar.
"""

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

# A calendar with no working day for this long is misconfigured; stop instead of spinning.
_MAX_IDLE_DAYS = 3 * 366

_ZERO = timedelta(0)
_ONE_DAY = timedelta(days=1)

Block = tuple[timedelta, timedelta]  # offsets from local midnight: [start, end)


def parse_working_hours(specs: Sequence[str]) -> tuple[Block, ...]:
    """Read blocks such as ``"07:00-11:30"``; they must be ordered and must not overlap."""
    blocks: list[Block] = []
    for spec in specs:
        try:
            opening, closing = (time.fromisoformat(part.strip()) for part in spec.split("-"))
        except ValueError as exc:
            raise ImproperlyConfigured(
                _("WORKING_HOURS: “%(spec)s” is not a block like 07:00-11:30.") % {"spec": spec}
            ) from exc
        start = timedelta(hours=opening.hour, minutes=opening.minute, seconds=opening.second)
        end = timedelta(hours=closing.hour, minutes=closing.minute, seconds=closing.second)
        if end <= start or (blocks and start < blocks[-1][1]):
            raise ImproperlyConfigured(
                _("WORKING_HOURS: “%(spec)s” ends before it starts or overlaps the block before.")
                % {"spec": spec}
            )
        blocks.append((start, end))
    if not blocks:
        raise ImproperlyConfigured(_("WORKING_HOURS names no block of working time."))
    return tuple(blocks)


@cache
def _package_holidays(year: int) -> frozenset[date]:
    # The package's data cannot change while the process runs, so every reload shares it.
    return frozenset(holidays.country_holidays("VN", years=year).keys())


def package_holiday_names(year: int, language: str = "vi") -> dict[date, str]:
    """The ``holidays`` package's Vietnamese holidays of ``year`` with their names."""
    language = "en_US" if language.startswith("en") else "vi"
    return dict(holidays.country_holidays("VN", years=year, language=language))


class WorkingCalendar:
    """Which days are worked and how working time adds up; immutable once built.

    Every argument defaults to the settings (or to nothing entered), so ``WorkingCalendar()``
    is the package-only calendar. ``get_calendar()`` builds one from the database.
    """

    def __init__(
        self,
        *,
        working_hours: Sequence[str] | None = None,
        weekdays: Iterable[int] | None = None,
        tz: ZoneInfo | str | None = None,
        official_years: Iterable[int] = (),
        official_days_off: Iterable[date] = (),
        official_workdays: Iterable[date] = (),
        admin_days_off: Iterable[date] = (),
        admin_workdays: Iterable[date] = (),
    ) -> None:
        self._blocks = parse_working_hours(
            settings.WORKING_HOURS if working_hours is None else working_hours
        )
        self._weekdays = frozenset(settings.WORKING_WEEKDAYS if weekdays is None else weekdays)
        tz = settings.TIME_ZONE if tz is None else tz
        self.tz = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
        self._official_years = frozenset(official_years)
        self._official_days_off = frozenset(official_days_off)
        self._official_workdays = frozenset(official_workdays)
        self._admin_days_off = frozenset(admin_days_off)
        self._admin_workdays = frozenset(admin_workdays)
        self._close = self._blocks[-1][1]
        self._day_length = sum((end - start for start, end in self._blocks), _ZERO)
        # Filled lazily, one year at a time; a lost race only computes a year twice.
        self._working_days: dict[int, frozenset[date]] = {}

    # --- Days -------------------------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        if isinstance(day, datetime):
            day = self._local(day).date()
        days = self._working_days.get(day.year)
        if days is None:
            days = self._working_days[day.year] = self._compute_year(day.year)
        return day in days

    def is_official_year(self, year: int) -> bool:
        return year in self._official_years

    @property
    def blocks(self) -> tuple[Block, ...]:
        """The working hours of a working day, as offsets from local midnight."""
        return self._blocks

    def _compute_year(self, year: int) -> frozenset[date]:
        if year in self._official_years:
            days_off, makeup_days = self._official_days_off, self._official_workdays
        else:
            days_off, makeup_days = _package_holidays(year), frozenset()
        working = set()
        day = date(year, 1, 1)
        while day.year == year:
            if day in self._admin_workdays:
                working.add(day)
            elif day in self._admin_days_off:
                pass
            elif day in makeup_days or (day.weekday() in self._weekdays and day not in days_off):
                working.add(day)
            day += _ONE_DAY
        return frozenset(working)

    # --- Arithmetic ---------------------------------------------------------------------------

    def add_working_minutes(self, start: datetime, minutes: int) -> datetime:
        return self._add(start, timedelta(minutes=minutes))

    def add_working_hours(self, start: datetime, hours: int | float) -> datetime:
        return self._add(start, timedelta(hours=hours))

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """Close of business of the ``days``-th working day after the start day.

        The start day never counts, worked or not. Zero days means the close of business of
        the working day the period starts in (the next one when it starts after hours).
        """
        if days < 0:
            raise ValueError("days must not be negative")
        if days == 0:
            day = self._add(start, _ZERO).date()
        else:
            day = self._local(start).date()
            idle = 0
            while days:
                day += _ONE_DAY
                if self.is_working_day(day):
                    days -= 1
                    idle = 0
                else:
                    idle = self._check_idle(idle)
        return self._midnight(day) + self._close

    def working_minutes_between(self, start: datetime, end: datetime) -> int:
        """Whole working minutes from ``start`` to ``end``; 0 when ``end <= start``."""
        return self._working_time_between(start, end) // timedelta(minutes=1)

    def working_minutes_until(
        self, start: datetime, ends: Iterable[datetime]
    ) -> dict[datetime, int]:
        """``working_minutes_between(start, end)`` for each end, in one walk of the calendar.

        A list page shows many deadlines: walking from one to the next, in time order,
        costs one walk from ``start`` to the latest instead of one per deadline. The exact
        working time of each stretch is summed before flooring, so each value equals what
        ``working_minutes_between`` gives.
        """
        result: dict[datetime, int] = {}
        since, total = start, _ZERO
        for end in sorted(set(ends)):
            if end <= start:
                result[end] = 0
                continue
            total += self._working_time_between(since, end)
            result[end] = total // timedelta(minutes=1)
            since = end
        return result

    def reminder_at(
        self, start: datetime, due: datetime, fraction: float | None = None
    ) -> datetime:
        """The instant when ``fraction`` of the working time from ``start`` to ``due`` has run.

        When no working time lies between them, the reminder is due with the deadline.
        """
        if fraction is None:
            fraction = settings.REMINDER_FRACTION
        if not 0 <= fraction <= 1:
            raise ValueError("fraction must be between 0 and 1")
        due = self._local(due)
        total = self._working_time_between(start, due)
        if total <= _ZERO:
            return due
        return min(self._add(start, total * fraction), due)

    # --- Internals ----------------------------------------------------------------------------

    def _local(self, moment: datetime) -> datetime:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("working time needs an aware datetime")
        return moment.astimezone(self.tz)

    def _midnight(self, day: date) -> datetime:
        return datetime(day.year, day.month, day.day, tzinfo=self.tz)

    def _check_idle(self, idle: int) -> int:
        idle += 1
        if idle > _MAX_IDLE_DAYS:
            raise ImproperlyConfigured(
                _("The working calendar has no working day for %(days)d days in a row.")
                % {"days": _MAX_IDLE_DAYS}
            )
        return idle

    def _add(self, start: datetime, amount: timedelta) -> datetime:
        """The earliest instant by which ``amount`` of working time has run from ``start``."""
        if amount < _ZERO:
            raise ValueError("a working-time amount must not be negative")
        local = self._local(start)
        day = local.date()
        since_midnight = local - self._midnight(day)
        remaining = amount
        idle = 0
        while True:
            if not self.is_working_day(day):
                idle = self._check_idle(idle)
            elif not since_midnight and remaining > self._day_length:
                remaining -= self._day_length
                idle = 0
            else:
                idle = 0
                for opening, closing in self._blocks:
                    if since_midnight >= closing:
                        continue
                    begin = max(since_midnight, opening)
                    available = closing - begin
                    # "<=" makes a period that fills a block end at its close (11:30, 17:00).
                    if remaining <= available:
                        return self._midnight(day) + begin + remaining
                    remaining -= available
                    since_midnight = closing
            day += _ONE_DAY
            since_midnight = _ZERO

    def _working_time_between(self, start: datetime, end: datetime) -> timedelta:
        start, end = self._local(start), self._local(end)
        if end <= start:
            return _ZERO
        total = _ZERO
        day, last = start.date(), end.date()
        while day <= last:
            if self.is_working_day(day):
                midnight = self._midnight(day)
                if start <= midnight and midnight + _ONE_DAY <= end:
                    total += self._day_length
                else:
                    for opening, closing in self._blocks:
                        overlap = min(midnight + closing, end) - max(midnight + opening, start)
                        if overlap > _ZERO:
                            total += overlap
            day += _ONE_DAY
        return total
