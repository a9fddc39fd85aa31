"""The machines match WORKFLOW.md: every transition from every state, for every role.

The table below is written from WORKFLOW.md and the regulation, independently of the model
code; each (state × transition × role) combination is checked against the django-fsm
definitions: allowed exactly where the table says, refused everywhere else.
"""

import itertools

import pytest
from django_fsm import can_proceed, has_transition_perm

from routing.selectors import REPORTER, SYSTEM, Actor
from workflow.models import Assignment, Case

ROADS, POWER = 1, 2
ACTORS = {
    "coordinator": Actor(is_coordinator=True),
    "supervisor": Actor(is_supervisor=True),
    "roads_staff": Actor(staff_units=frozenset({ROADS})),
    "roads_leader": Actor(leader_units=frozenset({ROADS})),
    "power_staff": Actor(staff_units=frozenset({POWER})),
    "power_leader": Actor(leader_units=frozenset({POWER})),
    "reporter": REPORTER,
    "system": SYSTEM,
}
C = Case.State
CASE_TABLE = {
    # transition: (source states, target, who may fire it)
    "classify": ({C.RECEIVED}, C.CLASSIFIED, {"coordinator"}),
    "send_back_for_verification": ({C.CLASSIFIED}, C.RECEIVED, {"coordinator"}),
    "reject": ({C.RECEIVED, C.CLASSIFIED}, C.REJECTED, {"coordinator"}),
    # Only at intake: a duplicate is handled through its original, which the units have.
    "close_as_duplicate": ({C.RECEIVED, C.CLASSIFIED}, C.DUPLICATE, {"coordinator"}),
    # From the units' states: re-routing a returned share while the other units go on.
    "dispatch": ({C.CLASSIFIED, C.ASSIGNED, C.PROCESSED, C.APPROVED}, C.ASSIGNED,
                 {"coordinator"}),
    "back_to_coordinator": ({C.ASSIGNED, C.PROCESSED, C.APPROVED}, C.CLASSIFIED, {"system"}),
    "mark_processed": ({C.ASSIGNED}, C.PROCESSED, {"system"}),
    "mark_approved": ({C.ASSIGNED, C.PROCESSED}, C.APPROVED, {"system"}),
    "back_to_units": ({C.PROCESSED, C.APPROVED}, C.ASSIGNED, {"system"}),
    "publish": ({C.APPROVED}, C.PUBLISHED, {"coordinator"}),
    "reopen": ({C.PUBLISHED}, C.REOPENED, {"reporter", "coordinator"}),
    "reprocess": ({C.REOPENED}, C.ASSIGNED, {"coordinator"}),
    "keep_result": ({C.REOPENED}, C.PUBLISHED, {"coordinator"}),
}
A = Assignment.State
ASSIGNMENT_TABLE = {
    "accept": ({A.PENDING}, A.PROCESSING, {"roads_staff", "roads_leader"}),
    "return_to_coordinator": ({A.PENDING}, A.RETURNED, {"roads_staff", "roads_leader"}),
    "extend": ({A.PROCESSING}, A.PROCESSING, {"roads_staff", "roads_leader"}),
    "submit_draft": ({A.PROCESSING}, A.AWAITING_APPROVAL, {"roads_staff", "roads_leader"}),
    "approve": ({A.AWAITING_APPROVAL}, A.APPROVED, {"roads_leader"}),
    "return_to_staff": ({A.AWAITING_APPROVAL}, A.PROCESSING, {"roads_leader"}),
    "send_back": ({A.APPROVED}, A.PROCESSING, {"coordinator"}),
}


def _target(instance, name: str) -> str:
    return getattr(type(instance), name)._django_fsm.get_transition(instance.state).target


def test_the_table_names_every_transition_of_both_machines():
    def names(model):
        return {t.name for t in model._meta.get_field("state").get_all_transitions(model)}

    assert names(Case) == set(CASE_TABLE)
    assert names(Assignment) == set(ASSIGNMENT_TABLE)


@pytest.mark.parametrize(("state", "name"), list(itertools.product(C.values, CASE_TABLE)))
def test_case_transition_is_available_exactly_in_its_source_states(state, name):
    sources, target, who = CASE_TABLE[name]
    case = Case(state=state)
    method = getattr(case, name)
    assert can_proceed(method) == (state in sources)
    if state in sources:
        assert _target(case, name) == target
    for role, actor in ACTORS.items():
        assert has_transition_perm(method, actor) == (state in sources and role in who), role


@pytest.mark.parametrize(("state", "name"), list(itertools.product(A.values, ASSIGNMENT_TABLE)))
def test_assignment_transition_is_available_exactly_in_its_source_states(state, name):
    sources, target, who = ASSIGNMENT_TABLE[name]
    assignment = Assignment(state=state, unit_id=ROADS)
    method = getattr(assignment, name)
    assert can_proceed(method) == (state in sources)
    if state in sources:
        assert _target(assignment, name) == target
    for role, actor in ACTORS.items():
        assert has_transition_perm(method, actor) == (state in sources and role in who), role
