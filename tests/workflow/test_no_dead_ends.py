"""No case can get stuck: every reachable combination of a case's state and its shares'
states, for up to three units, is explored through the real services, and in each one some
role can move the case on, until it is published or rejected.

Each node is a savepoint: a move is one real service call, and it is rolled back before the
next move is tried, so no path is replayed. A state is abstract (the case's state, its
active shares' states as a multiset, whether a share was returned): units are alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from routing.models import Membership
from routing.selectors import REPORTER, actor_for
from tests.conftest import MONDAY, Province
from tests.factories import member
from workflow import services
from workflow.errors import TransitionRefused
from workflow.models import Assignment, Case
from workflow.views.case.actions import unavailable_reason
from workflow.views.case.specs import SPECS

C, A = Case.State, Assignment.State
TERMINAL = {C.PUBLISHED, C.REJECTED, C.DUPLICATE}
# Closing as a duplicate needs a second case, handled by the units: it ends a case at intake,
# and tests/workflow/test_duplicates.py drives it; one lone case never reaches it.
NEEDS_ANOTHER_CASE = {C.DUPLICATE}
BODY = "Đơn vị đã thay ba bóng đèn vào ngày 03/3/2026."


@dataclass(frozen=True)
class Move:
    """One role's action: the page's action key, its service call, the share it acts on."""

    key: str
    role: str
    run: Callable[[], object]
    share: int | None = None


class Explorer:
    def __init__(self, p: Province) -> None:
        self.p = p
        self.units = [p.roads, p.power, p.other]
        member(p.other, Membership.Role.LEADER, username="other-leader")
        self.staff = [p.roads_staff, p.power_staff, p.other_staff]
        self.leaders = [p.roads_leader, p.power_leader]
        self.leaders.append(actor_for(type(p.roads_staff_user).objects.get(
            username="other-leader")))
        self.clock = MONDAY
        self.case_id = p.receive().pk

    def now(self):
        self.clock += timedelta(minutes=7)
        return self.clock

    def state(self) -> tuple:
        case = Case.objects.get(pk=self.case_id)
        shares = list(case.assignments.values_list("state", flat=True))
        active = tuple(sorted(s for s in shares if s != A.RETURNED))
        return (case.state, active, A.RETURNED in shares)

    def moves(self) -> list[Move]:
        p, case_id, co = self.p, self.case_id, self.p.coordinator
        case = Case.objects.get(pk=case_id)
        shares = list(case.assignments.exclude(state=A.RETURNED).order_by("pk"))
        busy = {a.unit_id for a in shares}
        free = [u.pk for u in self.units if u.pk not in busy]
        moves = [
            Move("classify", "coordinator", lambda: services.classify_case(
                case_id=case_id, category=p.permits, actor=co, now=self.now())),
            Move("verify", "coordinator", lambda: services.send_back_for_verification(
                case_id=case_id, reason="Cần xác minh số nhà.", actor=co, now=self.now())),
            Move("reject", "coordinator", lambda: services.reject_case(
                case_id=case_id, reason="incomplete", actor=co, now=self.now())),
            Move("publish", "coordinator", lambda: services.publish_case(
                case_id=case_id, visibility="public", reply_text=BODY, actor=co,
                now=self.now())),
            Move("reopen", "reporter", lambda: services.reopen_case(
                case_id=case_id, actor=REPORTER, now=self.now())),
            Move("keep_result", "coordinator", lambda: services.keep_result(
                case_id=case_id, note="Giữ nguyên.", actor=co, now=self.now())),
            Move("reprocess", "coordinator", lambda: services.reprocess_case(
                case_id=case_id, unit_ids=[a.unit_id for a in shares] or free[:1],
                note="Xử lý lại.", actor=co, now=self.now())),
        ]
        # Dispatch (or re-route) always names units that hold no active share.
        for count in range(1, len(free) + 1):
            moves.append(Move("dispatch", "coordinator", lambda n=count: services.dispatch_case(
                case_id=case_id, unit_ids=free[:n], actor=co, now=self.now())))
        for a in shares:
            i = [u.pk for u in self.units].index(a.unit_id)
            staff, leader = self.staff[i], self.leaders[i]
            moves += [
                Move("accept", "staff", lambda a=a, s=staff: services.accept_assignment(
                    assignment_id=a.pk, actor=s, now=self.now()), a.pk),
                Move("return", "staff", lambda a=a, s=staff: services.return_assignment(
                    assignment_id=a.pk, reason="Không thuộc thẩm quyền.", actor=s,
                    now=self.now()), a.pk),
                Move("draft", "staff", lambda a=a, s=staff: services.submit_draft(
                    assignment_id=a.pk, body=BODY, actor=s, now=self.now()), a.pk),
                Move("approve", "leader", lambda a=a, lead=leader: services.approve_assignment(
                    assignment_id=a.pk, actor=lead, now=self.now()), a.pk),
                Move("return_to_staff", "leader", lambda a=a, lead=leader:
                     services.return_to_staff(assignment_id=a.pk, note="Bổ sung ảnh.",
                                              actor=lead, now=self.now()), a.pk),
                Move("send_back", "coordinator", lambda a=a: services.send_back_to_unit(
                    assignment_id=a.pk, rework="revision", note="Sửa thể thức.", actor=co,
                    now=self.now()), a.pk),
            ]
        return moves

    def offered(self, move: Move) -> bool:
        """The case page offers the move to its role: the view's own verdict, before it."""
        case = Case.objects.get(pk=self.case_id)
        obj = Assignment.objects.get(pk=move.share) if move.share else case
        actor = {"coordinator": self.p.coordinator, "reporter": REPORTER}.get(move.role)
        if move.role == "reporter":
            return True  # the reporter's rating page, not the staff case page
        if actor is None:
            i = [u.pk for u in self.units].index(obj.unit_id)
            actor = (self.staff if move.role == "staff" else self.leaders)[i]
        returned = case.assignments.filter(state=A.RETURNED).exists()
        return unavailable_reason(SPECS[move.key], obj, actor, returned_share=returned) == ""

    def explore(self) -> dict[tuple, dict[str, tuple]]:
        """Every reachable abstract state, with the moves that lead out of it."""
        graph: dict[tuple, dict[str, tuple]] = {}
        self._visit(graph)
        return graph

    def _visit(self, graph: dict[tuple, dict[str, tuple]]) -> None:
        here = self.state()
        graph[here] = {}
        for move in self.moves():
            sid = transaction.savepoint()
            try:
                offered = self.offered(move)
                move.run()
            except (TransitionRefused, PermissionDenied, ValidationError):
                transaction.savepoint_rollback(sid)
                continue
            there = self.state()
            if there != here:
                graph[here][f"{move.role}:{move.key}{'' if offered else ' (not offered)'}"] = (
                    there)
                if there not in graph:
                    self._visit(graph)
            transaction.savepoint_rollback(sid)


