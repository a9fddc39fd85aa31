"""The unit and its leader (Art. 8–9): accept or return a share, ask for more time, submit
the reply, approve it or send it back to the staff."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from config.text import normalize_line, normalize_text
from routing.recipients import coordinators_to_mail
from routing.selectors import SYSTEM, Actor, unit_member_ids

from ..models import (
    Assignment,
    CaseEvent,
    Draft,
    DraftPhoto,
    Extension,
)
from ..worktime import get_calendar
from .common import (
    APPROVAL_DAYS,
    INTAKE_HOURS,
    _end_stage,
    _fire,
    _follow_assignments,
    _lock_assignment,
    _log,
    _start_stage,
    close_of_business,
)
from .messages import _notify_reporter, notify_staff


@transaction.atomic
def accept_assignment(*, assignment_id: int, actor: Actor, now: datetime) -> Assignment:
    assignment = _lock_assignment(assignment_id)
    states = _fire(assignment, "accept", actor, now=now, by_id=actor.user_id)
    due = get_calendar().add_working_days(now, assignment.unit.processing_days)
    assignment.processing_due_at = due
    _start_stage(assignment, now, due)
    assignment.save()
    _log(assignment.case, CaseEvent.Kind.ACCEPTED, actor, now, states, assignment=assignment)
    return assignment


@transaction.atomic
def return_assignment(
    *, assignment_id: int, reason: str, actor: Actor, now: datetime
) -> Assignment:
    """Not this unit's jurisdiction (Art. 8.2b): the case goes back to the coordinator."""
    assignment = _lock_assignment(assignment_id)
    reason = normalize_text(reason)
    states = _fire(assignment, "return_to_coordinator", actor, reason=reason, now=now)
    _end_stage(assignment, now)
    assignment.save()
    case = assignment.case
    event = _log(case, CaseEvent.Kind.RETURNED, actor, now, states, assignment=assignment,
                 note=reason)
    # The other units' shares go on: the case follows them, and the coordinator re-routes
    # the returned share alone or publishes their replies once they are approved. Only
    # when no unit is left does the whole case go back to be dispatched again.
    remaining = case.assignments.exclude(state=Assignment.State.RETURNED).exists()
    if remaining:
        _follow_assignments(case, actor, now)
    elif can_proceed(case.back_to_coordinator):
        case_states = _fire(case, "back_to_coordinator", SYSTEM)
        _start_stage(case, now, get_calendar().add_working_hours(now, INTAKE_HOURS))
        case.save()
        _log(case, CaseEvent.Kind.BACK_TO_COORDINATOR, actor, now, case_states,
             data={"automatic": True})
    notify_staff(case, f"event:{event.pk}", coordinators_to_mail(), "staff_case_returned", now,
                 event=event, checked=True)
    return assignment


@transaction.atomic
def extend_assignment(
    *, assignment_id: int, reason: str, new_due: date | datetime | None, actor: Actor,
    now: datetime,
) -> Extension:
    """The unit declares an extension (Art. 8.2a): a reason and an expected date, filed
    before the deadline, which becomes the new one at once.

    Art. 8.2a puts the decision with the handling unit: where it needs more time it "must
    explain the reason and set the expected date of the result in writing when the deadline
    comes". No coordinator approves it; the writing is this notice: the reporter is told
    the reason and the new date on every channel they kept, and the coordinators by e-mail,
    so a doubtful extension can be taken up with the unit. A state secret's reason stays
    out of the reporter's SMS and e-mail (they are told the date and the hotline).
    """
    assignment = _lock_assignment(assignment_id)
    reason = normalize_text(reason)
    if isinstance(new_due, date) and not isinstance(new_due, datetime):
        new_due = close_of_business(new_due)
    previous = assignment.due_at
    states = _fire(assignment, "extend", actor, reason=reason, new_due_at=new_due, now=now)
    assert new_due is not None  # the transition refused a missing date
    _start_stage(assignment, now, new_due)
    assignment.save()
    extension = Extension.objects.create(
        assignment=assignment, reason=reason, previous_due_at=previous, new_due_at=new_due,
        requested_by=actor.user, requested_at=now,
    )
    case = assignment.case
    event = _log(case, CaseEvent.Kind.EXTENDED, actor, now, states, assignment=assignment,
                 note=reason, data={"previous_due_at": previous.isoformat() if previous else None,
                                    "new_due_at": new_due.isoformat()})
    told = {"code": case.display_code, "due_at": new_due.isoformat()}
    if case.is_state_secret:
        _notify_reporter(case, event, "case_extended_offline", told)
    else:
        _notify_reporter(case, event, "case_extended", {**told, "reason": reason})
    notify_staff(case, f"event:{event.pk}", coordinators_to_mail(), "staff_case_extended", now,
                 event=event, context={**told, "reason": reason}, checked=True)
    return extension


