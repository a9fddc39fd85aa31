"""Working time (WORKFLOW.md, "Working time"): the calendar and its deadline arithmetic
(``calendar``), the one shared by the process (``shared``), the official schedules
(``schedules``) and the same count of working minutes done by the database (``sql``)."""

from .calendar import Block, WorkingCalendar, package_holiday_names, parse_working_hours
from .schedules import import_schedule
from .shared import RELOAD_SECONDS, get_calendar, invalidate_calendar, load_calendar
from .sql import WorkingClock

__all__ = [
    "RELOAD_SECONDS", "Block", "WorkingCalendar", "WorkingClock", "get_calendar",
    "import_schedule", "invalidate_calendar", "load_calendar", "package_holiday_names",
    "parse_working_hours",
]
