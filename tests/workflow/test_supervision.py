"""Supervision and moderation: the leader's figures, escalation (Art. 4.8), the valuable mark
and the abuse list (Art. 18), the help page, and the coordinator's view of sent messages."""

from datetime import date

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from routing.models import AuditEvent
from tests.conftest import MONDAY, at
from tests.workflow import drive
from tests.workflow.listed import codes as listed_codes
from workflow import services
from workflow.errors import TransitionRefused
from workflow.models import AbuseListEntry, Case, CaseEvent, OutboxMessage
from workflow.models.moderation import normalize_contact
from workflow.selectors import unit_supervision
from workflow.sweep import sweep_deadlines

HOME = reverse("staff:home")
HOLD = reverse("staff:hold")
ESCALATED = reverse("staff:escalated")
SUPERVISION = reverse("staff:supervision")
HELP = reverse("staff:help")


def case_url(case) -> str:
    return reverse("staff:case", args=[case.pk])


def post(client, user, name: str, pk: int, data=None):
    client.force_login(user)
    return client.post(reverse(f"staff:{name}", args=[pk]), data or {})


def listed(client, user, url: str) -> set[str]:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return set(listed_codes(response.content.decode()))


# --- The unit leader's figures ------------------------------------------------------------------
THURSDAY_BEFORE = at(2026, 2, 26, 8, 0)
TUESDAY_9AM = at(2026, 3, 3, 9, 0)


@pytest.fixture
def roads_month(province):
    """The roads unit on Tuesday 3 March 2026 at 09:00, built through the real services."""
    p = province
    extended = drive.processing(p, MONDAY)  # due Tuesday 10 March; extended to the 20th
    services.extend_assignment(assignment_id=extended.pk, reason="Chờ vật tư",
                               new_due=date(2026, 3, 20), actor=p.roads_staff,
                               now=MONDAY + 5 * drive.STEP)
    drive.assigned(p, MONDAY)  # to accept by Tuesday 17:00: due soon
    drive.awaiting_approval(p, MONDAY)  # to approve by Tuesday 17:00: due soon
    drive.assigned(p, THURSDAY_BEFORE)  # to accept by Friday 27 February: overdue
    late = drive.awaiting_approval(p, THURSDAY_BEFORE)  # the leader's day ran out on Friday
    drive.approved(p, THURSDAY_BEFORE)  # approved in February: not this month's
    sweep_deadlines(now=at(2026, 3, 2, 9, 0))
    services.approve_assignment(assignment_id=late.pk, actor=p.roads_leader,
                                now=at(2026, 3, 2, 10, 0))  # approved late, in March
    drive.approved(p, MONDAY)  # approved on time, in March
    drive.assigned(p, MONDAY, units=[p.power])  # another unit's
    sweep_deadlines(now=TUESDAY_9AM)
    return p


def test_the_leaders_figures_count_open_due_soon_overdue_extended_and_on_time(roads_month):
    [roads] = unit_supervision(frozenset({roads_month.roads.pk}), TUESDAY_9AM)
    assert (roads.unit, roads.open, roads.due_soon, roads.overdue, roads.extended) == (
        roads_month.roads.name, 4, 2, 1, 1)
    assert (roads.approved_this_month, roads.on_time_this_month, roads.on_time_rate) == (2, 1, 50)


def test_the_leaders_figures_run_two_queries(roads_month, django_assert_num_queries):
    from workflow.worktime import get_calendar

    get_calendar()
    with django_assert_num_queries(2):
        unit_supervision(frozenset({roads_month.roads.pk, roads_month.power.pk}), TUESDAY_9AM)


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


# --- Escalation to the province's leadership (Art. 4.8) ------------------------------------------
def test_escalating_a_case_records_when_and_the_summary(province):
    case = drive.assigned(province, MONDAY, units=[province.roads, province.power])
    services.escalate_case(case_id=case.pk, summary="Hai đơn vị không thống nhất phương án.",
                           actor=province.coordinator, now=MONDAY + drive.STEP * 9)
    case.refresh_from_db()
    assert case.escalated_at == MONDAY + drive.STEP * 9
    assert case.state == Case.State.ASSIGNED  # escalation does not move the case
    event = case.events.get(kind="escalated")
    assert (event.note, event.actor_id) == ("Hai đơn vị không thống nhất phương án.",
                                            province.coordinator_user.pk)


def test_an_escalation_needs_a_summary(province):
    case = drive.assigned(province, MONDAY)
    with pytest.raises(ValidationError) as error:
        services.escalate_case(case_id=case.pk, summary="  ", actor=province.coordinator,
                               now=MONDAY)
    assert "summary" in error.value.message_dict
    assert not CaseEvent.objects.filter(case=case, kind="escalated").exists()


def test_a_case_is_escalated_once(province):
    case = drive.assigned(province, MONDAY)
    services.escalate_case(case_id=case.pk, summary="Lần một", actor=province.coordinator,
                           now=MONDAY)
    with pytest.raises(TransitionRefused):
        services.escalate_case(case_id=case.pk, summary="Lần hai", actor=province.coordinator,
                               now=MONDAY)


@pytest.mark.parametrize("actor", ["roads_leader", "supervisor"])
def test_only_the_coordinator_escalates(province, actor):
    case = drive.assigned(province, MONDAY)
    with pytest.raises(PermissionDenied):
        services.escalate_case(case_id=case.pk, summary="Báo cáo", actor=getattr(province, actor),
                               now=MONDAY)