@transaction.atomic
def submit_draft(
    *,
    assignment_id: int,
    actor: Actor,
    now: datetime,
    body: str,
    number: str = "",
    date: date | None = None,
    addressee: str = "",
    signer: str = "",
    signer_title: str = "",
    recipients: str = "",
    photos: Sequence[File] = (),
) -> Draft:
    """The unit's reply in the Appendix 1 form goes to its leader (1 working day, Art. 9.2)."""
    assignment = _lock_assignment(assignment_id)
    version = (assignment.drafts.order_by("-version").values_list("version", flat=True).first()
               or 0) + 1
    draft = Draft(
        assignment=assignment, version=version, number=normalize_line(number), date=date,
        addressee=normalize_line(addressee), body=normalize_text(body),
        signer=normalize_line(signer), signer_title=normalize_line(signer_title),
        recipients=normalize_text(recipients), author=actor.user, created_at=now,
    )
    states = _fire(assignment, "submit_draft", actor, draft=draft, photo_count=len(photos),
                   now=now)
    draft.save()
    for photo in photos:
        DraftPhoto.objects.create(draft=draft, image=photo)
    _start_stage(assignment, now, get_calendar().add_working_days(now, APPROVAL_DAYS))
    assignment.save()
    event = _log(assignment.case, CaseEvent.Kind.DRAFT_SUBMITTED, actor, now, states,
                 assignment=assignment, data={"draft": draft.pk, "version": version})
    notify_staff(assignment.case, f"event:{event.pk}",
                 unit_member_ids(assignment.unit_id, "leader"), "staff_draft_submitted", now,
                 event=event)
    _follow_assignments(assignment.case, actor, now)
    return draft


@transaction.atomic
def approve_assignment(
    *, assignment_id: int, actor: Actor, now: datetime, edited_body: str | None = None
) -> Assignment:
    """Approve the unit's draft; with `edited_body`, edit and approve in one step (Art. 9.3)."""
    assignment = _lock_assignment(assignment_id)
    states = _fire(assignment, "approve", actor, now=now)
    current = assignment.drafts.order_by("-version").first()
    edited = False
    if edited_body is not None and current is not None:
        edited_body = normalize_text(edited_body)
        if not edited_body:
            raise ValidationError({"body": _("This field is required.")})
        # Decided before the new version is written: it reuses (and changes) `current`.
        edited = edited_body != current.body
        if edited:
            _new_version(current, body=edited_body, author=actor, now=now)
    _end_stage(assignment, now)
    assignment.save()
    _log(assignment.case, CaseEvent.Kind.APPROVED, actor, now, states, assignment=assignment,
         data={"edited": edited})
    _follow_assignments(assignment.case, actor, now)
    return assignment


def _new_version(draft: Draft, *, body: str, author: Actor, now: datetime) -> Draft:
    photos = list(draft.photos.all())
    draft.pk, draft.version = None, draft.version + 1
    draft.body, draft.author, draft.created_at = body, author.user, now
    draft.save()
    DraftPhoto.objects.bulk_create(
        [DraftPhoto(draft=draft, image=p.image.name, caption=p.caption) for p in photos]
    )
    return draft


@transaction.atomic
def return_to_staff(*, assignment_id: int, note: str, actor: Actor, now: datetime) -> Assignment:
    """The leader sends the draft back; the unit's original handling deadline still runs."""
    assignment = _lock_assignment(assignment_id)
    note = normalize_text(note)
    states = _fire(assignment, "return_to_staff", actor, note=note)
    _start_stage(assignment, now, assignment.processing_due_at)
    assignment.save()
    _log(assignment.case, CaseEvent.Kind.RETURNED_TO_STAFF, actor, now, states,
         assignment=assignment, note=note)
    _follow_assignments(assignment.case, actor, now)
    return assignment
