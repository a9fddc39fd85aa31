"""The working calendar and deadline arithmetic (WORKFLOW.md, "Working time")."""

import time
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import translation

from workflow import worktime
from workflow.models import CalendarDay, OfficialYear
from workflow.worktime import (
    WorkingCalendar,
    get_calendar,
    import_schedule,
    invalidate_calendar,
)

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def at(*args: int) -> datetime:
    """A local instant in Asia/Ho_Chi_Minh."""
    return datetime(*args, tzinfo=HCM)


def admin_day(day: date, kind: str, name: str = "Ngày do quản trị viên nhập") -> CalendarDay:
    return CalendarDay.objects.create(
        date=day, kind=kind, name=name, source=CalendarDay.Source.ADMIN
    )


# --- Hours and minutes ----------------------------------------------------------------------------


def test_a_case_received_at_night_starts_its_clock_at_seven(official_calendar):
    # Tuesday 22:00: the four hours run from Wednesday 07:00.
    assert official_calendar.add_working_hours(at(2026, 3, 3, 22, 0), 4) == at(2026, 3, 4, 11, 0)


def test_a_case_received_before_opening_starts_its_clock_at_seven(official_calendar):
    assert official_calendar.add_working_minutes(at(2026, 3, 4, 5, 30), 30) == at(2026, 3, 4, 7, 30)


def test_a_case_received_on_saturday_starts_its_clock_on_monday_morning(official_calendar):
    assert official_calendar.add_working_hours(at(2026, 3, 7, 10, 0), 1) == at(2026, 3, 9, 8, 0)


def test_the_lunch_break_does_not_count(official_calendar):
    assert official_calendar.add_working_hours(at(2026, 3, 4, 11, 0), 1) == at(2026, 3, 4, 14, 0)


def test_a_case_received_during_lunch_starts_its_clock_at_half_past_one(official_calendar):
    assert official_calendar.add_working_minutes(at(2026, 3, 4, 12, 0), 30) == at(2026, 3, 4, 14, 0)


def test_a_period_that_fills_the_morning_is_due_at_half_past_eleven(official_calendar):
    assert official_calendar.add_working_minutes(at(2026, 3, 4, 7, 0), 270) == at(
        2026, 3, 4, 11, 30
    )


def test_a_period_that_fills_the_afternoon_is_due_at_five_not_the_next_morning(
    official_calendar,
):
    assert official_calendar.add_working_hours(at(2026, 3, 4, 13, 0), 3.5) == at(2026, 3, 4, 17, 0)


def test_four_working_hours_from_friday_afternoon_end_on_monday_morning(official_calendar):
    assert official_calendar.add_working_hours(at(2026, 3, 6, 16, 0), 4) == at(2026, 3, 9, 10, 0)


def test_thirty_minutes_from_twenty_to_five_run_into_the_next_morning(official_calendar):
    assert official_calendar.add_working_minutes(at(2026, 3, 4, 16, 40), 30) == at(
        2026, 3, 5, 7, 10
    )


def test_fractional_hours_are_counted_to_the_minute(official_calendar):
    assert official_calendar.add_working_hours(at(2026, 3, 4, 10, 0), 1.75) == at(
        2026, 3, 4, 13, 45
    )


def test_adding_nothing_inside_working_time_returns_the_start(official_calendar):
    start = at(2026, 3, 4, 9, 15, 30)
    assert official_calendar.add_working_minutes(start, 0) == start


def test_adding_nothing_at_night_returns_the_next_opening(official_calendar):
    assert official_calendar.add_working_minutes(at(2026, 3, 4, 20, 0), 0) == at(2026, 3, 5, 7, 0)


def test_a_negative_period_is_refused(official_calendar):
    with pytest.raises(ValueError):
        official_calendar.add_working_minutes(at(2026, 3, 4, 9, 0), -1)


def test_a_start_given_in_utc_gives_a_deadline_in_vietnamese_time(official_calendar):
    # 01:00 UTC is 08:00 in Ho Chi Minh City.
    due = official_calendar.add_working_hours(datetime(2026, 3, 4, 1, 0, tzinfo=UTC), 1)
    assert due == at(2026, 3, 4, 9, 0)
    assert due.tzinfo == HCM
    assert due.isoformat() == "2026-03-04T09:00:00+07:00"