def test_the_coordinator_escalates_from_the_case_page_and_it_is_listed(client, province):
    case = drive.assigned(province, MONDAY)
    other = drive.assigned(province, MONDAY)
    response = post(client, province.coordinator_user, "escalate", case.pk,
                    {"summary": "Xử lý không triệt để."})
    assert response.status_code == 302
    assert case.events.filter(kind="escalated").exists()
    for user in (province.coordinator_user, province.supervisor_user):
        assert listed(client, user, ESCALATED) == {case.display_code}
    assert other.display_code not in listed(client, province.coordinator_user, ESCALATED)


def test_a_blank_escalation_summary_comes_back_with_400(client, province):
    case = drive.assigned(province, MONDAY)
    response = post(client, province.coordinator_user, "escalate", case.pk, {"summary": ""})
    assert response.status_code == 400
    assert Case.objects.get(pk=case.pk).escalated_at is None


def test_a_unit_user_posting_an_escalation_gets_403(client, province):
    case = drive.assigned(province, MONDAY)
    response = post(client, province.roads_staff_user, "escalate", case.pk, {"summary": "x"})
    assert response.status_code == 403
    assert Case.objects.get(pk=case.pk).escalated_at is None


def test_another_units_user_posting_an_escalation_gets_404(client, province):
    case = drive.assigned(province, MONDAY, units=[province.roads])
    response = post(client, province.power_staff_user, "escalate", case.pk, {"summary": "x"})
    assert response.status_code == 404


@pytest.mark.parametrize("user", ["roads_staff_user", "roads_leader_user"])
def test_units_do_not_open_the_escalated_list(client, province, user):
    client.force_login(getattr(province, user))
    assert client.get(ESCALATED).status_code == 403


def test_the_escalate_form_is_offered_to_the_coordinator_only(client, province):
    case = drive.assigned(province, MONDAY)
    client.force_login(province.coordinator_user)
    assert reverse("staff:escalate", args=[case.pk]) in client.get(case_url(case)).content.decode()
    client.force_login(province.roads_staff_user)
    assert reverse("staff:escalate", args=[case.pk]) not in client.get(
        case_url(case)).content.decode()


def escalation_messages(case) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(case=case, template__startswith="staff_case_escalated")
                .order_by("recipient_user_id"))


def test_escalating_e_mails_each_supervisor_with_the_summary(
        province, django_capture_on_commit_callbacks):
    from routing.models import ProvinceRole
    from tests.factories import province_user

    second = province_user(ProvinceRole.Role.SUPERVISOR, username="super-2")
    province_user(ProvinceRole.Role.SUPERVISOR, username="super-left", is_active=False)
    case = drive.assigned(province, MONDAY)
    with django_capture_on_commit_callbacks() as callbacks:
        services.escalate_case(case_id=case.pk, summary="Hai đơn vị không thống nhất.",
                               actor=province.coordinator, now=MONDAY + drive.STEP * 9)
    messages = escalation_messages(case)
    assert [(m.recipient_user_id, m.channel, m.template, m.to_reporter) for m in messages] == [
        (province.supervisor_user.pk, "email", "staff_case_escalated", False),
        (second.pk, "email", "staff_case_escalated", False)]
    assert all(m.context == {"summary": "Hai đơn vị không thống nhất."} for m in messages)
    assert {m.event_id for m in messages} == {case.events.get(kind="escalated").pk}
    assert callbacks  # their delivery is queued once the transaction commits


def test_the_escalation_e_mail_reads_the_code_and_the_summary(province):
    from workflow.notifications.render import render_message

    case = drive.assigned(province, MONDAY)
    services.escalate_case(case_id=case.pk, summary="Cần chỉ đạo liên ngành.",
                           actor=province.coordinator, now=MONDAY)
    [message] = escalation_messages(case)
    rendered = render_message(message.template, "vi", {"code": case.display_code,
                                                       **message.context})
    assert case.display_code in rendered.subject
    assert "Cần chỉ đạo liên ngành." in rendered.body


def test_the_escalation_e_mails_are_written_in_the_escalations_transaction(province):
    from django.db import transaction

    case = drive.assigned(province, MONDAY)

    class Abandoned(Exception):
        pass

    with pytest.raises(Abandoned), transaction.atomic():
        services.escalate_case(case_id=case.pk, summary="Báo cáo", actor=province.coordinator,
                               now=MONDAY)
        assert len(escalation_messages(case)) == 1  # written before the commit, with the case
        raise Abandoned
    assert escalation_messages(case) == []  # and gone with it when it rolls back
    assert Case.objects.get(pk=case.pk).escalated_at is None


def test_a_state_secrets_escalation_e_mail_carries_no_summary(province):
    case = province.receive()
    services.classify_case(case_id=case.pk, category=province.permits,
                           actor=province.coordinator, now=MONDAY, is_state_secret=True)
    services.escalate_case(case_id=case.pk, summary="Nội dung mật.", actor=province.coordinator,
                           now=MONDAY)
    [message] = escalation_messages(case)
    assert (message.template, message.context) == ("staff_case_escalated_secret", {})


def test_a_refused_escalation_e_mails_no_one(province):
    case = drive.assigned(province, MONDAY)
    with pytest.raises(ValidationError):
        services.escalate_case(case_id=case.pk, summary=" ", actor=province.coordinator,
                               now=MONDAY)
    assert escalation_messages(case) == []


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


def test_the_hold_check_is_one_query(province):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    list_phone(province)
    with CaptureQueriesContext(connection) as ctx:
        province.receive(reporter_phone="0912345678")
    assert sum("workflow_abuselistentry" in q["sql"] for q in ctx.captured_queries) == 1


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
    assert {d.template for d in deliveries} >= {"case_received", "case_dispatched"}
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
