"""One case through the whole regulation path, told back by its event log."""

from datetime import date

import pytest

from feedback.services import rate_case
from tests.conftest import at
from tests.workflow.drive import assignment_of
from workflow import services
from workflow.models import Assignment, Case

pytestmark = pytest.mark.django_db


def test_a_case_travels_the_whole_regulation_path_and_its_log_tells_the_story(province):
    p = province
    case = p.receive(now=at(2026, 3, 2, 8, 0))
    services.classify_case(case_id=case.pk, category=p.permits, actor=p.coordinator,
                           now=at(2026, 3, 2, 8, 30))
    services.dispatch_case(case_id=case.pk, unit_ids=[p.roads.pk, p.other.pk],
                           actor=p.coordinator, now=at(2026, 3, 2, 9, 0))
    # Châu Thành says it is not theirs; the coordinator re-routes to the power company.
    services.return_assignment(assignment_id=assignment_of(case, p.other).pk,
                               reason="Thuộc ngành điện", actor=p.other_staff,
                               now=at(2026, 3, 2, 10, 0))
    services.dispatch_case(case_id=case.pk, unit_ids=[p.power.pk], actor=p.coordinator,
                           now=at(2026, 3, 2, 10, 30))
    roads, power = assignment_of(case, p.roads), assignment_of(case, p.power)
    services.accept_assignment(assignment_id=roads.pk, actor=p.roads_staff,
                               now=at(2026, 3, 2, 13, 30))
    services.accept_assignment(assignment_id=power.pk, actor=p.power_staff,
                               now=at(2026, 3, 2, 14, 0))
    services.extend_assignment(assignment_id=roads.pk, reason="Chờ vật tư", actor=p.roads_staff,
                               new_due=date(2026, 3, 13), now=at(2026, 3, 3, 9, 0))
    services.submit_draft(assignment_id=roads.pk, actor=p.roads_staff, body="Bản nháp 1",
                          now=at(2026, 3, 5, 9, 0))
    services.submit_draft(assignment_id=power.pk, actor=p.power_staff, body="Đã sửa đường dây",
                          now=at(2026, 3, 5, 10, 0))
    services.return_to_staff(assignment_id=roads.pk, note="Ghi rõ ngày thi công",
                             actor=p.roads_leader, now=at(2026, 3, 5, 14, 0))
    services.submit_draft(assignment_id=roads.pk, actor=p.roads_staff,
                          body="Đã sửa mặt đường ngày 04/3/2026", now=at(2026, 3, 5, 15, 0))
    services.approve_assignment(assignment_id=roads.pk, actor=p.roads_leader,
                                now=at(2026, 3, 6, 8, 0))
    services.approve_assignment(assignment_id=power.pk, actor=p.power_leader,
                                now=at(2026, 3, 6, 8, 30))
    # The coordinator finds the power company's photos missing: redistribution, one hour.
    services.send_back_to_unit(assignment_id=power.pk, rework="redistribution",
                               note="Thiếu hình ảnh sau xử lý", actor=p.coordinator,
                               now=at(2026, 3, 6, 9, 0))
    services.submit_draft(assignment_id=power.pk, actor=p.power_staff, now=at(2026, 3, 6, 9, 40),
                          body="Đã sửa đường dây, kèm ảnh")
    services.approve_assignment(assignment_id=power.pk, actor=p.power_leader,
                                now=at(2026, 3, 6, 9, 50))
    services.publish_case(case_id=case.pk, visibility="public", reply_text="Đã xử lý xong.",
                          actor=p.coordinator, now=at(2026, 3, 6, 10, 30))
    rate_case(case_id=case.pk, value="unsatisfied", note="Đèn vẫn chưa sáng",
              now=at(2026, 3, 7, 20, 0))

    case.refresh_from_db()
    assert case.state == Case.State.REOPENED
    story = [
        (e.kind, e.unit.code if e.unit else "", e.from_state, e.to_state)
        for e in case.events.select_related("unit")
    ]
    assert story == [
        ("received", "", "", "received"),
        ("classified", "", "received", "classified"),
        ("dispatched", "", "classified", "assigned"),
        ("returned", "chau-thanh", "pending", "returned"),
        # Roads still holds the case: only the returned share is re-routed.
        ("dispatched", "", "assigned", "assigned"),
        ("accepted", "roads", "pending", "processing"),
        ("accepted", "power", "pending", "processing"),
        ("extended", "roads", "processing", "processing"),
        ("draft_submitted", "roads", "processing", "awaiting_approval"),
        ("draft_submitted", "power", "processing", "awaiting_approval"),
        ("mark_processed", "", "assigned", "processed"),
        ("returned_to_staff", "roads", "awaiting_approval", "processing"),
        ("back_to_units", "", "processed", "assigned"),
        ("draft_submitted", "roads", "processing", "awaiting_approval"),
        ("mark_processed", "", "assigned", "processed"),
        ("approved", "roads", "awaiting_approval", "approved"),
        ("approved", "power", "awaiting_approval", "approved"),
        ("mark_approved", "", "processed", "approved"),
        ("sent_back_redistribution", "power", "approved", "processing"),
        ("back_to_units", "", "approved", "assigned"),
        ("draft_submitted", "power", "processing", "awaiting_approval"),
        ("mark_processed", "", "assigned", "processed"),
        ("approved", "power", "awaiting_approval", "approved"),
        ("mark_approved", "", "processed", "approved"),
        ("published", "", "approved", "published"),
        ("reopened", "", "published", "reopened"),
    ]
    actors = {e.kind: (e.actor.username if e.actor else e.actor_label) for e in case.events.all()}
    assert actors["returned"] == "other-staff"
    assert actors["reopened"] == "reporter"
    roads.refresh_from_db()
    assert roads.is_extended
    assert roads.drafts.count() == 2
    assert case.assignments.get(unit=p.other).state == Assignment.State.RETURNED
