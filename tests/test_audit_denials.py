"""Every refusal is audited once, in one place (SECURITY AU1): a 403 of any page, and the
404 a permission-checked getter answers a signed-in person for what is not theirs."""

import pytest
from django.test import Client, RequestFactory
from django.urls import resolve, reverse

from routing.middleware import refused_path
from routing.models import AuditEvent
from tests.conftest import MONDAY
from tests.workflow import drive

pytestmark = pytest.mark.django_db


def denials() -> list[tuple]:
    return [(e.actor, e.ip, e.outcome, e.detail)
            for e in AuditEvent.objects.filter(action=AuditEvent.Action.PERMISSION_DENIED)]


def test_a_refused_reports_page_is_audited(client, province):
    client.force_login(province.roads_staff_user)
    response = client.get(reverse("reports:dashboard"), REMOTE_ADDR="192.0.2.21")
    assert response.status_code == 403
    assert denials() == [(province.roads_staff_user, "192.0.2.21", "denied",
                          {"path": reverse("reports:dashboard")})]


def test_a_refused_report_draft_is_audited(client, province):
    client.force_login(province.roads_leader_user)
    response = client.get(reverse("reports:drafts"), REMOTE_ADDR="192.0.2.22")
    assert response.status_code == 403
    assert denials() == [(province.roads_leader_user, "192.0.2.22", "denied",
                          {"path": reverse("reports:drafts")})]


def test_another_units_case_answers_404_and_the_attempt_is_audited(client, province):
    case = drive.assigned(province, MONDAY, units=[province.roads])
    client.force_login(province.power_staff_user)
    url = reverse("staff:case", args=[case.pk])
    response = client.get(url, REMOTE_ADDR="192.0.2.23")
    assert response.status_code == 404
    assert denials() == [(province.power_staff_user, "192.0.2.23", "not_found",
                          {"path": url})]


def test_another_units_assignment_action_answers_404_and_is_audited(client, province):
    assignment = drive.processing(province, MONDAY)
    client.force_login(province.power_staff_user)
    url = reverse("staff:accept", args=[assignment.pk])
    response = client.post(url, REMOTE_ADDR="192.0.2.24")
    assert response.status_code == 404
    assert denials() == [(province.power_staff_user, "192.0.2.24", "not_found",
                          {"path": url})]


def test_another_units_row_of_a_report_answers_404_and_is_audited(client, province):
    client.force_login(province.roads_leader_user)
    response = client.get(reverse("reports:cases"), {"metric": "received", "row": "power"},
                          REMOTE_ADDR="192.0.2.25")
    assert response.status_code == 404
    assert [(actor, outcome) for actor, _ip, outcome, _detail in denials()] == [
        (province.roads_leader_user, "not_found")]


def test_an_address_that_matches_no_page_is_not_a_refusal(client, province):
    client.force_login(province.roads_staff_user)
    assert client.get("/staff/no-such-page/").status_code == 404
    assert denials() == []


def test_a_visitor_who_is_not_signed_in_leaves_no_row_for_a_missing_page(client, province):
    case = province.receive()
    assert client.get(reverse("publishing:answer", args=[case.pk])).status_code == 404
    assert denials() == []


def test_a_form_refused_for_its_missing_csrf_token_is_audited(province):
    client = Client(enforce_csrf_checks=True)
    client.force_login(province.coordinator_user)
    response = client.post(reverse("staff:hotline"), {}, REMOTE_ADDR="192.0.2.26")
    assert response.status_code == 403
    assert denials() == [(province.coordinator_user, "192.0.2.26", "denied",
                          {"path": reverse("staff:hotline")})]


def test_a_refused_address_that_carries_a_code_is_stored_as_its_pattern():
    path = reverse("api:rate", args=["K7Q2M9X4TD"])
    request = RequestFactory().post(path)
    request.resolver_match = resolve(path)
    assert refused_path(request) == "/api/v1/cases/<str:code>/rating"
    staff_path = reverse("staff:case", args=[42])
    request = RequestFactory().get(staff_path)
    request.resolver_match = resolve(staff_path)
    assert refused_path(request) == staff_path
