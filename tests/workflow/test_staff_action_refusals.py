"""Who may act on the case page, and what it offers: another role's or another unit's POST
changes nothing (AC1, AC6), every refusal comes back next to its field, translated, with
what was typed kept (IN5), and each action not offered says why."""

import re

from django.test import Client
from django.urls import reverse

from tests.conftest import MONDAY
from tests.workflow import drive
from tests.workflow.acting import (
    REQUIRED_VI,
    case_url,
    english,
    post,
    private_media,  # noqa: F401 — an autouse fixture
    reload,
    text,
)
from workflow.models import Assignment, Case


# --- Who may act (SECURITY AC1, AC6) -----------------------------------------------------------
def test_another_units_assignment_action_answers_404_and_changes_nothing(client, province):
    assignment = drive.assignment_of(drive.assigned(province, MONDAY), province.roads)
    response = post(client, province.power_staff_user, "accept", assignment.pk)
    assert response.status_code == 404
    assert reload(assignment).state == Assignment.State.PENDING


def test_a_unit_user_posting_the_coordinators_publish_gets_403(client, province):
    case = drive.approved(province, MONDAY)
    response = post(client, province.roads_leader_user, "publish", case.pk,
                    {"visibility": "public", "reply_text": "Tự công bố."})
    assert response.status_code == 403
    assert reload(case).state == Case.State.APPROVED


def test_a_unit_user_posting_a_coordinator_action_on_a_case_it_cannot_see_gets_404(client,
                                                                                 province):
    case = province.receive()
    response = post(client, province.roads_staff_user, "classify", case.pk,
                    {"category": province.permits.pk})
    assert response.status_code == 404
    assert reload(case).state == Case.State.RECEIVED


def test_a_unit_user_cannot_reveal_the_contact_to_their_own_unit(client, province):
    assignment = drive.assignment_of(drive.assigned(province, MONDAY), province.roads)
    response = post(client, province.roads_leader_user, "reveal", assignment.pk,
                    {"reason": "Muốn gọi điện."})
    assert response.status_code == 403
    assert not reload(assignment).contact_revealed


def test_unit_staff_cannot_approve_their_own_draft(client, province):
    assignment = drive.awaiting_approval(province, MONDAY)
    response = post(client, province.roads_staff_user, "approve", assignment.pk)
    assert response.status_code == 403
    assert reload(assignment).state == Assignment.State.AWAITING_APPROVAL


def test_a_post_without_a_csrf_token_is_refused(province):
    assignment = drive.assignment_of(drive.assigned(province, MONDAY), province.roads)
    client = Client(enforce_csrf_checks=True)
    client.force_login(province.roads_staff_user)
    response = client.post(reverse("staff:accept", args=[assignment.pk]))
    assert response.status_code == 403
    assert reload(assignment).state == Assignment.State.PENDING


