"""Every event the reporter cares about reaches them, on each channel they chose, with what
they need to know: the extension's reason and new date, the rejection's note."""

from datetime import date, timedelta

import pytest
from django.core import mail

from feedback.models import Consent
from feedback.services import add_reporter_comment
from tests.conftest import MONDAY
from tests.workflow import drive
from workflow import services
from workflow.models import CaseEvent, OutboxMessage
from workflow.models.cases import RejectionReason
from workflow.notifications.defaults import REPORTER_EVENTS
from workflow.notifications.delivery import Outcome, deliver_message

pytestmark = pytest.mark.django_db
SMS, EMAIL = OutboxMessage.Channel.SMS, OutboxMessage.Channel.EMAIL
LATER = MONDAY + timedelta(hours=2)


def _deliver(case, template: str) -> dict[str, str]:
    """Send the reporter's rows of `template` through the stand-in gateway and the mail
    outbox; returns what each channel carried."""
    carried = {}
    for row in OutboxMessage.objects.filter(case=case, to_reporter=True, template=template):
        assert deliver_message(row.pk, LATER) == Outcome.SENT, row.channel
        row.refresh_from_db()
        carried[row.channel] = row.reference
    return carried


def _sms_text(gateway, reference: str) -> str:
    [request] = gateway.carrying(reference)
    return request["body"]["Content"]


def test_an_extension_tells_the_reporter_its_reason_and_the_new_expected_date(province, gateway):
    assignment = drive.processing(province, MONDAY)
    services.extend_assignment(assignment_id=assignment.pk, reason="Chờ vật tư thay thế",
                               new_due=date(2026, 3, 20), actor=province.roads_staff, now=LATER)
    carried = _deliver(assignment.case, "case_extended")
    assert set(carried) == {SMS, EMAIL}
    sms = _sms_text(gateway, carried[SMS])
    assert "Cho vat tu thay the" in sms
    assert "17:00 20/03/2026" in sms
    [email] = mail.outbox
    assert email.to == ["an@example.vn"]
    assert "Chờ vật tư thay thế" in email.body
    assert "17:00 20/03/2026" in email.body


def test_an_extension_is_told_on_the_channels_the_reporter_kept_only(province, gateway):
    assignment = drive.processing(province, MONDAY)
    Consent.objects.create(case=assignment.case, purpose=Consent.Purpose.SMS_UPDATES,
                           agreed=False, notice_version="1", given_at=MONDAY)
    services.extend_assignment(assignment_id=assignment.pk, reason="Chờ vật tư",
                               new_due=date(2026, 3, 20), actor=province.roads_staff, now=LATER)
    assert set(_deliver(assignment.case, "case_extended")) == {EMAIL}


def test_the_coordinators_hear_of_an_extension_with_its_reason(province):
    assignment = drive.processing(province, MONDAY)
    services.extend_assignment(assignment_id=assignment.pk, reason="Chờ vật tư",
                               new_due=date(2026, 3, 20), actor=province.roads_staff, now=LATER)
    staff = OutboxMessage.objects.filter(case=assignment.case, template="staff_case_extended")
    assert list(staff.values_list("recipient_user__username", flat=True)) == ["coord"]


def test_a_rejection_delivers_the_coordinators_note_to_the_reporter(province, gateway):
    case = province.receive()
    services.reject_case(case_id=case.pk, reason=RejectionReason.INCOMPLETE,
                         note="Xin bổ sung địa chỉ cụ thể.", actor=province.coordinator,
                         now=LATER)
    carried = _deliver(case, "case_rejected")
    assert "Xin bo sung dia chi cu the." in _sms_text(gateway, carried[SMS])
    [email] = mail.outbox
    assert "Xin bổ sung địa chỉ cụ thể." in email.body


def test_a_rejection_without_a_note_leaves_no_placeholder_behind(province, gateway):
    case = province.receive()
    services.reject_case(case_id=case.pk, reason=RejectionReason.INCOMPLETE,
                         actor=province.coordinator, now=LATER)
    carried = _deliver(case, "case_rejected")
    sms = _sms_text(gateway, carried[SMS])
    assert "{" not in sms and "{" not in mail.outbox[0].body
    assert "Ly do:" in sms


def test_a_reopened_case_tells_the_reporter_it_will_be_looked_at_again(province, gateway):
    case = drive.reopened(province, MONDAY)
    assert set(_deliver(case, "case_reopened")) == {SMS, EMAIL}


def test_a_result_kept_after_an_unsatisfied_rating_is_told_to_the_reporter(province, gateway):
    case = drive.reopened(province, MONDAY)
    services.keep_result(case_id=case.pk, note="Kết quả đã đúng quy định.",
                         actor=province.coordinator, now=LATER)
    carried = _deliver(case, "case_result_kept")
    assert case.display_code in _sms_text(gateway, carried[SMS])


def test_every_event_in_the_table_of_reporter_events_sends_the_reporter_its_message(
    province, gateway,
):
    """The table (defaults.REPORTER_EVENTS) names each event kind and its messages; a whole
    life of a case written through the services writes each of them."""
    case = drive.reopened(province, MONDAY)
    services.keep_result(case_id=case.pk, note="Giữ kết quả.", actor=province.coordinator,
                         now=LATER)
    rejected = province.receive()
    services.reject_case(case_id=rejected.pk, reason="dispute", actor=province.coordinator,
                         now=LATER)
    extended = drive.processing(province, MONDAY)
    services.extend_assignment(assignment_id=extended.pk, reason="Chờ vật tư",
                               new_due=date(2026, 3, 20), actor=province.roads_staff, now=LATER)
    reprocessed = drive.reopened(province, MONDAY)
    services.reprocess_case(case_id=reprocessed.pk, unit_ids=[province.roads.pk],
                            note="Xử lý lại", actor=province.coordinator, now=LATER)
    again = province.receive(now=MONDAY + timedelta(hours=1))
    services.close_as_duplicate(case_id=again.pk, original_id=reprocessed.pk,
                                actor=province.coordinator, now=LATER)
    asked = drive.published(province, MONDAY)
    add_reporter_comment(case_id=asked.pk, body="Khi nào xong?", now=LATER)
    services.answer_clarification(case_id=asked.pk, body="Trong tuần này.",
                                  actor=province.coordinator, now=LATER)
    written = set(OutboxMessage.objects.filter(to_reporter=True, channel=SMS)
                  .values_list("event__kind", "template"))
    for kind, templates in REPORTER_EVENTS.items():
        # publication has one message per visibility; the public one is the one driven here
        assert (kind, templates[0]) in written, kind
    assert {kind for kind, _template in written} <= set(REPORTER_EVENTS)


def test_edit_and_approve_records_that_the_leader_changed_the_text(province):
    assignment = drive.awaiting_approval(province, MONDAY)
    services.approve_assignment(assignment_id=assignment.pk, actor=province.roads_leader,
                                now=LATER, edited_body="Nội dung đã được lãnh đạo chỉnh sửa.")
    event = assignment.case.events.get(kind=CaseEvent.Kind.APPROVED)
    assert event.data == {"edited": True}


def test_approving_with_the_same_text_records_no_edit(province):
    assignment = drive.awaiting_approval(province, MONDAY)
    services.approve_assignment(assignment_id=assignment.pk, actor=province.roads_leader,
                                now=LATER,
                                edited_body="Đơn vị đã thay ba bóng đèn vào ngày 03/3/2026.")
    event = assignment.case.events.get(kind=CaseEvent.Kind.APPROVED)
    assert event.data == {"edited": False}
    assert assignment.drafts.count() == 1
