"""Supervision and moderation: the leader's figures, the valuable mark and the abuse list
(Art. 18), the help page, and the coordinator's view of sent messages."""

import pytest
from django.conf import settings
from django.urls import reverse

from routing.models import AuditEvent
from tests.conftest import MONDAY
from tests.workflow import drive, month
from tests.workflow.acting import case_url, post
from tests.workflow.listed import codes_on as listed
from tests.workflow.month import TUESDAY_9AM
from workflow import services
from workflow.errors import TransitionRefused
from workflow.models import AbuseListEntry, Case, OutboxMessage
from workflow.models.moderation import normalize_contact
from workflow.selectors import unit_supervision

HOME = reverse("staff:home")
HOLD = reverse("staff:hold")
ESCALATED = reverse("staff:escalated")
SUPERVISION = reverse("staff:supervision")
HELP = reverse("staff:help")


# --- The unit leader's figures ------------------------------------------------------------------
@pytest.fixture
def roads_month(province):
    return month.roads_month(province)


def test_the_leaders_figures_count_open_due_soon_overdue_extended_and_on_time(roads_month):
    [roads] = unit_supervision(frozenset({roads_month.roads.pk}), TUESDAY_9AM)
    assert (roads.unit, roads.open, roads.due_soon, roads.overdue, roads.extended) == (
        roads_month.roads.name, 4, 2, 1, 1)
    assert (roads.approved_this_month, roads.on_time_this_month, roads.on_time_rate) == (2, 1, 50)


def test_a_unit_with_nothing_shows_zeros_and_no_rate(province):
    [other] = unit_supervision(frozenset({province.other.pk}), TUESDAY_9AM)
    assert (other.open, other.overdue, other.approved_this_month, other.on_time_rate) == (
        0, 0, 0, None)


def test_the_leader_opens_the_supervision_page_of_their_unit(client, province):
    drive.assigned(province, MONDAY)
    client.force_login(province.roads_leader_user)
    response = client.get(SUPERVISION)
    assert response.status_code == 200
    assert [u.unit for u in response.context["units"]] == [province.roads.name]
    assert province.power.name not in response.content.decode()


@pytest.mark.parametrize("user", ["roads_staff_user", "coordinator_user", "supervisor_user"])
def test_only_a_leader_opens_the_supervision_page(client, province, user):
    client.force_login(getattr(province, user))
    assert client.get(SUPERVISION).status_code == 403


def test_the_leaders_supervision_page_links_to_each_units_view(client, province):
    client.force_login(province.roads_leader_user)
    html = client.get(SUPERVISION).content.decode()
    assert f'href="{reverse("staff:unit", args=[province.roads.pk])}"' in html


def test_the_leaders_queue_links_to_the_supervision_page(client, province):
    client.force_login(province.roads_leader_user)
    assert f'href="{SUPERVISION}"' in client.get(HOME).content.decode()


# --- A valuable report (Art. 18.1) ----------------------------------------------------------------
def test_marking_a_report_valuable_is_audited(client, province):
    case = drive.assigned(province, MONDAY)
    response = post(client, province.coordinator_user, "mark_valuable", case.pk,
                    {"reason": "Phát hiện sai phạm kịp thời."})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).marked_valuable_at is not None
    audit = AuditEvent.objects.get(action=AuditEvent.Action.CONFIG_CHANGED)
    assert (audit.actor, audit.object_id, audit.detail) == (
        province.coordinator_user, str(case.pk), {"change": "marked_valuable"})
    assert case.events.get(kind="marked_valuable").note == "Phát hiện sai phạm kịp thời."


def test_a_unit_user_cannot_mark_a_report_valuable(client, province):
    case = drive.assigned(province, MONDAY)
    response = post(client, province.roads_leader_user, "mark_valuable", case.pk,
                    {"reason": "x"})
    assert response.status_code == 403
    assert Case.objects.get(pk=case.pk).marked_valuable_at is None
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CONFIG_CHANGED).exists()


# --- The abuse list and the moderation hold (Art. 18.2) ------------------------------------------
@pytest.mark.parametrize(("kind", "raw", "stored"), [
    ("phone", "+84 912 345 678", "0912345678"),
    ("phone", "0912.345.678", "0912345678"),
    ("email", " An@Example.VN ", "an@example.vn"),
    ("address", "  Số 9   Hẻm Bí Mật ", "số 9 hẻm bí mật"),
])
def test_abuse_list_values_are_normalised(kind, raw, stored):
    assert normalize_contact(kind, raw) == stored


