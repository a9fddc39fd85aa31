"""Escalation to the province's leadership (Art. 4.8): once, by the coordinator only, with a
summary, listed for the supervisors and e-mailed to each of them in the same transaction."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.conftest import MONDAY
from tests.workflow import drive
from tests.workflow.acting import case_url, post
from tests.workflow.listed import codes_on as listed
from workflow import services
from workflow.errors import TransitionRefused
from workflow.models import Case, CaseEvent, OutboxMessage

ESCALATED = reverse("staff:escalated")


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
