"""The roads unit's month as its leader reads it on Tuesday 3 March 2026 at 09:00: cases open,
due soon, overdue, extended, approved on time and late, built through the real services."""

from datetime import date

from tests.conftest import MONDAY, at
from tests.workflow import drive
from workflow import services
from workflow.sweep import sweep_deadlines

THURSDAY_BEFORE = at(2026, 2, 26, 8, 0)
TUESDAY_9AM = at(2026, 3, 3, 9, 0)


def roads_month(p):
    """The roads unit of the province `p` on Tuesday 3 March 2026 at 09:00, built through the
    real services; returns `p`."""
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
