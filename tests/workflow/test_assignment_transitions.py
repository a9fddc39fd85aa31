"""Every assignment transition: the unit, its leader and the coordinator, each in turn."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile

from tests.conftest import MONDAY, at
from tests.workflow import drive
from workflow import services
from workflow.errors import TransitionRefused
from workflow.models import Assignment, Case, Draft, Extension

pytestmark = pytest.mark.django_db
LATER = MONDAY + timedelta(hours=2)


def test_unit_staff_accept_a_pending_assignment_and_get_their_handling_days(province):
    case = drive.assigned(province, at(2026, 3, 6, 15, 0))  # a Friday
    assignment = drive.assignment_of(case, province.roads)
    assignment = services.accept_assignment(assignment_id=assignment.pk,
                                            actor=province.roads_staff,
                                            now=at(2026, 3, 6, 16, 0))
    assert assignment.state == Assignment.State.PROCESSING
    # WORKFLOW.md: accepted Friday 6 March 2026 at 16:00 with 6 working days
    assert assignment.due_at == at(2026, 3, 16, 17, 0)
    assert assignment.processing_due_at == assignment.due_at


def test_a_unit_with_fewer_handling_days_gets_an_earlier_deadline(province):
    case = drive.assigned(province, at(2026, 3, 6, 15, 0), units=[province.power])
    assignment = drive.assignment_of(case, province.power)
    assignment = services.accept_assignment(assignment_id=assignment.pk,
                                            actor=province.power_staff,
                                            now=at(2026, 3, 6, 16, 0))
    assert assignment.due_at == at(2026, 3, 11, 17, 0)


def test_another_units_staff_cannot_accept(province):
    case = drive.assigned(province, MONDAY)
    assignment = drive.assignment_of(case, province.roads)
    for actor in (province.power_staff, province.other_staff, province.coordinator,
                  province.supervisor):
        with pytest.raises(PermissionDenied):
            services.accept_assignment(assignment_id=assignment.pk, actor=actor, now=LATER)
    assignment.refresh_from_db()
    assert assignment.state == Assignment.State.PENDING


def test_a_unit_returns_a_case_outside_its_jurisdiction_to_the_coordinator(province):
    case = drive.assigned(province, MONDAY)
    assignment = drive.assignment_of(case, province.roads)
    services.return_assignment(assignment_id=assignment.pk, reason="Thuộc thẩm quyền UBND xã",
                               actor=province.roads_staff, now=LATER)
    assignment.refresh_from_db()
    case.refresh_from_db()
    assert assignment.state == Assignment.State.RETURNED
    assert case.state == Case.State.CLASSIFIED
    # the coordinator gets four working hours to re-route it: 10:00 → 16:00 over lunch
    assert case.due_at == at(2026, 3, 2, 16, 0)


def test_a_return_without_a_reason_is_refused_and_changes_nothing(province):
    case = drive.assigned(province, MONDAY)
    assignment = drive.assignment_of(case, province.roads)
    with pytest.raises(ValidationError) as error:
        services.return_assignment(assignment_id=assignment.pk, reason="",
                                   actor=province.roads_staff, now=LATER)
    assert "reason" in error.value.message_dict
    assignment.refresh_from_db()
    assert assignment.state == Assignment.State.PENDING


def test_an_accepted_assignment_can_no_longer_be_returned(province):
    assignment = drive.processing(province, MONDAY)
    with pytest.raises(TransitionRefused):
        services.return_assignment(assignment_id=assignment.pk, reason="Không thuộc thẩm quyền",
                                   actor=province.roads_staff, now=LATER)


def test_the_coordinator_reroutes_a_returned_case_to_another_unit(province):
    case = drive.assigned(province, MONDAY)
    services.return_assignment(assignment_id=drive.assignment_of(case, province.roads).pk,
                               reason="Không thuộc thẩm quyền", actor=province.roads_staff,
                               now=LATER)
    services.dispatch_case(case_id=case.pk, unit_ids=[province.other.pk],
                           actor=province.coordinator, now=LATER + timedelta(minutes=5))
    case.refresh_from_db()
    assert case.state == Case.State.ASSIGNED
    assert list(case.assignments.values_list("unit__code", "state").order_by("pk")) == [
        ("roads", "returned"), ("chau-thanh", "pending"),
    ]


def test_the_same_unit_can_be_dispatched_again_after_it_returned_the_case(province):
    case = drive.assigned(province, MONDAY)
    services.return_assignment(assignment_id=drive.assignment_of(case, province.roads).pk,
                               reason="Thiếu thông tin vị trí", actor=province.roads_staff,
                               now=LATER)
    services.dispatch_case(case_id=case.pk, unit_ids=[province.roads.pk],
                           actor=province.coordinator, now=LATER + timedelta(minutes=5))
    assert case.assignments.filter(unit=province.roads).count() == 2


def test_an_extension_sets_a_new_deadline_and_marks_the_assignment_extended(province):
    assignment = drive.processing(province, MONDAY)
    extension = services.extend_assignment(
        assignment_id=assignment.pk, reason="Chờ nhà thầu cung cấp vật tư",
        new_due=date(2026, 3, 20), actor=province.roads_staff, now=LATER,
    )
    assignment.refresh_from_db()
    assert assignment.is_extended
    assert assignment.due_at == at(2026, 3, 20, 17, 0)
    assert extension.previous_due_at == at(2026, 3, 10, 17, 0)


@pytest.mark.parametrize(
    ("reason", "new_due", "field"),
    [("", date(2026, 3, 20), "reason"), ("Chờ vật tư", None, "expected_date"),
     ("Chờ vật tư", date(2026, 3, 5), "expected_date")],
)
def test_an_extension_needs_a_reason_and_a_later_date(province, reason, new_due, field):
    assignment = drive.processing(province, MONDAY)
    with pytest.raises(ValidationError) as error:
        services.extend_assignment(assignment_id=assignment.pk, reason=reason, new_due=new_due,
                                   actor=province.roads_staff, now=LATER)
    assert field in error.value.message_dict
    assert not Extension.objects.exists()


def test_an_extension_after_the_deadline_is_refused(province):
    assignment = drive.processing(province, MONDAY)
    with pytest.raises(ValidationError):
        services.extend_assignment(assignment_id=assignment.pk, reason="Chờ vật tư",
                                   new_due=date(2026, 3, 25), actor=province.roads_staff,
                                   now=at(2026, 3, 11, 8, 0))


def test_a_draft_goes_to_the_leader_with_one_working_day_to_approve(province):
    assignment = drive.processing(province, MONDAY)
    draft = services.submit_draft(assignment_id=assignment.pk, actor=province.roads_staff,
                                  now=at(2026, 3, 3, 10, 0), body="Đã sửa chữa mặt đường.",
                                  number="12/SGTVT", addressee="Ông Nguyễn Văn An",
                                  signer="Trần Văn Bình")
    assignment.refresh_from_db()
    assert assignment.state == Assignment.State.AWAITING_APPROVAL
    assert assignment.due_at == at(2026, 3, 4, 17, 0)
    assert (draft.version, draft.number, draft.addressee) == (1, "12/SGTVT", "Ông Nguyễn Văn An")


def test_a_draft_without_a_body_is_refused(province):
    assignment = drive.processing(province, MONDAY)
    with pytest.raises(ValidationError) as error:
        services.submit_draft(assignment_id=assignment.pk, actor=province.roads_staff,
                              now=LATER, body="   ")
    assert "body" in error.value.message_dict
    assert not Draft.objects.exists()


def test_a_category_that_needs_photos_refuses_a_draft_without_one(province):
    case = drive.assigned(province, MONDAY)
    case.category = province.lighting
    Case.objects.filter(pk=case.pk).update(category=province.lighting)
    assignment = services.accept_assignment(
        assignment_id=drive.assignment_of(case, province.roads).pk, actor=province.roads_staff,
        now=LATER)
    with pytest.raises(ValidationError) as error:
        services.submit_draft(assignment_id=assignment.pk, actor=province.roads_staff,
                              now=LATER, body="Đã thay bóng đèn.")
    assert "photos" in error.value.message_dict
    draft = services.submit_draft(
        assignment_id=assignment.pk, actor=province.roads_staff, now=LATER,
        body="Đã thay bóng đèn.", photos=[ContentFile(b"jpeg bytes", name="after.jpg")])
    assert draft.photos.count() == 1
    assert "after.jpg" not in draft.photos.get().image.name


def test_only_the_units_leader_approves_and_staff_cannot(province):
    assignment = drive.awaiting_approval(province, MONDAY)
    for actor in (province.roads_staff, province.power_leader, province.coordinator):
        with pytest.raises(PermissionDenied):
            services.approve_assignment(assignment_id=assignment.pk, actor=actor, now=LATER)
    services.approve_assignment(assignment_id=assignment.pk, actor=province.roads_leader,
                                now=LATER)
    assignment.refresh_from_db()
    assert assignment.state == Assignment.State.APPROVED
    assert assignment.due_at is None


def test_the_leader_may_edit_and_approve_in_one_step_keeping_the_first_version(province):
    assignment = drive.awaiting_approval(province, MONDAY)
    services.approve_assignment(assignment_id=assignment.pk, actor=province.roads_leader,
                                now=LATER, edited_body="Nội dung đã được lãnh đạo chỉnh sửa.")
    versions = list(assignment.drafts.values_list("version", "body", "author__username"))
    assert versions[0][0] == 1
    assert versions[1] == (2, "Nội dung đã được lãnh đạo chỉnh sửa.", "roads-leader")


def test_the_leader_returns_a_draft_to_staff_with_a_note_and_the_old_deadline_runs(province):
    assignment = drive.awaiting_approval(province, MONDAY)
    services.return_to_staff(assignment_id=assignment.pk, note="Bổ sung số liệu",
                             actor=province.roads_leader, now=LATER)
    assignment.refresh_from_db()
    assert assignment.state == Assignment.State.PROCESSING
    assert assignment.rework == Assignment.Rework.LEADER_RETURN
    assert assignment.due_at == assignment.processing_due_at == at(2026, 3, 10, 17, 0)
    assert Case.objects.get(pk=assignment.case_id).state == Case.State.ASSIGNED


def test_a_leaders_return_without_a_note_is_refused(province):
    assignment = drive.awaiting_approval(province, MONDAY)
    with pytest.raises(ValidationError):
        services.return_to_staff(assignment_id=assignment.pk, note="",
                                 actor=province.roads_leader, now=LATER)
    assignment.refresh_from_db()
    assert assignment.state == Assignment.State.AWAITING_APPROVAL


@pytest.mark.parametrize(("rework", "due"), [
    ("revision", at(2026, 3, 2, 11, 30)),  # 30 working minutes from 11:00
    ("redistribution", at(2026, 3, 2, 14, 0)),  # 1 working hour, across lunch
])
def test_the_coordinator_sends_an_approved_result_back_with_its_short_deadline(
    province, rework, due
):
    case = drive.approved(province, at(2026, 3, 2, 8, 0))
    assignment = drive.assignment_of(case, province.roads)
    services.send_back_to_unit(assignment_id=assignment.pk, rework=rework, note="Thiếu ảnh",
                               actor=province.coordinator, now=at(2026, 3, 2, 11, 0))
    assignment.refresh_from_db()
    case.refresh_from_db()
    assert assignment.state == Assignment.State.PROCESSING
    assert assignment.due_at == due
    assert case.state == Case.State.ASSIGNED
    assert case.due_at is None


def test_a_send_back_needs_a_note_and_the_coordinator(province):
    case = drive.approved(province, MONDAY)
    assignment = drive.assignment_of(case, province.roads)
    with pytest.raises(ValidationError):
        services.send_back_to_unit(assignment_id=assignment.pk, rework="revision", note="",
                                   actor=province.coordinator, now=LATER)
    with pytest.raises(PermissionDenied):
        services.send_back_to_unit(assignment_id=assignment.pk, rework="revision",
                                   note="Sai mẫu", actor=province.roads_leader, now=LATER)
    assignment.refresh_from_db()
    assert assignment.state == Assignment.State.APPROVED


def test_an_approved_result_cannot_be_sent_back_once_published(province):
    case = drive.published(province, MONDAY)
    with pytest.raises(TransitionRefused):
        services.send_back_to_unit(
            assignment_id=drive.assignment_of(case, province.roads).pk, rework="revision",
            note="Sai mẫu", actor=province.coordinator, now=LATER)