def test_a_naive_start_is_refused(official_calendar):
    with pytest.raises(ValueError):
        official_calendar.add_working_hours(datetime(2026, 3, 4, 8, 0), 1)


# --- Working days ---------------------------------------------------------------------------------


def test_six_working_days_from_friday_afternoon_end_on_the_monday_after_next_at_five(
    official_calendar,
):
    assert official_calendar.add_working_days(at(2026, 3, 6, 16, 0), 6) == at(2026, 3, 16, 17, 0)


def test_one_working_day_from_a_morning_dispatch_ends_at_the_next_days_close(official_calendar):
    assert official_calendar.add_working_days(at(2026, 3, 9, 8, 0), 1) == at(2026, 3, 10, 17, 0)


def test_a_period_starting_on_a_weekend_does_not_count_that_day(official_calendar):
    # Saturday: the first working day after it is Monday.
    assert official_calendar.add_working_days(at(2026, 3, 7, 9, 0), 1) == at(2026, 3, 9, 17, 0)


def test_a_period_starting_after_hours_does_not_count_that_day(official_calendar):
    assert official_calendar.add_working_days(at(2026, 3, 9, 23, 0), 1) == at(2026, 3, 10, 17, 0)


# --- The official schedule of 2026 ----------------------------------------------------------------


def test_tet_2026_stops_the_clock_from_16_to_20_february(official_calendar):
    # 1 h on Thursday 12/2, 8 h on Friday 13/2, then nothing until Monday 23/2.
    assert official_calendar.add_working_hours(at(2026, 2, 12, 16, 0), 13) == at(2026, 2, 23, 11, 0)


def test_one_working_day_before_tet_2026_ends_after_the_holiday(official_calendar):
    assert official_calendar.add_working_days(at(2026, 2, 13, 10, 0), 1) == at(2026, 2, 23, 17, 0)


def test_friday_2_january_2026_is_an_official_day_off(official_calendar):
    # 1 h on Wednesday 31/12/2025; 1/1 and 2/1 are off, then the weekend.
    assert official_calendar.add_working_hours(at(2025, 12, 31, 16, 0), 2) == at(2026, 1, 5, 8, 0)


def test_saturday_10_january_2026_is_a_make_up_working_day(official_calendar):
    assert official_calendar.add_working_hours(at(2026, 1, 9, 16, 0), 2) == at(2026, 1, 10, 8, 0)


def test_saturday_22_august_2026_is_a_make_up_working_day(official_calendar):
    assert official_calendar.add_working_hours(at(2026, 8, 21, 16, 0), 2) == at(2026, 8, 22, 8, 0)


def test_monday_31_august_2026_is_off_in_exchange_and_joins_national_day(official_calendar):
    # 31/8 swapped, 1/9 and 2/9 National Day: the next working day is Thursday 3/9.
    assert official_calendar.add_working_days(at(2026, 8, 28, 16, 0), 1) == at(2026, 9, 3, 17, 0)


def test_monday_27_april_2026_is_off_for_hung_kings_day_on_sunday(official_calendar):
    assert official_calendar.add_working_hours(at(2026, 4, 24, 16, 0), 2) == at(2026, 4, 28, 8, 0)


def test_saturday_26_april_2025_is_worked_in_exchange_for_2_may(official_calendar):
    assert official_calendar.add_working_hours(at(2025, 4, 25, 16, 0), 2) == at(2025, 4, 26, 8, 0)


def test_the_days_around_30_april_2025_are_off_until_monday_5_may(official_calendar):
    # 30/4, 1/5 and the swapped 2/5 are off, then the weekend.
    assert official_calendar.add_working_hours(at(2025, 4, 29, 16, 0), 2) == at(2025, 5, 5, 8, 0)


def test_an_imported_year_ignores_a_package_holiday_its_schedule_omits(official_calendar):
    # The package lists Tuesday 24 November 2026 (Vietnam Cultural Day); the decree does not.
    assert official_calendar.add_working_hours(at(2026, 11, 23, 16, 0), 2) == at(2026, 11, 24, 8, 0)