def test_the_coordinator_lists_a_reporters_phone_and_it_is_audited_without_the_phone(client,
                                                                                     province):
    case = province.receive(reporter_phone="0912 345 678")
    response = post(client, province.coordinator_user, "abuse_list", case.pk,
                    {"kind": "phone", "reason": "Gửi tin sai sự thật nhiều lần."})
    assert response.status_code == 302
    entry = AbuseListEntry.objects.get()
    assert (entry.kind, entry.value, entry.active, entry.added_by) == (
        "phone", "0912345678", True, province.coordinator_user)
    audit = AuditEvent.objects.get(action=AuditEvent.Action.CONFIG_CHANGED)
    assert audit.detail == {"change": "abuse_list_added", "kind": "phone", "case": case.pk}
    assert "0912" not in str(audit.detail)
    event = case.events.get(kind="abuse_listed")
    assert "0912" not in f"{event.note} {event.data}"


def test_a_unit_user_cannot_list_a_reporter(client, province):
    case = drive.assigned(province, MONDAY)
    response = post(client, province.roads_staff_user, "abuse_list", case.pk,
                    {"kind": "phone", "reason": "x"})
    assert response.status_code == 403
    assert not AbuseListEntry.objects.exists()


def list_phone(province, phone: str = "0912345678") -> AbuseListEntry:
    case = province.receive(reporter_phone=phone)
    return services.add_reporter_to_abuse_list(case_id=case.pk, kind="phone", reason="Quấy rối",
                                               actor=province.coordinator, now=MONDAY)


def test_a_submission_from_a_listed_phone_is_held_not_in_intake(client, province):
    list_phone(province)
    held = province.receive(reporter_phone="+84912345678", reporter_email="khac@example.vn",
                            title="Tin mới từ số bị chặn")
    free = province.receive(reporter_phone="0909000111", reporter_email="khac@example.vn")
    assert held.on_hold and not free.on_hold
    assert held.display_code not in listed(client, province.coordinator_user, HOME)
    assert free.display_code in listed(client, province.coordinator_user, HOME)
    assert listed(client, province.coordinator_user, HOLD) == {held.display_code}


def test_a_submission_from_a_listed_email_is_held(province):
    case = province.receive(reporter_email="Spam@Example.vn")
    services.add_reporter_to_abuse_list(case_id=case.pk, kind="email", reason="Quảng cáo",
                                        actor=province.coordinator, now=MONDAY)
    assert province.receive(reporter_phone="0909000111", reporter_email="spam@example.VN").on_hold


def test_an_inactive_entry_holds_nothing(province):
    entry = list_phone(province)
    AbuseListEntry.objects.filter(pk=entry.pk).update(active=False)
    assert not province.receive(reporter_phone="0912345678").on_hold


def test_releasing_a_held_case_moves_it_into_intake(client, province):
    list_phone(province)
    held = province.receive(reporter_phone="0912345678")
    response = post(client, province.coordinator_user, "release_hold", held.pk, {"note": ""})
    assert response.status_code == 302
    assert not Case.objects.get(pk=held.pk).on_hold
    assert held.display_code in listed(client, province.coordinator_user, HOME)
    assert held.display_code not in listed(client, province.coordinator_user, HOLD)
    assert held.events.filter(kind="released").exists()


def test_a_held_case_cannot_be_classified_until_released(client, province):
    list_phone(province)
    held = province.receive(reporter_phone="0912345678")
    response = post(client, province.coordinator_user, "classify", held.pk,
                    {"category": province.permits.pk})
    assert response.status_code == 409
    assert Case.objects.get(pk=held.pk).state == Case.State.RECEIVED


def test_a_held_case_can_be_rejected_and_leaves_the_hold_list(client, province):
    list_phone(province)
    held = province.receive(reporter_phone="0912345678")
    response = post(client, province.coordinator_user, "reject", held.pk,
                    {"reason": "defamatory"})
    assert response.status_code == 302
    assert held.display_code not in listed(client, province.coordinator_user, HOLD)


