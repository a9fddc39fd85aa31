"""The working calendar and its SQL counterpart count the same working minutes."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from workflow.models import CalendarDay
from workflow.worktime import WorkingClock, get_calendar

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def at(*args: int) -> datetime:
    """A local instant in Asia/Ho_Chi_Minh."""
    return datetime(*args, tzinfo=HCM)


# Start and end of stages, each pair a case of its own.
PAIRS = [
    # Inside one block, across the lunch break, ending on a block's close.
    (at(2026, 3, 4, 8, 0), at(2026, 3, 4, 9, 15)),
    (at(2026, 3, 4, 11, 0), at(2026, 3, 4, 14, 0)),
    (at(2026, 3, 4, 7, 0), at(2026, 3, 4, 11, 30)),
    (at(2026, 3, 4, 13, 30), at(2026, 3, 4, 17, 0)),
    (at(2026, 3, 4, 12, 0), at(2026, 3, 4, 12, 45)),  # lunch to lunch: nothing
    # Across evenings and nights.
    (at(2026, 3, 4, 16, 40), at(2026, 3, 5, 7, 10)),
    (at(2026, 3, 3, 22, 0), at(2026, 3, 4, 11, 0)),
    (at(2026, 3, 4, 5, 30), at(2026, 3, 4, 7, 30)),
    (at(2026, 3, 4, 18, 0), at(2026, 3, 4, 23, 0)),
    # Across weekends, from and to a Saturday or a Sunday.
    (at(2026, 3, 6, 16, 0), at(2026, 3, 9, 10, 0)),
    (at(2026, 3, 7, 10, 0), at(2026, 3, 9, 8, 0)),
    (at(2026, 3, 6, 9, 0), at(2026, 3, 8, 20, 0)),
    (at(2026, 3, 6, 16, 0), at(2026, 3, 16, 17, 0)),
    # Tết 2026 (16–20 February), 2 January 2026 off, and across the new year.
    (at(2026, 2, 12, 16, 0), at(2026, 2, 23, 8, 0)),
    (at(2026, 2, 17, 9, 0), at(2026, 2, 19, 15, 0)),
    (at(2025, 12, 31, 15, 0), at(2026, 1, 5, 8, 0)),
    # Make-up working days: Saturday 10 January and 22 August 2026, 26 April 2025.
    (at(2026, 1, 9, 16, 0), at(2026, 1, 10, 9, 0)),
    (at(2026, 1, 10, 7, 0), at(2026, 1, 12, 7, 0)),
    (at(2026, 8, 21, 14, 0), at(2026, 9, 3, 10, 0)),
    (at(2025, 4, 25, 9, 0), at(2025, 5, 6, 9, 0)),
    # A year without an imported schedule follows the package (Tết 2027), and a long stretch.
    (at(2027, 2, 1, 9, 0), at(2027, 2, 15, 9, 0)),
    (at(2024, 6, 3, 10, 20), at(2027, 6, 30, 15, 5)),
    # Seconds and fractions are floored to the whole minute alike.
    (at(2026, 3, 4, 8, 0, 30), at(2026, 3, 4, 8, 2, 29)),
    (datetime(2026, 3, 4, 8, 0, 0, 999_999, tzinfo=HCM), at(2026, 3, 4, 9, 0)),
    # Given in UTC; an end at or before its start.
    (datetime(2026, 3, 4, 1, 0, tzinfo=UTC), datetime(2026, 3, 4, 9, 0, tzinfo=UTC)),
    (at(2026, 3, 4, 9, 0), at(2026, 3, 4, 9, 0)),
    (at(2026, 3, 5, 9, 0), at(2026, 3, 4, 9, 0)),
]


def clock_of(calendar) -> WorkingClock:
    return WorkingClock.covering(date(2024, 1, 1), date(2027, 12, 31), calendar)


def test_the_database_counts_the_same_working_minutes_as_the_calendar(official_calendar):
    expected = [official_calendar.working_minutes_between(s, e) for s, e in PAIRS]
    assert clock_of(official_calendar).working_minutes(PAIRS) == expected
    # Not all nothing: the cases do cover working time.
    assert sum(expected) > 0 and len(set(expected)) > 10


def test_the_database_counts_an_administrators_days_as_the_calendar_does(official_calendar):
    CalendarDay.objects.create(date=date(2026, 3, 5), kind=CalendarDay.Kind.DAY_OFF,
                               name="Nghỉ đột xuất", source=CalendarDay.Source.ADMIN)
    CalendarDay.objects.create(date=date(2026, 3, 7), kind=CalendarDay.Kind.WORKDAY,
                               name="Làm bù", source=CalendarDay.Source.ADMIN)
    calendar = get_calendar()
    pairs = [(at(2026, 3, 4, 16, 0), at(2026, 3, 9, 8, 0)),
             (at(2026, 3, 7, 6, 0), at(2026, 3, 8, 6, 0))]
    expected = [calendar.working_minutes_between(s, e) for s, e in pairs]
    # Wednesday's last hour, Thursday off, Friday and the make-up Saturday, Monday 07–08.
    assert expected == [60 + 480 + 480 + 60, 480]
    assert clock_of(calendar).working_minutes(pairs) == expected


@pytest.mark.django_db
def test_the_clock_follows_the_calendar_it_is_given():
    days = [at(2026, 3, 2, 7, 0) + timedelta(days=n) for n in range(7)]
    pairs = [(day, day + timedelta(hours=12)) for day in days]
    calendar = get_calendar()
    assert clock_of(calendar).working_minutes(pairs) == [
        calendar.working_minutes_between(s, e) for s, e in pairs
    ]
    assert clock_of(calendar).working_minutes([]) == []
