"""The first quarter of 2026 as the reports read it: the official calendar of 2024–2026 and six
cases, on time and late across Tết 2026, extended, returned, redistributed, multi-unit and
rated, each moved by the real services at its own instant."""

import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from feedback.services import rate_case
from routing.models import Area, Membership
from routing.selectors import actor_for
from tests.conftest import at
from tests.factories import AreaFactory, member
from workflow import services
from workflow.models import Assignment, Case
from workflow.sweep import sweep_deadlines
from workflow.worktime import WorkingCalendar, get_calendar, import_schedule

OFFICIAL_SCHEDULES = [
    Path(settings.BASE_DIR) / "data" / "calendar" / f"vn-official-{year}.json"
    for year in (2024, 2025, 2026)
]
# The instant the statistics are read: the last sweep has run.
NOW = at(2026, 3, 20, 8, 0)


def import_official_calendar() -> WorkingCalendar:
    """The shipped official schedules of 2024–2026 imported (as in tests/workflow)."""
    for path in OFFICIAL_SCHEDULES:
        import_schedule(json.loads(path.read_text(encoding="utf-8")), source=path.name)
    return get_calendar()


@dataclass
class Scenario:
    p: object
    district: Area
    commune: Area
    cases: dict


def _dispatch(p, case, units, now):
    services.classify_case(case_id=case.pk, category=p.permits, actor=p.coordinator, now=now)
    return services.dispatch_case(case_id=case.pk, unit_ids=[u.pk for u in units],
                                  actor=p.coordinator, now=now)


def _own(case, unit) -> Assignment:
    return case.assignments.exclude(state=Assignment.State.RETURNED).get(unit=unit)


def _handle(assignment, staff, leader, accept, submit, approve, body="Đã xử lý xong."):
    if accept is not None:
        services.accept_assignment(assignment_id=assignment.pk, actor=staff, now=accept)
    services.submit_draft(assignment_id=assignment.pk, actor=staff, now=submit, body=body)
    services.approve_assignment(assignment_id=assignment.pk, actor=leader, now=approve)


def _publish(p, case, now):
    return services.publish_case(case_id=case.pk, visibility="public", reply_text="Đã xử lý.",
                                 actor=p.coordinator, now=now)