# --- Years without an official schedule -----------------------------------------------------------


def test_the_year_after_the_last_schedule_follows_the_package_from_1_january(official_calendar):
    # Friday 1 January 2027 is off (package), then the weekend.
    assert official_calendar.add_working_hours(at(2026, 12, 31, 16, 0), 2) == at(2027, 1, 4, 8, 0)


def test_tet_2027_comes_from_the_package(official_calendar):
    # The package gives Thursday 4 to Wednesday 10 February 2027.
    assert official_calendar.add_working_hours(at(2027, 2, 3, 16, 0), 2) == at(2027, 2, 11, 8, 0)


@pytest.mark.django_db
def test_without_an_official_schedule_2_january_2026_is_a_working_day():
    # The package does not know the swap of 2 January 2026.
    assert get_calendar().add_working_hours(at(2025, 12, 31, 16, 0), 2) == at(2026, 1, 2, 8, 0)


@pytest.mark.django_db
def test_without_an_official_schedule_saturday_10_january_2026_is_not_worked():
    assert get_calendar().add_working_hours(at(2026, 1, 9, 16, 0), 2) == at(2026, 1, 12, 8, 0)


@pytest.mark.django_db
def test_without_an_official_schedule_a_package_holiday_is_off():
    # Tuesday 24 November 2026, Vietnam Cultural Day in the package.
    assert get_calendar().add_working_hours(at(2026, 11, 23, 16, 0), 2) == at(2026, 11, 25, 8, 0)


def test_official_days_of_a_year_without_an_official_year_row_are_ignored(official_calendar):
    OfficialYear.objects.filter(year=2026).delete()
    # Back on the package: 2 January 2026 is worked again.
    assert get_calendar().add_working_hours(at(2025, 12, 31, 16, 0), 2) == at(2026, 1, 2, 8, 0)


# --- The administrator's days ---------------------------------------------------------------------


def test_an_administrator_day_off_stops_the_clock(official_calendar):
    admin_day(date(2026, 3, 9), CalendarDay.Kind.DAY_OFF)
    assert get_calendar().add_working_hours(at(2026, 3, 6, 16, 0), 2) == at(2026, 3, 10, 8, 0)


def test_an_administrator_make_up_day_is_worked(official_calendar):
    admin_day(date(2026, 3, 7), CalendarDay.Kind.WORKDAY)
    assert get_calendar().add_working_hours(at(2026, 3, 6, 16, 0), 2) == at(2026, 3, 7, 8, 0)


def test_an_administrator_make_up_day_overrides_an_official_holiday(official_calendar):
    admin_day(date(2026, 2, 20), CalendarDay.Kind.WORKDAY)
    assert get_calendar().add_working_hours(at(2026, 2, 13, 16, 0), 2) == at(2026, 2, 20, 8, 0)


def test_an_administrator_day_off_counts_in_a_year_without_a_schedule(official_calendar):
    admin_day(date(2027, 3, 1), CalendarDay.Kind.DAY_OFF)
    assert get_calendar().add_working_days(at(2027, 2, 26, 10, 0), 1) == at(2027, 3, 2, 17, 0)


def test_deleting_an_administrator_day_off_restores_the_working_day(official_calendar):
    day = admin_day(date(2026, 3, 9), CalendarDay.Kind.DAY_OFF)
    get_calendar()
    day.delete()
    assert get_calendar().add_working_hours(at(2026, 3, 6, 16, 0), 2) == at(2026, 3, 9, 8, 0)


# --- The shared calendar --------------------------------------------------------------------------


def test_the_shared_calendar_reads_the_database_only_once(
    official_calendar, django_assert_num_queries
):
    get_calendar()
    with django_assert_num_queries(0):
        for _ in range(3):
            get_calendar().add_working_days(at(2026, 3, 6, 16, 0), 6)


def test_a_change_no_signal_announced_is_seen_after_sixty_seconds(official_calendar, monkeypatch):
    get_calendar()
    # bulk_create sends no signal, as if another process had written the row.
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=date(2026, 3, 9), kind=CalendarDay.Kind.DAY_OFF, name="Nghỉ")]
    )
    assert get_calendar().is_working_day(date(2026, 3, 9)) is True
    later = time.monotonic() + worktime.RELOAD_SECONDS + 1
    monkeypatch.setattr(worktime.shared, "monotonic", lambda: later)
    assert get_calendar().is_working_day(date(2026, 3, 9)) is False