@pytest.mark.parametrize("user", ["roads_staff_user", "supervisor_user"])
def test_only_the_coordinator_opens_the_hold_list(client, province, user):
    client.force_login(getattr(province, user))
    assert client.get(HOLD).status_code == 403


def test_releasing_a_case_that_is_not_held_is_refused(province):
    case = province.receive()
    with pytest.raises(TransitionRefused):
        services.release_hold(case_id=case.pk, actor=province.coordinator, now=MONDAY)


# --- Help ----------------------------------------------------------------------------------------
ROLES = ["coordinator_user", "roads_staff_user", "roads_leader_user", "supervisor_user"]


@pytest.mark.parametrize("user", ROLES)
def test_every_queue_page_links_to_the_help_page_and_it_opens(client, province, user):
    client.force_login(getattr(province, user))
    assert f'href="{HELP}"' in client.get(HOME).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(HELP)
    assert response.status_code == 200
    assert "working day" in response.content.decode()


@pytest.mark.parametrize(("user", "section"), [
    ("coordinator_user", "help-coordinator"), ("roads_staff_user", "help-staff"),
    ("roads_leader_user", "help-leader"), ("supervisor_user", "help-supervisor"),
])
def test_the_help_page_shows_the_sections_of_ones_role(client, province, user, section):
    client.force_login(getattr(province, user))
    html = client.get(HELP).content.decode()
    assert f'id="{section}"' in html
    if user == "roads_staff_user":
        assert 'id="help-coordinator"' not in html


@pytest.mark.parametrize("url", [HOLD, ESCALATED])
def test_the_coordinators_other_lists_link_to_the_help_page(client, province, url):
    client.force_login(province.coordinator_user)
    assert f'href="{HELP}"' in client.get(url).content.decode()


# --- Sent messages on the case page --------------------------------------------------------------
def failed_message(case) -> OutboxMessage:
    message = case.outbox_messages.get(to_reporter=True, channel="sms", template="case_received")
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.FAILED, attempts=6, last_error="HTTP 400 from the gateway")
    return message


def test_the_coordinator_sees_the_cases_messages_and_a_resend_button_for_a_failed_one(client,
                                                                                      province):
    case = drive.assigned(province, MONDAY, reporter_phone="0987654321")
    message = failed_message(case)
    client.force_login(province.coordinator_user)
    response = client.get(case_url(case))
    deliveries = response.context["page"].deliveries
    assert {d.template for d in deliveries} >= {  # named, never shown by their keys
        "Xác nhận tiếp nhận gửi người phản ánh", "Thông báo chuyển xử lý gửi người phản ánh"}
    failed = [d for d in deliveries if d.is_failed]
    assert [(d.attempts, d.last_error) for d in failed] == [(6, "HTTP 400 from the gateway")]
    assert reverse("staff:resend", args=[message.pk]) in response.content.decode()


@pytest.mark.parametrize("user", ["roads_staff_user", "roads_leader_user", "supervisor_user"])
def test_others_see_no_messages_and_no_resend_button(client, province, user):
    case = drive.assigned(province, MONDAY)
    message = failed_message(case)
    client.force_login(getattr(province, user))
    response = client.get(case_url(case))
    assert response.context["page"].deliveries is None
    assert reverse("staff:resend", args=[message.pk]) not in response.content.decode()
    assert 'id="case-deliveries"' not in response.content.decode()


def test_the_coordinator_resends_a_failed_message_and_it_is_audited(client, province):
    case = drive.assigned(province, MONDAY)
    message = failed_message(case)
    response = post(client, province.coordinator_user, "resend", message.pk)
    assert response.status_code == 302
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxMessage.Status.PENDING, 0)
    audit = AuditEvent.objects.get(action=AuditEvent.Action.CONFIG_CHANGED)
    assert (audit.object_id, audit.detail) == (
        str(message.pk), {"change": "message_resent", "case": case.pk})


def test_a_sent_message_is_not_resent(client, province):
    case = province.receive()
    message = case.outbox_messages.first()
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxMessage.Status.SENT)
    post(client, province.coordinator_user, "resend", message.pk)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CONFIG_CHANGED).exists()


def test_a_unit_user_cannot_resend(client, province):
    case = drive.assigned(province, MONDAY)
    message = failed_message(case)
    assert post(client, province.roads_staff_user, "resend", message.pk).status_code == 403
    assert post(client, province.power_staff_user, "resend", message.pk).status_code == 404
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
