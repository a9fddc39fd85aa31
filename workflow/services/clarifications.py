"""After the result (Art. 11.1–11.2): the reporter asks for clarification, the coordination
centre and every unit that handled the case are told, and one of them answers."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from routing.recipients import coordinators_to_mail
from routing.selectors import REPORTER, Actor, unit_member_ids

from ..errors import TransitionRefused
from ..models import Assignment, Case, CaseEvent
from ..reporters import clarifications
from .common import _lock_case, _log, _required_text
from .messages import _notify_reporter, notify_staff


def handling_assignments(case: Case) -> list[Assignment]:
    """The case's assignments of the units that handle or handled it (not those returned)."""
    return list(Assignment.objects.filter(case=case).exclude(state=Assignment.State.RETURNED)
                .order_by("pk"))


def note_clarification_asked(*, case: Case, now: datetime) -> CaseEvent:
    """The reporter asked about the result: mark the case in the queues (from the oldest
    unanswered question) and tell the coordination centre and each handling unit's staff.

    Caller holds the case's row lock and has stored the question (the reporter's app)."""
    if case.clarification_asked_at is None:
        case.clarification_asked_at = now
        case.save(update_fields=["clarification_asked_at", "updated_at"])  # the queues' cache too
    event = _log(case, CaseEvent.Kind.CLARIFICATION_ASKED, REPORTER, now)
    notify_staff(case, f"event:{event.pk}", coordinators_to_mail(),
                 "staff_clarification_asked", now, event=event, checked=True)
    for assignment in handling_assignments(case):
        notify_staff(case, f"event:{event.pk}:u{assignment.unit_id}",
                     unit_member_ids(assignment.unit_id), "staff_clarification_asked", now,
                     event=event)
    return event


def answering_assignment(actor: Actor, case: Case) -> Assignment | None:
    """The assignment through which `actor` answers: None for the coordination centre; one
    of the actor's units that handles the case; else PermissionDenied."""
    if actor.is_coordinator:
        return None
    for assignment in handling_assignments(case):
        if actor.is_member_of(assignment.unit_id):
            return assignment
    raise PermissionDenied(_("Only the coordination centre or a unit handling the case can "
                             "answer the reporter."))


@transaction.atomic
def answer_clarification(*, case_id: int, body: str, actor: Actor, now: datetime) -> Case:
    """The coordination centre or a handling unit answers the reporter's waiting question
    (Art. 11.2): the answer is kept with the conversation, the queues' mark is cleared and
    the reporter is told on every channel they kept (never who answered, only the unit)."""
    case = _lock_case(case_id)
    assignment = answering_assignment(actor, case)
    if case.clarification_asked_at is None:
        raise TransitionRefused(_("No question from the reporter is waiting for an answer."))
    body = _required_text("body", body)
    clarifications().record_answer(case, body,
                                   unit_id=assignment.unit_id if assignment else None,
                                   user_id=actor.user_id, now=now)
    case.clarification_asked_at = None
    case.save(update_fields=["clarification_asked_at", "updated_at"])
    event = _log(case, CaseEvent.Kind.CLARIFICATION_ANSWERED, actor, now, assignment=assignment)
    _notify_reporter(case, event, "clarification_answered", {"code": case.display_code})
    return case
