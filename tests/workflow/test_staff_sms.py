"""Staff may have their own urgent notices (overdue, a case returned) by SMS as well as by
e-mail: a per-person choice with a phone, off by default, delivered through the outbox."""

from datetime import timedelta

import pytest

from routing.models import NotificationPreference
from tests.conftest import MONDAY, at
from tests.workflow import drive
from workflow import services
from workflow.models import OutboxMessage
from workflow.notifications.delivery import Outcome, deliver_message
from workflow.sweep import sweep_deadlines

pytestmark = pytest.mark.django_db
SMS = OutboxMessage.Channel.SMS
OVERDUE = at(2026, 3, 2, 14, 1)  # a case received Monday 08:00 is due at 14:00


def _staff_sms(template: str):
    return OutboxMessage.objects.filter(template=template, channel=SMS, to_reporter=False)


def _send_all(rows, now) -> list[str]:
    references = []
    for row in rows:
        assert deliver_message(row.pk, now) == Outcome.SENT
        row.refresh_from_db()
        references.append(row.reference)
    return references


def test_staff_get_no_sms_unless_they_chose_it(province, gateway):
    NotificationPreference.objects.create(user=province.coordinator_user, sms_phone="0987654321")
    province.receive(now=MONDAY)
    sweep_deadlines(now=OVERDUE)
    assert not _staff_sms("staff_overdue").exists()
    assert OutboxMessage.objects.filter(template="staff_overdue", channel="email").exists()


def test_a_coordinator_who_chose_sms_gets_the_overdue_alert_through_the_gateway(
    province, gateway,
):
    NotificationPreference.objects.create(user=province.coordinator_user,
                                          sms_phone="0987 654 321", urgent_by_sms=True)
    case = province.receive(now=MONDAY)
    sweep_deadlines(now=OVERDUE)
    sweep_deadlines(now=OVERDUE + timedelta(minutes=1))  # a second sweep adds nothing
    rows = list(_staff_sms("staff_overdue"))
    assert [row.recipient_user_id for row in rows] == [province.coordinator_user.pk]
    [reference] = _send_all(rows, OVERDUE)
    [request] = gateway.carrying(reference)
    assert request["body"]["Phone"] == "84987654321"
    assert case.display_code in request["body"]["Content"]
    assert "qua han" in request["body"]["Content"]


def test_a_coordinator_who_chose_sms_hears_of_a_returned_case(province, gateway):
    NotificationPreference.objects.create(user=province.coordinator_user,
                                          sms_phone="0987654321", urgent_by_sms=True)
    case = drive.assigned(province, MONDAY)
    services.return_assignment(assignment_id=drive.assignment_of(case, province.roads).pk,
                               reason="Không thuộc thẩm quyền", actor=province.roads_staff,
                               now=MONDAY + timedelta(hours=1))
    rows = list(_staff_sms("staff_case_returned"))
    assert [row.recipient_user_id for row in rows] == [province.coordinator_user.pk]
    [reference] = _send_all(rows, MONDAY + timedelta(hours=1))
    assert gateway.carrying(reference)


def test_routine_staff_notices_stay_e_mail_only(province, gateway):
    NotificationPreference.objects.create(user=province.coordinator_user,
                                          sms_phone="0987654321", urgent_by_sms=True)
    province.receive(now=MONDAY)
    assert not _staff_sms("staff_case_received").exists()


def test_a_staff_member_who_turned_sms_off_since_is_not_texted(province, gateway):
    preference = NotificationPreference.objects.create(
        user=province.coordinator_user, sms_phone="0987654321", urgent_by_sms=True)
    province.receive(now=MONDAY)
    sweep_deadlines(now=OVERDUE)
    preference.urgent_by_sms = False
    preference.save()
    [row] = _staff_sms("staff_overdue")
    assert deliver_message(row.pk, OVERDUE) == Outcome.FAILED
    assert gateway.requests == []
