"""The cases behind each dashboard figure, and the average working time per stage (their
queries' ceilings are in tests/performance/test_reports.py)."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from reports.drilldown import metric_labels, metric_queryset
from reports.statistics import Period, Scope, stage_times, summary, unit_ranking
from workflow.models import Case

Q1 = Period.parse("2026-Q1")
METRICS = list(metric_labels())


@pytest.fixture
def client_of(client):
    def login(user):
        client.force_login(user)
        return client
    return login


def listed(client, **params) -> int:
    response = client.get(reverse("reports:cases"), params)
    assert response.status_code == 200
    return response.context["page"].paginator.count


@pytest.mark.django_db
def test_each_summary_figure_lists_as_many_rows_as_it_counts(scenario, client_of):
    client = client_of(scenario.p.supervisor_user)
    s = summary(Q1, Scope())
    for metric in METRICS:
        assert listed(client, metric=metric, period="2026-Q1") == getattr(s, metric), metric
    assert (s.received, s.handled, s.on_time, s.late, s.extended, s.overdue_now,
            s.returned, s.redistributed) == (6, 5, 3, 2, 1, 1, 1, 1)


@pytest.mark.django_db
def test_each_unit_rows_figure_lists_as_many_rows_as_it_counts(scenario, client_of):
    client = client_of(scenario.p.supervisor_user)
    for scope, params in ((Scope(), {}), (Scope(area=scenario.commune), {"area": "phuong-1"})):
        for unit in unit_ranking(Q1, scope):
            for metric in METRICS:
                assert listed(client, metric=metric, period="2026-Q1", row=unit.code,
                              **params) == getattr(unit, metric), (unit.code, metric, params)


@pytest.mark.django_db
def test_the_dashboard_links_its_figures_to_their_cases(scenario, client_of):
    body = client_of(scenario.p.supervisor_user).get(
        reverse("reports:dashboard"), {"period": "2026-Q1"}
    ).content.decode()
    assert "/reports/cases/?period=2026-Q1&amp;metric=late" in body
    assert "/reports/cases/?period=2026-Q1&amp;metric=late&amp;row=roads" in body


@pytest.mark.django_db
def test_a_unit_leader_lists_only_their_own_units_cases(scenario, client_of):
    p = scenario.p
    client = client_of(p.roads_leader_user)
    response = client.get(reverse("reports:cases"),
                          {"metric": "received", "period": "2026-Q1", "unit": "roads"})
    assert {r.case_id for r in response.context["rows"]} == {
        scenario.cases[k].pk for k in "acde"
    }
    # Another unit is not a choice: the leader's own unit stays the scope.
    response = client.get(reverse("reports:cases"),
                          {"metric": "received", "period": "2026-Q1", "unit": "power"})
    assert response.status_code == 200
    assert scenario.cases["b"].pk not in {r.case_id for r in response.context["rows"]}
    assert client.get(reverse("reports:cases"), {"metric": "received", "period": "2026-Q1",
                                                 "row": "power"}).status_code == 404
    assert client.get(reverse("reports:cases"), {"metric": "nonsense"}).status_code == 404
    assert client_of(p.roads_staff_user).get(
        reverse("reports:cases"), {"metric": "received"}
    ).status_code == 403


@pytest.mark.django_db
def test_a_state_secrets_title_is_for_the_coordination_centre_only(scenario, client_of):
    case = scenario.cases["a"]
    Case.objects.filter(pk=case.pk).update(is_state_secret=True)
    params = {"metric": "received", "period": "2026-Q1"}
    staff_url = reverse("staff:case", args=[case.pk])
    with translation.override("vi"):
        hidden = gettext("(state secret)")
    response = client_of(scenario.p.supervisor_user).get(reverse("reports:cases"), params)
    titles = {r.case_id: r.title for r in response.context["rows"]}
    assert staff_url in response.content.decode() and hidden in response.content.decode()
    assert titles[case.pk] == hidden and titles[scenario.cases["b"].pk] != hidden
    response = client_of(scenario.p.coordinator_user).get(reverse("reports:cases"), params)
    assert {r.case_id: r.title for r in response.context["rows"]}[case.pk] == case.title


@pytest.mark.django_db
def test_a_calendar_periods_links_keep_the_calendar_basis(scenario, client_of):
    client = client_of(scenario.p.supervisor_user)
    body = client.get(reverse("reports:dashboard"),
                      {"period": "2026-03", "basis": "calendar"}).content.decode()
    link = "/reports/cases/?period=2026-03&amp;basis=calendar&amp;metric=handled"
    assert link in body
    # The list behind it counts what the calendar month counts: C twice and E, not A or B.
    assert listed(client, metric="handled", period="2026-03", basis="calendar") == 3
    assert listed(client, metric="handled", period="2026-03") == 5


@pytest.mark.django_db
def test_a_metric_query_narrowed_to_a_unit(scenario):
    roads = scenario.p.roads
    assert metric_queryset("handled", Q1, Scope(), roads).count() == 3
    with pytest.raises(KeyError):
        metric_queryset("nope", Q1, Scope())


@pytest.mark.django_db
def test_working_time_per_stage(scenario):
    stages = stage_times(Q1, Scope())
    by_key = {s.key: s for s in stages}
    assert list(by_key) == ["intake", "acceptance", "handling", "approval", "publication"]
    # Dispatched 10 minutes after receipt (A–E; F was rejected); accepted 20–30 minutes later.
    assert by_key["intake"].count == 5
    assert by_key["intake"].average_minutes == pytest.approx(10)
    assert (by_key["acceptance"].count, by_key["acceptance"].average_minutes) == (6, 22.5)
    # An hour for each leader, but ten minutes for E's second draft.
    assert (by_key["approval"].count, by_key["approval"].average_minutes) == (5, 50)
    assert not any(s.capped for s in stages)
    capped = {s.key: s for s in stage_times(Q1, Scope(), limit=2)}
    assert capped["acceptance"].capped and capped["acceptance"].count == 2


@pytest.mark.django_db
def test_the_dashboard_shows_the_stage_table(scenario, client_of):
    body = client_of(scenario.p.supervisor_user).get(
        reverse("reports:dashboard"), {"period": "2026-Q1"}
    ).content.decode()
    assert "Thời gian làm việc bình quân của từng bước" in body