_explored: dict[str, dict] = {}


@pytest.fixture
def graph(db):
    """Explored once per run (the first test to ask pays for it); each test's rows vanish."""
    if "graph" not in _explored:
        _explored["graph"] = Explorer(Province()).explore()
    return _explored["graph"]


def _open(graph):
    return {state: out for state, out in graph.items() if state[0] not in TERMINAL}


def test_the_exploration_reaches_three_units_and_every_state_of_both_machines(graph):
    assert {state[0] for state in graph} == set(C.values) - NEEDS_ANOTHER_CASE
    assert {share for state in graph for share in state[1]} == set(A.values) - {A.RETURNED}
    assert max(len(state[1]) for state in graph) == 3
    assert any(state[2] for state in graph)


def test_in_every_open_state_some_role_can_move_the_case_on(graph):
    stuck = [state for state, out in _open(graph).items() if not out]
    assert stuck == []


def test_every_move_a_role_can_make_is_offered_on_the_case_page(graph):
    hidden = {(state, move) for state, out in graph.items() for move in out
              if move.endswith("(not offered)")}
    assert hidden == set()


def test_from_every_state_the_case_can_still_be_published_or_rejected(graph):
    ends = {state for state in graph if state[0] in TERMINAL}
    changed = True
    while changed:
        changed = False
        for state, out in graph.items():
            if state not in ends and ends & set(out.values()):
                ends.add(state)
                changed = True
    assert set(graph) - ends == set()


def test_once_every_remaining_unit_has_approved_the_coordinator_can_publish(graph):
    waiting = [state for state, out in _open(graph).items()
               if state[1] and set(state[1]) == {A.APPROVED} and state[0] != C.REOPENED
               and "coordinator:publish" not in out]
    assert waiting == []


def test_a_case_with_the_coordinator_holds_no_unit_work(graph):
    """Received or classified means no unit works on it: its shares must not move on unseen."""
    hidden = [state for state in graph
              if state[0] in (C.RECEIVED, C.CLASSIFIED) and state[1]]
    assert hidden == []