def test_changing_the_working_hours_setting_is_seen_at_once(official_calendar):
    get_calendar()
    with override_settings(WORKING_HOURS=["08:00-12:00", "13:00-17:00"]):
        assert get_calendar().add_working_hours(at(2026, 3, 4, 6, 0), 4) == at(2026, 3, 4, 12, 0)


# --- Measuring and reminding ----------------------------------------------------------------------


def test_working_minutes_between_skip_the_night_and_the_weekend(official_calendar):
    assert (
        official_calendar.working_minutes_between(at(2026, 3, 6, 16, 0), at(2026, 3, 9, 10, 0))
        == 240
    )


def test_working_minutes_between_skip_the_lunch_break(official_calendar):
    assert (
        official_calendar.working_minutes_between(at(2026, 3, 4, 11, 0), at(2026, 3, 4, 14, 0))
        == 60
    )


def test_working_minutes_between_skip_tet(official_calendar):
    assert (
        official_calendar.working_minutes_between(at(2026, 2, 13, 16, 0), at(2026, 2, 23, 8, 0))
        == 120
    )


def test_working_minutes_between_an_end_before_the_start_are_zero(official_calendar):
    assert (
        official_calendar.working_minutes_between(at(2026, 3, 4, 10, 0), at(2026, 3, 4, 9, 0)) == 0
    )


def test_working_minutes_between_two_instants_of_the_same_night_are_zero(official_calendar):
    assert (
        official_calendar.working_minutes_between(at(2026, 3, 4, 18, 0), at(2026, 3, 4, 23, 0)) == 0
    )


def test_the_reminder_comes_when_three_quarters_of_the_working_time_have_run(official_calendar):
    # 240 working minutes from Friday 16:00 to Monday 10:00; 180 of them end Monday 09:00.
    assert official_calendar.reminder_at(at(2026, 3, 6, 16, 0), at(2026, 3, 9, 10, 0)) == at(
        2026, 3, 9, 9, 0
    )


def test_the_reminder_of_a_six_day_period_skips_the_weekend(official_calendar):
    # 49 working hours to Monday 16 March 17:00; three quarters (36 h 45) end Friday 13 at 10:45.
    assert official_calendar.reminder_at(at(2026, 3, 6, 16, 0), at(2026, 3, 16, 17, 0)) == at(
        2026, 3, 13, 10, 45
    )


def test_the_reminder_takes_an_explicit_fraction(official_calendar):
    assert official_calendar.reminder_at(
        at(2026, 3, 6, 16, 0), at(2026, 3, 9, 10, 0), fraction=0.5
    ) == at(2026, 3, 9, 8, 0)


@override_settings(REMINDER_FRACTION=0.25)
def test_the_reminder_fraction_defaults_to_the_setting(official_calendar):
    # A quarter of 240 minutes is the hour up to Friday's close, not Monday's opening.
    assert official_calendar.reminder_at(at(2026, 3, 6, 16, 0), at(2026, 3, 9, 10, 0)) == at(
        2026, 3, 6, 17, 0
    )


def test_a_reminder_with_no_working_time_before_the_deadline_is_the_deadline(official_calendar):
    assert official_calendar.reminder_at(at(2026, 3, 4, 18, 0), at(2026, 3, 4, 23, 0)) == at(
        2026, 3, 4, 23, 0
    )


# --- Days on their own ----------------------------------------------------------------------------


def test_a_calendar_without_the_database_follows_the_package():
    calendar = WorkingCalendar()
    assert [calendar.is_working_day(date(2026, 2, day)) for day in (13, 16, 23)] == [
        True,
        False,
        True,
    ]


def test_is_working_day_reads_an_instant_in_vietnamese_time(official_calendar):
    # 18:00 UTC on Friday 6 March is already Saturday in Ho Chi Minh City.
    assert official_calendar.is_working_day(datetime(2026, 3, 6, 18, 0, tzinfo=UTC)) is False


