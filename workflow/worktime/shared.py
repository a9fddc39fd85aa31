"""The process-wide working calendar: read from the database once, shared by every request
and task of the process, and read again after an edit or after RELOAD_SECONDS."""

import threading
from datetime import date
from time import monotonic

from ..models import CalendarDay, OfficialYear
from .calendar import WorkingCalendar

# Other processes (the Celery worker) learn about an administrator's edit at most this late.
RELOAD_SECONDS = 60.0

_lock = threading.Lock()
_calendar: WorkingCalendar | None = None
_loaded_at = 0.0
_generation = 0  # bumped by every invalidation, so a load racing one is not kept


def load_calendar() -> WorkingCalendar:
    """A calendar from the settings and the database, bypassing the cache."""
    official_years = OfficialYear.objects.values_list("year", flat=True)
    days: dict[tuple[str, str], set[date]] = {}
    for day, kind, source in CalendarDay.objects.values_list("date", "kind", "source"):
        days.setdefault((source, kind), set()).add(day)
    official, admin = CalendarDay.Source.OFFICIAL, CalendarDay.Source.ADMIN
    day_off, workday = CalendarDay.Kind.DAY_OFF, CalendarDay.Kind.WORKDAY
    return WorkingCalendar(
        official_years=official_years,
        official_days_off=days.get((official, day_off), ()),
        official_workdays=days.get((official, workday), ()),
        admin_days_off=days.get((admin, day_off), ()),
        admin_workdays=days.get((admin, workday), ()),
    )


def get_calendar() -> WorkingCalendar:
    """The shared calendar: loaded once, re-read after an edit or after RELOAD_SECONDS."""
    global _calendar, _loaded_at
    calendar = _calendar
    if calendar is not None and monotonic() - _loaded_at < RELOAD_SECONDS:
        return calendar
    with _lock:
        if _calendar is not None and monotonic() - _loaded_at < RELOAD_SECONDS:
            return _calendar
        generation = _generation
    calendar = load_calendar()
    with _lock:
        if generation == _generation:
            _calendar, _loaded_at = calendar, monotonic()
    return calendar


def invalidate_calendar() -> None:
    """Forget the shared calendar; the next get_calendar() reads the database again."""
    global _calendar, _generation
    with _lock:
        _calendar = None
        _generation += 1
