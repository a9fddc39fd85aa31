"""Every statistic of the periodic report, checked against cases built for the purpose."""

from datetime import date

import pytest

from reports.schedule import monthly_period, quarterly_period, yearly_period
from reports.statistics import (
    Period,
    PeriodError,
    Scope,
    overdue_now,
    received,
    summary,
    unit_ranking,
)
from tests.reports.quarter import NOW
from workflow.models import Assignment

Q1 = Period.parse("2026-Q1")


def test_a_month_quarter_or_year_is_the_reporting_period_cut_off_on_the_14th():
    """Decree 09/2019/NĐ-CP, Art. 12: the drafts, the dashboard and the command agree."""
    assert Period.parse("2026-10") == Period(date(2026, 9, 15), date(2026, 10, 14), "monthly")
    assert Period.parse("2026-01") == Period(date(2025, 12, 15), date(2026, 1, 14), "monthly")
    assert Period.parse("2026-Q1") == Period(date(2025, 12, 15), date(2026, 3, 14), "quarterly")
    assert Period.parse("2026-Q3") == Period(date(2026, 6, 15), date(2026, 9, 14), "quarterly")
    assert Period.parse("2026") == Period(date(2025, 12, 15), date(2026, 12, 14), "yearly")
    assert Period.parse("2026-10") == monthly_period(2026, 10)
    assert Period.parse("2026-Q3") == quarterly_period(2026, 3)
    assert Period.parse("2026") == yearly_period(2026)
    for text in ("2026-10", "2026-Q3", "2026"):
        period = Period.parse(text)
        assert (period.code, period.basis) == (text, "reporting")


def test_the_calendar_month_quarter_or_year_is_there_on_request():
    assert Period.parse("2026-10", calendar=True) == Period(date(2026, 10, 1),
                                                            date(2026, 10, 31), "monthly")
    assert Period.parse("2026-Q3", calendar=True) == Period(date(2026, 7, 1),
                                                            date(2026, 9, 30), "quarterly")
    assert Period.parse("2026", calendar=True) == Period(date(2026, 1, 1),
                                                         date(2026, 12, 31), "yearly")
    assert Period.parse("2024-02", calendar=True).end == date(2024, 2, 29)
    for text in ("2026-10", "2026-Q3", "2026"):
        period = Period.parse(text, calendar=True)
        assert (period.code, period.basis) == (text, "calendar")


def test_a_range_is_any_days_whatever_the_basis():
    for calendar in (False, True):
        period = Period.parse("2026-02-01..2026-02-28", calendar=calendar)
        assert period == Period(date(2026, 2, 1), date(2026, 2, 28), "range")
        assert period.basis == ""
    for text in ("2026-13", "2026-Q5", "October", "2026-03-01..2026-02-01"):
        for calendar in (False, True):
            with pytest.raises(PeriodError):
                Period.parse(text, calendar=calendar)


def test_the_reporting_month_in_progress_changes_on_the_15th():
    assert Period.reporting_month_of(date(2026, 11, 14)).code == "2026-11"
    assert Period.reporting_month_of(date(2026, 11, 15)).code == "2026-12"
    assert Period.reporting_month_of(date(2026, 12, 28)) == Period(
        date(2026, 12, 15), date(2027, 1, 14), "monthly")


def test_a_periods_bounds_are_whole_local_days():
    start, end = Period.parse("2026-10").bounds
    assert (start.isoformat(), end.isoformat()) == (
        "2026-09-15T00:00:00+07:00", "2026-10-15T00:00:00+07:00"
    )
    start, end = Period.parse("2026-10", calendar=True).bounds
    assert (start.isoformat(), end.isoformat()) == (
        "2026-10-01T00:00:00+07:00", "2026-11-01T00:00:00+07:00"
    )


@pytest.mark.django_db
def test_the_quarters_summary_counts_every_case_once(scenario):
    s = summary(Q1, Scope())
    assert (s.received, s.rejected, s.published, s.open) == (6, 1, 4, 2)
    # Handled: A, B, C×2, E. Late: B (across Tết) and C at "other". Extended: C at roads.
    assert (s.handled, s.on_time, s.late, s.extended) == (5, 3, 2, 1)
    assert s.overdue_now == 1
    assert (s.returned, s.redistributed, s.revisions, s.reprocessed) == (1, 1, 0, 0)
    assert (s.satisfied, s.accepted, s.unsatisfied) == (2, 1, 1)
    assert s.on_time_rate == pytest.approx(0.6)
    assert s.satisfaction_rate == pytest.approx(0.75)


@pytest.mark.django_db
def test_working_days_skip_tet_so_a_case_handled_after_the_holiday_is_on_time(scenario):
    # A and B, handled on 25 and 26 February, are the only ones in calendar February.
    february = Period.parse("2026-02", calendar=True)
    feb = summary(february, Scope())
    assert (feb.received, feb.handled, feb.on_time, feb.late) == (2, 2, 1, 1)
    roads = summary(february, Scope(unit=scenario.p.roads))
    assert (roads.handled, roads.on_time, roads.late) == (1, 1, 0)
    power = summary(february, Scope(unit=scenario.p.power))
    assert (power.handled, power.on_time, power.late) == (1, 0, 1)