# --- Importing an official schedule ---------------------------------------------------------------

SCHEDULE = {
    "year": 2026,
    "holidays": [{"date": "2026-03-09", "name": "Nghỉ thử"}],
    "makeup_workdays": [{"date": "2026-03-07", "name": "Làm bù thử"}],
}


@pytest.mark.django_db
def test_importing_a_schedule_stores_its_days_and_its_year():
    official = import_schedule(SCHEDULE, source="test.json")
    assert (official.year, official.source) == (2026, "test.json")
    assert list(CalendarDay.objects.values_list("date", "kind", "source")) == [
        (date(2026, 3, 7), "workday", "official"),
        (date(2026, 3, 9), "day_off", "official"),
    ]


def test_importing_a_year_again_replaces_its_official_days_only(official_calendar):
    admin_day(date(2026, 3, 10), CalendarDay.Kind.DAY_OFF)
    import_schedule(SCHEDULE)
    assert list(CalendarDay.objects.filter(date__year=2026).values_list("date", "source")) == [
        (date(2026, 3, 7), "official"),
        (date(2026, 3, 9), "official"),
        (date(2026, 3, 10), "admin"),
    ]
    assert OfficialYear.objects.count() == 3


def test_an_imported_schedule_takes_effect_at_once(official_calendar):
    get_calendar()
    import_schedule(SCHEDULE)
    # Tết is gone from 2026; 7 March is worked, 9 March is off.
    assert get_calendar().add_working_hours(at(2026, 3, 6, 16, 0), 10) == at(2026, 3, 10, 8, 0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"holidays": []}, "The schedule does not say which year it is for."),
        ({"year": "2026"}, "The year must be a whole number from 1900 to 2999, not “2026”."),
        (
            {"year": 2026, "holidays": [{"date": "2026-02-30", "name": "x"}]},
            "Entry 1 of “holidays” has the date “2026-02-30”, not YYYY-MM-DD.",
        ),
        (
            {"year": 2026, "holidays": [{"date": "16/02/2026", "name": "x"}]},
            "Entry 1 of “holidays” has the date “16/02/2026”, not YYYY-MM-DD.",
        ),
        (
            {"year": 2026, "makeup_workdays": [{"date": "2027-01-09", "name": "x"}]},
            "The date 2027-01-09 in “makeup_workdays” is outside the year 2026.",
        ),
        (
            {
                "year": 2026,
                "holidays": [{"date": "2026-01-10", "name": "x"}],
                "makeup_workdays": [{"date": "2026-01-10", "name": "y"}],
            },
            "The date 2026-01-10 is both a holiday and a make-up working day.",
        ),
        (
            {"year": 2026, "holidays": ["2026-01-01", "2026-01-01"]},
            "The date 2026-01-01 appears twice in “holidays”.",
        ),
        ({"year": 2026, "holidays": [{"name": "x"}]}, "Entry 1 of “holidays” has no date."),
        ({"year": 2026, "holidays": "2026-01-01"}, "“holidays” must be a list."),
    ],
)
def test_a_bad_schedule_is_refused_with_a_clear_message(data, message):
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        import_schedule(data)
    assert refused.value.messages == [message]


@pytest.mark.django_db
def test_a_bad_schedule_changes_nothing():
    import_schedule(SCHEDULE)
    with pytest.raises(ValidationError):
        import_schedule({"year": 2026, "holidays": [{"date": "2025-12-31", "name": "x"}]})
    assert CalendarDay.objects.count() == 2


def test_invalidating_the_calendar_makes_the_next_call_reload_it(official_calendar):
    first = get_calendar()
    invalidate_calendar()
    assert get_calendar() is not first


def test_minutes_until_many_deadlines_agree_with_one_at_a_time(official_calendar):
    start = at(2026, 2, 12, 16, 0)  # Thursday before Tết
    ends = [at(2026, 2, 13, 8, 0), at(2026, 2, 23, 11, 30), at(2026, 3, 2, 17, 0),
            at(2026, 2, 12, 15, 0)]
    together = official_calendar.working_minutes_until(start, ends)
    assert together == {end: official_calendar.working_minutes_between(start, end)
                        for end in ends}
