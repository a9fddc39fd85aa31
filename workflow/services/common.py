"""What every service shares: firing a transition for an actor, a stage's deadline, the
event log, the row locks, and the case following its assignments."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed, has_transition_perm

from config.text import normalize_text
from routing.audit import record
from routing.models import AuditEvent
from routing.recipients import coordinators_to_mail
from routing.selectors import SYSTEM, Actor

from ..errors import TransitionRefused
from ..models import (
    Assignment,
    Case,
    CaseEvent,
)
from ..models.events import EventKind
from ..worktime import get_calendar
from .messages import notify_staff

# Deadlines of WORKFLOW.md, in working time.
INTAKE_HOURS = 4  # Art. 7.2
PUBLISH_HOURS = 4  # Art. 10.2
RETURN_WINDOW_DAYS = 1  # Art. 8.2b
APPROVAL_DAYS = 1  # Art. 9.2
REVISION_MINUTES = 30  # Art. 10.4
REDISTRIBUTION_MINUTES = 60  # Art. 10.4


def _fire(obj: Case | Assignment, name: str, actor: Actor, **kwargs: Any) -> tuple[str, str]:
    """Fire transition `name` for `actor`, or refuse with a translated reason.

    Returns (from_state, to_state). Raises TransitionRefused when the object's state does
    not allow it, PermissionDenied when the actor may not, ValidationError on bad input;
    in each case nothing has changed.
    """
    method = getattr(obj, name)
    before = obj.state
    if not can_proceed(method):
        raise TransitionRefused(
            _("This action is not available while it is “%(state)s”.")
            % {"state": obj.get_state_display()}
        )
    # django-fsm's stub asks for a Django user; it hands the actor to our permissions as it is.
    if not has_transition_perm(method, actor):  # type: ignore[arg-type]
        raise PermissionDenied(_("Your role does not allow this action."))
    method(**kwargs)
    return before, obj.state


def _start_stage(obj: Case | Assignment, now: datetime, due_at: datetime | None) -> None:
    remind = None
    if due_at is not None and due_at > now:
        remind = get_calendar().reminder_at(now, due_at)
    obj.start_stage(now=now, due_at=due_at, remind_at=remind)


def _end_stage(obj: Case | Assignment, now: datetime) -> None:
    obj.start_stage(now=now, due_at=None, remind_at=None)


def _log(
    case: Case,
    kind: EventKind,
    actor: Actor,
    now: datetime,
    states: tuple[str, str] = ("", ""),
    *,
    assignment: Assignment | None = None,
    note: str = "",
    data: dict | None = None,
) -> CaseEvent:
    label = "system" if actor.is_system else "reporter" if actor.is_reporter else ""
    _audit(case, kind, actor, label, states, assignment, data or {})
    return CaseEvent.objects.create(
        case=case,
        assignment=assignment,
        unit_id=assignment.unit_id if assignment else None,
        actor_id=actor.user_id,
        actor_label=label,
        at=now,
        kind=kind,
        from_state=states[0],
        to_state=states[1],
        note=note,
        data=data or {},
    )


def _audit(case: Case, kind: EventKind, actor: Actor, label: str, states: tuple[str, str],
           assignment: Assignment | None, data: dict) -> None:
    """The audit's row of a case event (SECURITY AU1): who, and from which address when a
    request is being answered. Ids, states and the event's data only: never the note."""
    detail: dict[str, Any] = {"event": str(kind)}
    if states[1]:
        detail.update(from_state=states[0], to_state=states[1])
    if assignment is not None:
        detail["assignment_id"] = assignment.pk
    if label:
        detail["by"] = label
    if data:
        detail["data"] = data
    # The system's and the reporter's events name no one, even inside a staff member's request.
    person = actor.user if actor.user is not None else AnonymousUser()
    record(AuditEvent.Action.CASE_EVENT, actor=person, obj=case, **detail)


def _lock_case(case_id: int) -> Case:
    return Case.objects.select_for_update(of=("self",)).select_related("category").get(pk=case_id)


def _lock_assignment(assignment_id: int) -> Assignment:
    """Lock the case, then the assignment: the same order everywhere, so no deadlock."""
    case_id = Assignment.objects.values_list("case_id", flat=True).get(pk=assignment_id)
    case = _lock_case(case_id)
    assignment = Assignment.objects.select_for_update(of=("self",)).select_related("unit").get(
        pk=assignment_id
    )
    assignment.case = case
    return assignment


def close_of_business(day: date) -> datetime:
    """The end of the working day `day` (17:00 by default), as an aware instant."""
    last_block = sorted(settings.WORKING_HOURS)[-1]
    hour, minute = (int(x) for x in last_block.split("-")[1].split(":"))
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _require_coordinator(actor: Actor) -> None:
    if not actor.is_coordinator:
        raise PermissionDenied(_("Your role does not allow this action."))


def _required_text(name: str, value: str) -> str:
    value = normalize_text(value)
    if not value:
        raise ValidationError({name: _("This field is required.")})
    return value


def _follow_assignments(case: Case, actor: Actor, now: datetime) -> None:
    """Move the case to processed / approved when all its units have, and back again.

    Caller holds the case's row lock. While the coordinator owns the case (a unit returned
    it, or it is not yet dispatched) the case stays where it is.
    """
    if case.state not in (Case.State.ASSIGNED, Case.State.PROCESSED, Case.State.APPROVED):
        return
    states = set(
        case.assignments.exclude(state=Assignment.State.RETURNED).values_list("state", flat=True)
    )
    if not states:
        return
    if states == {Assignment.State.APPROVED}:
        target = Case.State.APPROVED
    elif states <= {Assignment.State.AWAITING_APPROVAL, Assignment.State.APPROVED}:
        target = Case.State.PROCESSED
    else:
        target = Case.State.ASSIGNED
    # Each step is a transition of the case, logged under the kind of the same name.
    processed, approved, back = (CaseEvent.Kind.MARK_PROCESSED, CaseEvent.Kind.MARK_APPROVED,
                                 CaseEvent.Kind.BACK_TO_UNITS)
    path = {
        (Case.State.ASSIGNED, Case.State.PROCESSED): [processed],
        (Case.State.ASSIGNED, Case.State.APPROVED): [approved],
        (Case.State.PROCESSED, Case.State.APPROVED): [approved],
        (Case.State.PROCESSED, Case.State.ASSIGNED): [back],
        (Case.State.APPROVED, Case.State.ASSIGNED): [back],
        (Case.State.APPROVED, Case.State.PROCESSED): [back, processed],
    }.get((case.state, target), [])
    for kind in path:
        case_states = _fire(case, kind.value, SYSTEM)
        _log(case, kind, actor, now, case_states, data={"automatic": True})
    if not path:
        return
    if case.state == Case.State.APPROVED:
        _start_stage(case, now, get_calendar().add_working_hours(now, PUBLISH_HOURS))
        notify_staff(case, f"approved:{case.pk}:{case.stage_seq}", coordinators_to_mail(),
                     "staff_case_approved", now, checked=True)
    else:
        _end_stage(case, now)
    case.save()
