"""Every case transition: allowed for the right role in the right state, refused otherwise."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from routing.selectors import REPORTER
from tests.conftest import MONDAY, at
from tests.workflow import drive
from workflow import services
from workflow.errors import TransitionRefused
from workflow.models import Assignment, Case, CaseEvent, OutboxMessage

pytestmark = pytest.mark.django_db
LATER = MONDAY + timedelta(hours=2)


def test_a_new_case_is_received_with_a_readable_tracking_code_and_a_four_hour_deadline(province):
    case = province.receive(now=at(2026, 3, 2, 16, 0))
    assert case.state == Case.State.RECEIVED
    assert len(case.tracking_code) == 10
    assert set(case.tracking_code) <= set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    # one hour left on Monday, three more from Tuesday 07:00
    assert case.due_at == at(2026, 3, 3, 10, 0)
    assert case.events.get().kind == "received"


def test_receiving_writes_one_sms_and_one_email_to_the_reporter(province):
    case = province.receive()
    to_reporter = OutboxMessage.objects.filter(case=case, to_reporter=True)
    assert sorted(to_reporter.values_list("channel", flat=True)) == ["email", "sms"]
    assert to_reporter.first().context == {"code": case.display_code}


def test_a_tracking_code_already_taken_is_drawn_again_and_nothing_is_lost(province,
                                                                          monkeypatch):
    first = province.receive()
    # The next draw repeats the first case's code (a 1 in 2^50 chance), the one after not.
    draws = iter([first.tracking_code, "7KQ2M4XH9P"])
    field = Case._meta.get_field("tracking_code")
    monkeypatch.setattr(field, "_get_default", lambda: next(draws))  # Django reads it here

    second = province.receive(idempotency_key="k-2")

    assert second.tracking_code == "7KQ2M4XH9P"
    assert Case.objects.count() == 2
    assert second.events.get().kind == "received"
    assert OutboxMessage.objects.filter(case=second, to_reporter=True).count() == 2


def test_the_same_idempotency_key_makes_one_case(province):
    first = province.receive(idempotency_key="k-1")
    second = province.receive(idempotency_key="k-1")
    assert first.pk == second.pk
    assert Case.objects.count() == 1


def test_text_is_normalised_to_nfc_on_the_way_in(province):
    decomposed = "Đe\u0300n đươ\u0300ng"  # "Đèn đường" typed with combining marks
    case = province.receive(title=decomposed + "\u200b")
    assert case.title == "Đèn đường"


def test_a_case_without_name_or_contact_is_refused_and_nothing_is_stored(province):
    with pytest.raises(ValidationError) as error:
        province.receive(reporter_name=" ", reporter_phone="", reporter_email="")
    assert set(error.value.message_dict) == {"reporter_name", "reporter_phone"}
    assert Case.objects.count() == 0


def test_the_coordinator_classifies_a_received_case(province):
    case = province.receive()
    case = services.classify_case(case_id=case.pk, category=province.permits,
                                  actor=province.coordinator, now=LATER)
    assert case.state == Case.State.CLASSIFIED
    assert case.category == province.permits


def test_classifying_without_a_category_is_refused_and_changes_nothing(province):
    case = province.receive()
    with pytest.raises(ValidationError) as error:
        services.classify_case(case_id=case.pk, category=None, actor=province.coordinator,
                               now=LATER)
    assert "category" in error.value.message_dict
    case.refresh_from_db()
    assert case.state == Case.State.RECEIVED
    assert case.events.count() == 1


@pytest.mark.parametrize("role", ["supervisor", "roads_staff", "roads_leader"])
def test_only_the_coordinator_may_classify(province, role):
    case = province.receive()
    with pytest.raises(PermissionDenied):
        services.classify_case(case_id=case.pk, category=province.permits,
                               actor=getattr(province, role), now=LATER)
    case.refresh_from_db()
    assert case.state == Case.State.RECEIVED


def test_a_classified_case_can_be_sent_back_for_verification_with_a_reason(province):
    case = drive.classified(province, MONDAY)
    case = services.send_back_for_verification(case_id=case.pk, reason="Thiếu địa chỉ cụ thể",
                                               actor=province.coordinator, now=LATER)
    assert case.state == Case.State.RECEIVED
    assert case.events.last().note == "Thiếu địa chỉ cụ thể"


def test_sending_back_without_a_reason_is_refused(province):
    case = drive.classified(province, MONDAY)
    with pytest.raises(ValidationError):
        services.send_back_for_verification(case_id=case.pk, reason="  ",
                                            actor=province.coordinator, now=LATER)
    case.refresh_from_db()
    assert case.state == Case.State.CLASSIFIED


@pytest.mark.parametrize("start", ["received", "classified"])
def test_the_coordinator_rejects_an_invalid_case_with_an_article_6_5_reason(province, start):
    case = province.receive() if start == "received" else drive.classified(province, MONDAY)
    case = services.reject_case(case_id=case.pk, reason="dispute", note="Khiếu nại đất đai",
                                actor=province.coordinator, now=LATER)
    assert case.state == Case.State.REJECTED
    assert case.rejection_reason == "dispute"
    assert case.due_at is None
    templates = OutboxMessage.objects.filter(case=case, to_reporter=True).values_list(
        "template", flat=True)
    assert "case_rejected" in templates


def test_a_rejection_without_an_article_6_5_reason_is_refused(province):
    case = province.receive()
    with pytest.raises(ValidationError) as error:
        services.reject_case(case_id=case.pk, reason="", actor=province.coordinator, now=LATER)
    assert "reason" in error.value.message_dict
    case.refresh_from_db()
    assert case.state == Case.State.RECEIVED


def test_a_rejected_case_is_final(province):
    case = province.receive()
    services.reject_case(case_id=case.pk, reason="vulgar", actor=province.coordinator, now=LATER)
    with pytest.raises(TransitionRefused):
        services.classify_case(case_id=case.pk, category=province.permits,
                               actor=province.coordinator, now=LATER)


def test_a_received_case_cannot_be_dispatched_before_it_is_classified(province):
    case = province.receive()
    with pytest.raises(TransitionRefused):
        services.dispatch_case(case_id=case.pk, unit_ids=[province.roads.pk],
                               actor=province.coordinator, now=LATER)
    assert not Assignment.objects.exists()


def test_dispatching_to_two_units_makes_two_pending_assignments_due_in_one_working_day(province):
    case = drive.classified(province, MONDAY)
    created = services.dispatch_case(case_id=case.pk,
                                     unit_ids=[province.roads.pk, province.power.pk],
                                     actor=province.coordinator, now=at(2026, 3, 2, 9, 0))
    case.refresh_from_db()
    assert case.state == Case.State.ASSIGNED
    assert case.due_at is None
    assert {a.unit for a in created} == {province.roads, province.power}
    assert {a.state for a in created} == {Assignment.State.PENDING}
    # the dispatch day is not counted: the next working day, at close of business
    assert {a.due_at for a in created} == {at(2026, 3, 3, 17, 0)}


def test_dispatching_to_no_unit_is_refused(province):
    case = drive.classified(province, MONDAY)
    with pytest.raises(ValidationError) as error:
        services.dispatch_case(case_id=case.pk, unit_ids=[], actor=province.coordinator,
                               now=LATER)
    assert "units" in error.value.message_dict
    case.refresh_from_db()
    assert case.state == Case.State.CLASSIFIED


def test_dispatching_to_an_inactive_unit_is_refused(province):
    province.other.is_active = False
    province.other.save()
    case = drive.classified(province, MONDAY)
    with pytest.raises(ValidationError):
        services.dispatch_case(case_id=case.pk, unit_ids=[province.other.pk],
                               actor=province.coordinator, now=LATER)


def test_the_case_is_processed_when_every_unit_has_submitted_a_draft(province):
    case = drive.assigned(province, MONDAY, units=[province.roads, province.power])
    for unit, staff in ((province.roads, province.roads_staff),
                        (province.power, province.power_staff)):
        assignment = drive.assignment_of(case, unit)
        services.accept_assignment(assignment_id=assignment.pk, actor=staff, now=LATER)
        services.submit_draft(assignment_id=assignment.pk, actor=staff, now=LATER,
                              body="Đã xử lý.")
        case.refresh_from_db()
        expected = Case.State.PROCESSED if unit == province.power else Case.State.ASSIGNED
        assert case.state == expected


def test_the_case_is_approved_when_every_draft_is_approved_and_gets_four_hours_to_publish(
    province,
):
    case = drive.approved(province, at(2026, 3, 2, 9, 0))
    assert case.state == Case.State.APPROVED
    assert case.events.get(kind="mark_approved").at == at(2026, 3, 2, 9, 50)
    # 1 h 40 min before lunch, 2 h 20 min after it
    assert case.due_at == at(2026, 3, 2, 15, 50)


def test_the_coordinator_publishes_an_approved_case(province):
    case = drive.published(province, MONDAY)
    assert case.state == Case.State.PUBLISHED
    assert case.published_at is not None
    assert case.due_at is None
    templates = OutboxMessage.objects.filter(case=case, to_reporter=True).values_list(
        "template", flat=True)
    assert "reply_published" in templates


def test_publishing_without_a_reply_text_is_refused(province):
    case = drive.approved(province, MONDAY)
    with pytest.raises(ValidationError):
        services.publish_case(case_id=case.pk, visibility="public", reply_text="",
                              actor=province.coordinator, now=LATER)
    case.refresh_from_db()
    assert case.state == Case.State.APPROVED


def test_a_reporter_who_asked_for_confidentiality_cannot_get_a_public_reply(province):
    case = drive.approved(province, MONDAY, is_confidential=True)
    with pytest.raises(ValidationError) as error:
        services.publish_case(case_id=case.pk, visibility="public", reply_text="Đã xử lý.",
                              actor=province.coordinator, now=LATER)
    assert "visibility" in error.value.message_dict
    case = services.publish_case(case_id=case.pk, visibility="confidential",
                                 reply_text="Đã xử lý.", actor=province.coordinator, now=LATER)
    assert case.is_confidential
    assert OutboxMessage.objects.filter(case=case, template="reply_private").exists()


def test_a_state_secret_reply_is_published_nowhere_and_the_reporter_is_told_offline(province):
    case = drive.approved(province, MONDAY)
    case = services.publish_case(case_id=case.pk, visibility="state_secret",
                                 reply_text="Trả lời theo kênh mật.", actor=province.coordinator,
                                 now=LATER)
    assert case.is_state_secret
    assert OutboxMessage.objects.filter(case=case, template="reply_offline").exists()


def test_a_case_cannot_be_published_before_its_units_are_done(province):
    case = drive.assigned(province, MONDAY)
    with pytest.raises(TransitionRefused):
        services.publish_case(case_id=case.pk, visibility="public", reply_text="x",
                              actor=province.coordinator, now=LATER)


def test_an_unsatisfied_reporter_reopens_the_published_case(province):
    case = drive.published(province, MONDAY)
    case = services.reopen_case(case_id=case.pk, actor=REPORTER, now=LATER)
    assert case.state == Case.State.REOPENED
    assert case.reopen_count == 1
    assert case.due_at is not None


@pytest.mark.parametrize("role", ["roads_staff", "roads_leader", "supervisor"])
def test_staff_cannot_reopen_a_published_case(province, role):
    case = drive.published(province, MONDAY)
    with pytest.raises(PermissionDenied):
        services.reopen_case(case_id=case.pk, actor=getattr(province, role), now=LATER)


def test_reprocessing_sends_the_approved_unit_back_to_work_with_its_full_handling_time(province):
    case = drive.reopened(province, MONDAY)
    case = services.reprocess_case(case_id=case.pk, unit_ids=[province.roads.pk],
                                   note="Người dân phản ánh đèn vẫn chưa sáng",
                                   actor=province.coordinator, now=at(2026, 3, 3, 9, 0))
    assert case.state == Case.State.ASSIGNED
    assignment = drive.assignment_of(case, province.roads)
    assert assignment.state == Assignment.State.PROCESSING
    assert assignment.rework == Assignment.Rework.REPROCESS
    assert assignment.due_at == at(2026, 3, 11, 17, 0)


def test_reprocessing_needs_a_unit_and_a_note(province):
    case = drive.reopened(province, MONDAY)
    with pytest.raises(ValidationError):
        services.reprocess_case(case_id=case.pk, unit_ids=[province.roads.pk], note="",
                                actor=province.coordinator, now=LATER)
    with pytest.raises(ValidationError):
        services.reprocess_case(case_id=case.pk, unit_ids=[], note="Lý do",
                                actor=province.coordinator, now=LATER)
    case.refresh_from_db()
    assert case.state == Case.State.REOPENED


def test_the_coordinator_may_keep_the_published_result_with_a_note(province):
    case = drive.reopened(province, MONDAY)
    case = services.keep_result(case_id=case.pk, note="Đơn vị xác nhận đã xử lý đúng",
                                actor=province.coordinator, now=LATER)
    assert case.state == Case.State.PUBLISHED


def test_follow_on_moves_cannot_be_fired_by_a_person(province):
    case = drive.assigned(province, MONDAY)
    from workflow.services.common import _fire

    with pytest.raises(PermissionDenied):
        _fire(case, "mark_processed", province.coordinator)


def test_the_state_field_cannot_be_assigned_directly(province):
    case = province.receive()
    with pytest.raises(AttributeError):
        case.state = Case.State.PUBLISHED


def test_events_are_append_only(province):
    case = province.receive()
    event = case.events.get()
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        CaseEvent.objects.filter(case=case).update(note="changed")
    with pytest.raises(TypeError):
        CaseEvent.objects.filter(case=case).delete()


def test_the_database_itself_refuses_to_change_or_delete_an_event(province):
    from django.db import DatabaseError, connection, transaction

    case = province.receive()
    for sql in ("UPDATE workflow_caseevent SET note = 'x' WHERE case_id = %s",
                "DELETE FROM workflow_caseevent WHERE case_id = %s"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [case.pk])
    assert case.events.get().note == ""


def test_a_state_secret_case_cannot_be_published_as_public_or_confidential(province):
    case = drive.classified(province, MONDAY)
    case.is_state_secret = True
    Case.objects.filter(pk=case.pk).update(is_state_secret=True)
    services.dispatch_case(case_id=case.pk, unit_ids=[province.roads.pk],
                           actor=province.coordinator, now=LATER)
    assignment = drive.assignment_of(case, province.roads)
    services.accept_assignment(assignment_id=assignment.pk, actor=province.roads_staff, now=LATER)
    services.submit_draft(assignment_id=assignment.pk, actor=province.roads_staff, now=LATER,
                          body="Đã xử lý.")
    services.approve_assignment(assignment_id=assignment.pk, actor=province.roads_leader,
                                now=LATER)
    for visibility in ("public", "confidential"):
        with pytest.raises(ValidationError):
            services.publish_case(case_id=case.pk, visibility=visibility, reply_text="x",
                                  actor=province.coordinator, now=LATER)
    case.refresh_from_db()
    assert (case.state, case.is_state_secret) == (Case.State.APPROVED, True)


def test_the_reporter_hears_of_the_first_dispatch_only(province):
    case = drive.assigned(province, MONDAY)
    services.return_assignment(assignment_id=drive.assignment_of(case, province.roads).pk,
                               reason="Không thuộc thẩm quyền", actor=province.roads_staff,
                               now=LATER)
    services.dispatch_case(case_id=case.pk, unit_ids=[province.power.pk],
                           actor=province.coordinator, now=LATER)
    sms = OutboxMessage.objects.filter(case=case, to_reporter=True, channel="sms")
    assert list(sms.order_by("pk").values_list("template", flat=True)) == [
        "case_received", "case_dispatched",
    ]


def test_a_citizens_own_submission_is_logged_as_the_reporters_act(province):
    case = province.receive()
    assert case.events.get().actor_label == "reporter"


def test_refusals_are_explained_in_vietnamese(province):
    from django.utils import translation

    case = province.receive()
    with translation.override("vi"):
        classified = drive.classified(province, MONDAY)
        with pytest.raises(ValidationError) as missing:
            services.send_back_for_verification(case_id=classified.pk, reason="",
                                                actor=province.coordinator, now=LATER)
        with pytest.raises(TransitionRefused) as wrong_state:
            services.publish_case(case_id=case.pk, visibility="public", reply_text="x",
                                  actor=province.coordinator, now=LATER)
        with pytest.raises(PermissionDenied) as wrong_role:
            services.classify_case(case_id=case.pk, category=province.permits,
                                   actor=province.roads_staff, now=LATER)
        assert missing.value.message_dict == {"reason": ["Trường này là bắt buộc."]}
    assert wrong_state.value.message == (
        "Không thể thực hiện thao tác này khi đang ở trạng thái “Đã tiếp nhận”.")
    assert str(wrong_role.value) == "Vai trò của bạn không được phép thực hiện thao tác này."