@pytest.mark.django_db
def test_a_reporting_month_counts_from_the_15th_so_cases_move_to_the_month_after(scenario):
    # A and B were received on 12 February: the reporting month of February
    # (15/01–14/02); nothing was handled before 15 February.
    february = summary(Period.parse("2026-02"), Scope())
    assert (february.received, february.handled, february.published) == (2, 0, 0)
    # Their handling on 25–26 February counts in March (15/02–14/03), with C, D, E, F.
    march = summary(Period.parse("2026-03"), Scope())
    assert (march.received, march.rejected, march.published) == (4, 1, 4)
    assert (march.handled, march.on_time, march.late, march.extended) == (5, 3, 2, 1)
    assert (march.satisfied, march.accepted, march.unsatisfied) == (2, 1, 1)
    # Calendar March (01/03–31/03) has the same cases received but only C×2 and E handled.
    calendar_march = summary(Period.parse("2026-03", calendar=True), Scope())
    assert (calendar_march.received, calendar_march.handled, calendar_march.late) == (4, 3, 1)
    # A reporting April (15/03–14/04) has none of it, though D is still overdue now.
    april = summary(Period.parse("2026-04"), Scope())
    assert (april.received, april.handled, april.open, april.overdue_now) == (0, 0, 2, 1)


@pytest.mark.django_db
def test_received_cases_are_broken_down_by_channel_category_area_and_unit(scenario):
    r = received(Q1, Scope())
    assert r.total == 6
    assert {row.key: row.count for row in r.by_channel} == {
        "web": 2, "hotline": 1, "zalo": 1, "facebook": 1, "email": 1,
    }
    assert r.by_channel[0].key == "web"
    assert {row.key: row.count for row in r.by_category} == {"permits": 5, "": 1}
    assert {row.key: row.count for row in r.by_area} == {
        "tp-tay-ninh": 2, "phuong-1": 2, "": 2,
    }
    # The unit that returned D does not count it; D counts once, for roads.
    assert {row.key: row.count for row in r.by_unit} == {
        "roads": 4, "power": 1, "chau-thanh": 1,
    }


@pytest.mark.django_db
def test_an_area_scope_takes_in_its_communes(scenario):
    s = summary(Q1, Scope(area=scenario.district))
    assert (s.received, s.handled, s.late, s.extended) == (4, 5, 2, 1)  # A, B, C×2, E
    commune = summary(Q1, Scope(area=scenario.commune))
    assert (commune.received, commune.handled, commune.late) == (2, 3, 2)  # B, C(×2)


@pytest.mark.django_db
def test_units_rank_by_on_time_rate_then_satisfaction(scenario):
    p = scenario.p
    rows = {row.code: row for row in unit_ranking(Q1, Scope())}
    assert [r.code for r in unit_ranking(Q1, Scope())] == ["roads", "chau-thanh", "power"]
    roads = rows["roads"]
    assert (roads.rank, roads.received, roads.handled, roads.on_time, roads.late) == (
        1, 4, 3, 3, 0)
    assert (roads.extended, roads.open, roads.overdue_now, roads.redistributed) == (1, 1, 1, 1)
    assert (roads.satisfied, roads.accepted, roads.unsatisfied) == (2, 1, 0)
    assert roads.on_time_rate == pytest.approx(1.0)
    other = rows["chau-thanh"]
    assert (other.handled, other.late, other.accepted, other.satisfaction_rate) == (1, 1, 1, 1.0)
    power = rows["power"]
    assert (power.received, power.handled, power.late, power.returned) == (1, 1, 1, 1)
    assert (power.unsatisfied, power.on_time_rate, power.satisfaction_rate) == (1, 0.0, 0.0)
    only = unit_ranking(Q1, Scope(unit=p.power))
    assert [r.code for r in only] == ["power"]


@pytest.mark.django_db
def test_the_overdue_list_names_unit_stage_and_working_hours_late(scenario):
    [row] = overdue_now(Scope(), NOW)
    assert (row.case_id, row.unit, row.stage) == (
        scenario.cases["d"].pk, "Sở Giao thông vận tải", Assignment.State.PROCESSING.label
    )
    # Due Wed 11 Mar 17:00; six full working days (12–19 Mar) and 07:00–08:00 on the 20th.
    assert row.working_hours_late == 49.0
    assert overdue_now(Scope(unit=scenario.p.power), NOW) == []


@pytest.mark.django_db
def test_the_statistics_cost_no_more_queries_for_thirty_cases_than_for_three(
    province, official_calendar, django_assert_max_num_queries
):
    from tests.factories import UnitFactory
    from tests.reports.quarter import build_scenario

    def read() -> None:
        summary(Q1, Scope())
        received(Q1, Scope())
        unit_ranking(Q1, Scope())
        overdue_now(Scope(), NOW)

    # 5 for the summary, 5 for the cases received, 1 each for the ranking and the list.
    with django_assert_max_num_queries(12):
        read()
    province.roads.code  # noqa: B018 — the province exists before the scenario
    build_scenario(province)
    UnitFactory.create_batch(3)
    with django_assert_max_num_queries(12):
        read()