def build_scenario(p) -> Scenario:
    """Six cases of the first quarter of 2026, in the order things happened."""
    district = AreaFactory(code="tp-tay-ninh", name="Thành phố Tây Ninh")
    commune = AreaFactory(code="phuong-1", name="Phường 1", level=Area.Level.COMMUNE,
                          parent=district)
    other_leader = actor_for(member(p.other, Membership.Role.LEADER, username="other-leader"))
    roads = (p.roads_staff, p.roads_leader)
    power = (p.power_staff, p.power_leader)
    other = (p.other_staff, other_leader)

    # A: roads, 6 working days from Thu 12 Feb: Tết (16–20 Feb) is not counted, due Fri 27
    # Feb 17:00; handled on Wed 25 Feb, a week after a calendar-day count would have ended.
    a = p.receive(now=at(2026, 2, 12, 8, 0), channel=Case.Channel.WEB, area=district)
    _dispatch(p, a, [p.roads], at(2026, 2, 12, 8, 10))
    # B: power, 3 working days from Thu 12 Feb: due Tue 24 Feb 17:00; handled on 26 Feb.
    b = p.receive(now=at(2026, 2, 12, 8, 5), channel=Case.Channel.HOTLINE, area=commune)
    _dispatch(p, b, [p.power], at(2026, 2, 12, 8, 15))
    services.accept_assignment(assignment_id=_own(a, p.roads).pk, actor=p.roads_staff,
                               now=at(2026, 2, 12, 8, 30))
    services.accept_assignment(assignment_id=_own(b, p.power).pk, actor=p.power_staff,
                               now=at(2026, 2, 12, 8, 40))
    sweep_deadlines(now=at(2026, 2, 25, 8, 0))  # B is late, A is not
    _handle(_own(a, p.roads), *roads, None, at(2026, 2, 25, 9, 0), at(2026, 2, 25, 10, 0))
    _publish(p, a, at(2026, 2, 25, 11, 0))
    _handle(_own(b, p.power), *power, None, at(2026, 2, 26, 9, 0), at(2026, 2, 26, 10, 0))
    _publish(p, b, at(2026, 2, 26, 11, 0))
    rate_case(case_id=a.pk, value="satisfied", now=at(2026, 2, 27, 9, 0))
    rate_case(case_id=b.pk, value="unsatisfied", now=at(2026, 2, 27, 9, 30))  # reopened

    # C: two units; roads extends before its deadline, "other" is late.
    c = p.receive(now=at(2026, 3, 2, 8, 0), channel=Case.Channel.ZALO, area=commune)
    _dispatch(p, c, [p.roads, p.other], at(2026, 3, 2, 8, 10))
    for unit, (staff, _leader) in ((p.roads, roads), (p.other, other)):
        services.accept_assignment(assignment_id=_own(c, unit).pk, actor=staff,
                                   now=at(2026, 3, 2, 8, 30))  # due Tue 10 Mar 17:00
    # D: power returns it (not its jurisdiction); re-routed to roads, who never finishes.
    d = p.receive(now=at(2026, 3, 3, 8, 0), channel=Case.Channel.WEB)
    _dispatch(p, d, [p.power], at(2026, 3, 3, 8, 10))
    services.return_assignment(assignment_id=_own(d, p.power).pk, reason="Không thuộc thẩm quyền",
                               actor=p.power_staff, now=at(2026, 3, 3, 9, 0))
    services.dispatch_case(case_id=d.pk, unit_ids=[p.roads.pk], actor=p.coordinator,
                           now=at(2026, 3, 3, 10, 0))
    services.accept_assignment(assignment_id=_own(d, p.roads).pk, actor=p.roads_staff,
                               now=at(2026, 3, 3, 10, 30))  # due Wed 11 Mar 17:00
    # E: roads, redistributed once (inaccurate), fixed within the hour.
    e = p.receive(now=at(2026, 3, 4, 8, 0), channel=Case.Channel.FACEBOOK, area=district)
    _dispatch(p, e, [p.roads], at(2026, 3, 4, 8, 10))
    _handle(_own(e, p.roads), *roads, at(2026, 3, 4, 8, 30), at(2026, 3, 4, 9, 0),
            at(2026, 3, 4, 9, 30))
    services.send_back_to_unit(assignment_id=_own(e, p.roads).pk, rework="redistribution",
                               note="Thiếu ảnh", actor=p.coordinator, now=at(2026, 3, 4, 14, 0))
    _handle(_own(e, p.roads), *roads, None, at(2026, 3, 4, 14, 30), at(2026, 3, 4, 14, 40))
    _publish(p, e, at(2026, 3, 4, 15, 0))
    rate_case(case_id=e.pk, value="satisfied", now=at(2026, 3, 5, 9, 0))
    # F: rejected at intake.
    f = p.receive(now=at(2026, 3, 5, 8, 0), channel=Case.Channel.EMAIL)
    services.reject_case(case_id=f.pk, reason="advertising", actor=p.coordinator,
                         now=at(2026, 3, 5, 8, 30))

    services.extend_assignment(assignment_id=_own(c, p.roads).pk, reason="Chờ vật tư",
                               new_due=at(2026, 3, 13, 17, 0).date(), actor=p.roads_staff,
                               now=at(2026, 3, 9, 9, 0))
    sweep_deadlines(now=at(2026, 3, 11, 8, 0))  # C at "other" is late
    _handle(_own(c, p.other), *other, None, at(2026, 3, 11, 9, 0), at(2026, 3, 11, 10, 0))
    _handle(_own(c, p.roads), *roads, None, at(2026, 3, 12, 9, 0), at(2026, 3, 12, 10, 0))
    _publish(p, c, at(2026, 3, 12, 14, 0))
    rate_case(case_id=c.pk, value="accepted", now=at(2026, 3, 13, 9, 0))
    sweep_deadlines(now=NOW)  # D at roads is overdue and still open
    return Scenario(p=p, district=district, commune=commune,
                    cases={"a": a, "b": b, "c": c, "d": d, "e": e, "f": f})