def test_the_case_page_forms_carry_the_csrf_token(province):
    assignment = drive.assignment_of(drive.assigned(province, MONDAY), province.roads)
    client = Client(enforce_csrf_checks=True)
    client.force_login(province.roads_staff_user)
    html = client.get(case_url(assignment.case)).content.decode()
    accept = reverse("staff:accept", args=[assignment.pk])
    form = re.search(rf'<form method="post" action="{re.escape(accept)}".*?</form>', html,
                     re.DOTALL).group(0)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = client.post(accept, {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert reload(assignment).state == Assignment.State.PROCESSING


def test_an_action_url_answers_only_post(client, province):
    case = province.receive()
    client.force_login(province.coordinator_user)
    assert client.get(reverse("staff:classify", args=[case.pk])).status_code == 405


def test_an_anonymous_post_goes_to_the_login_page(client, province):
    case = province.receive()
    response = client.post(reverse("staff:classify", args=[case.pk]),
                           {"category": province.permits.pk})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:login"))
    assert reload(case).state == Case.State.RECEIVED


# --- Refusals on the page (SECURITY IN5) -------------------------------------------------------
def test_a_missing_reason_is_shown_next_to_its_field_and_the_typed_note_is_kept(client,
                                                                               province):
    case = province.receive()
    response = post(client, province.coordinator_user, "reject", case.pk,
                    {"reason": "", "note": "Nội dung quảng cáo <b>đậm</b>"})
    assert response.status_code == 400
    html = response.content.decode()
    assert f'<p class="field-error" id="id_reject_reason_error">{REQUIRED_VI}</p>' in html
    assert 'aria-describedby="id_reject_reason_error"' in html
    assert "Nội dung quảng cáo &lt;b&gt;đậm&lt;/b&gt;</textarea>" in html
    assert '<details class="action action--danger" id="action-reject" open>' in html
    assert reload(case).state == Case.State.RECEIVED


def test_a_blank_return_reason_is_refused_next_to_the_field(client, province):
    assignment = drive.assignment_of(drive.assigned(province, MONDAY), province.roads)
    response = post(client, province.roads_staff_user, "return", assignment.pk, {"reason": " "})
    assert response.status_code == 400
    assert f'id="id_return-{assignment.pk}_reason_error">{REQUIRED_VI}<' in (
        response.content.decode())
    assert reload(assignment).state == Assignment.State.PENDING


def test_an_action_the_state_no_longer_allows_comes_back_with_409_and_its_reason(client,
                                                                               province):
    case = drive.classified(province, MONDAY)
    response = post(client, province.coordinator_user, "classify", case.pk,
                    {"category": province.lighting.pk})
    assert response.status_code == 409
    assert "Không thể thực hiện thao tác này khi đang ở trạng thái" in text(response)
    assert reload(case).category == province.permits


# --- What the page offers, and why not ---------------------------------------------------------
def actions_of(client, user, case) -> dict[str, object]:
    english(client)
    client.force_login(user)
    page = client.get(case_url(case)).context["page"]
    return {a.key.split("-")[0]: a for a in page.actions + [
        a for unit in page.unit_actions for a in unit.actions]}


def test_unit_staff_see_accept_and_return_on_a_new_assignment(client, province):
    case = drive.assigned(province, MONDAY)
    actions = actions_of(client, province.roads_staff_user, case)
    assert actions["accept"].form is not None and actions["return"].form is not None
    assert actions["publish"].form is None
    assert actions["publish"].reason == "Waiting for the units' draft replies"
    assert "classify" not in actions and "reveal" not in actions


def test_staff_see_that_the_draft_waits_for_the_leader(client, province):
    assignment = drive.awaiting_approval(province, MONDAY)
    actions = actions_of(client, province.roads_staff_user, assignment.case)
    assert actions["approve"].form is None
    assert actions["approve"].who == "Unit leader"
    assert actions["approve"].reason == "Only the unit's leader can do this."
    assert actions["publish"].reason == "Waiting for leader approval"
    leader = actions_of(client, province.roads_leader_user, assignment.case)
    assert leader["approve"].form is not None
    assert leader["edit_approve"].form is not None and leader["edit_approve"].collapsed


def test_only_the_coordinator_can_publish_is_shown_to_the_unit(client, province):
    case = drive.approved(province, MONDAY)
    actions = actions_of(client, province.roads_leader_user, case)
    assert actions["publish"].form is None
    assert actions["publish"].reason == "Only the coordination centre can do this."
    coordinator = actions_of(client, province.coordinator_user, case)
    assert coordinator["publish"].form is not None
    assert coordinator["send_back"].form is not None and coordinator["reveal"].form is not None


def test_the_supervisor_is_offered_no_form(client, province):
    case = drive.assigned(province, MONDAY)
    actions = actions_of(client, province.supervisor_user, case)
    assert all(a.form is None for a in actions.values())
    assert actions["accept"].reason == "Only the unit's staff can do this."
