"""The reports' queries: the list of report drafts, the cases behind a dashboard figure, the
working time per stage and the public statistics page each stay under a ceiling however many
rows they cover."""

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse

from reports.services import prepare_report_drafts
from reports.statistics import Period, Scope, stage_times
from reports.statistics import public as statistics
from tests.conftest import MONDAY, at
from tests.feedback.support import public_isolation  # noqa: F401 — a fixture
from tests.reports.quarter import build_scenario, import_official_calendar
from tests.workflow import drive
from workflow.worktime import get_calendar

# The drafts' list: session, the user with their roles, the count and the page (the session
# is not saved again within a minute of its last push).
DRAFTS_LIST_QUERIES = 4
# The cases behind a figure: session, the user with their roles, the figure's count and its
# page of cases.
FIGURE_CASES_QUERIES = 4
# One aggregate per stage.
STAGE_TIMES_QUERIES = 5
# Each period's summary, cases received and unit ranking, read afresh.
PUBLIC_STATISTICS_QUERIES = 2 * 11


@pytest.fixture
def official_calendar(db):
    return import_official_calendar()


@pytest.fixture
def scenario(province, official_calendar):
    return build_scenario(province)


def prepare(day: date) -> None:
    prepare_report_drafts(today=day, now=at(day.year, day.month, day.day, 6, 15))


def signed_in(client, user, url: str) -> None:
    """`user` signed in, with the first page after the log-in (which saves the session)
    already opened."""
    client.force_login(user)
    client.get(url)


# --- The report drafts ---------------------------------------------------------------------------
def test_the_list_of_drafts_stays_under_its_ceiling_with_two_drafts_or_five(
        client, province, official_calendar, settings, tmp_path,
        django_assert_max_num_queries):
    settings.MEDIA_ROOT = tmp_path
    drafts = reverse("reports:drafts")
    prepare(date(2026, 3, 13))  # the monthly and the quarterly
    signed_in(client, province.supervisor_user, drafts)
    with django_assert_max_num_queries(DRAFTS_LIST_QUERIES):
        assert client.get(drafts).content.decode().count('href="/reports/drafts/') == 2
    prepare(date(2026, 12, 14))  # the monthly, the quarterly and the yearly
    with django_assert_max_num_queries(DRAFTS_LIST_QUERIES):
        assert client.get(drafts).content.decode().count('href="/reports/drafts/') == 5


# --- The cases behind a dashboard figure ---------------------------------------------------------
@pytest.mark.parametrize(("metric", "fewer"), [("received", "2026-02"), ("handled", "2026-02"),
                                               ("returned", "2026-03")])
def test_the_cases_behind_a_figure_stay_under_a_ceiling_for_two_cases_or_six(
        client, scenario, metric, fewer, django_assert_max_num_queries):
    cases = reverse("reports:cases")
    signed_in(client, scenario.p.supervisor_user, cases)
    # Calendar February holds two cases (A, B), both handled; the quarter holds six.
    for params in ({"metric": metric, "period": fewer, "basis": "calendar"},
                   {"metric": metric, "period": "2026-Q1"}):
        with django_assert_max_num_queries(FIGURE_CASES_QUERIES):
            response = client.get(cases, params)
        assert response.context["page"].paginator.count > 0, params


def test_the_working_time_per_stage_is_one_query_per_stage(scenario,
                                                           django_assert_max_num_queries):
    get_calendar()  # the process-wide calendar is cached; its reload is not the figures'
    with django_assert_max_num_queries(STAGE_TIMES_QUERIES):
        stages = stage_times(Period.parse("2026-Q1"), Scope())
    assert len(stages) == 5


# --- The public statistics page ------------------------------------------------------------------
@pytest.fixture
def in_march(monkeypatch, public_isolation):  # noqa: F811
    """The page read in March 2026, the month of MONDAY, from a cache of the test's own."""
    monkeypatch.setattr(statistics, "today", lambda: MONDAY.date())


def test_the_public_statistics_stay_under_a_ceiling_and_are_then_kept(
        client, province, in_march, django_assert_max_num_queries):
    page = reverse("reports_public:statistics")
    drive.published(province, MONDAY, title="Cống thoát nước bị tắc")
    with django_assert_max_num_queries(PUBLIC_STATISTICS_QUERIES):
        client.get(page)
    with django_assert_max_num_queries(0):  # kept in the cache: the database is not asked
        assert client.get(page).status_code == 200

    drive.assigned(province, MONDAY + timedelta(days=1), units=[province.power, province.other])
    drive.published(province, MONDAY + timedelta(days=2))
    cache.clear()  # the ten minutes the figures are kept have passed
    with django_assert_max_num_queries(PUBLIC_STATISTICS_QUERIES):
        response = client.get(page)
    month = response.context["periods"][0]
    assert month.received == 3
    assert {u.name for u in month.units} == {
        province.roads.name, province.power.name, province.other.name}
