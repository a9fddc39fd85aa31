"""Drive a case through the real services to any state, for tests that start mid-way."""

from datetime import timedelta

from workflow import services
from workflow.models import Assignment, Case

STEP = timedelta(minutes=10)


def classified(p, now, **kwargs) -> Case:
    case = p.receive(now=now, **kwargs)
    return services.classify_case(case_id=case.pk, category=p.permits, actor=p.coordinator,
                                  now=now + STEP)


def assigned(p, now, units=None, **kwargs) -> Case:
    case = classified(p, now, **kwargs)
    services.dispatch_case(case_id=case.pk, unit_ids=[u.pk for u in (units or [p.roads])],
                           actor=p.coordinator, now=now + 2 * STEP)
    case.refresh_from_db()
    return case


def assignment_of(case: Case, unit) -> Assignment:
    return case.assignments.exclude(state=Assignment.State.RETURNED).get(unit=unit)


def processing(p, now, **kwargs) -> Assignment:
    case = assigned(p, now, **kwargs)
    return services.accept_assignment(assignment_id=assignment_of(case, p.roads).pk,
                                      actor=p.roads_staff, now=now + 3 * STEP)


def awaiting_approval(p, now, **kwargs) -> Assignment:
    assignment = processing(p, now, **kwargs)
    services.submit_draft(assignment_id=assignment.pk, actor=p.roads_staff, now=now + 4 * STEP,
                          body="Đơn vị đã thay ba bóng đèn vào ngày 03/3/2026.")
    assignment.refresh_from_db()
    return assignment


def approved(p, now, **kwargs) -> Case:
    assignment = awaiting_approval(p, now, **kwargs)
    services.approve_assignment(assignment_id=assignment.pk, actor=p.roads_leader,
                                now=now + 5 * STEP)
    return Case.objects.get(pk=assignment.case_id)


def published(p, now, **kwargs) -> Case:
    case = approved(p, now, **kwargs)
    return services.publish_case(case_id=case.pk, visibility="public",
                                 reply_text="Đã thay bóng đèn.", actor=p.coordinator,
                                 now=now + 6 * STEP)


def reopened(p, now, **kwargs) -> Case:
    from routing.selectors import REPORTER

    case = published(p, now, **kwargs)
    return services.reopen_case(case_id=case.pk, actor=REPORTER, now=now + 7 * STEP)
