"""The coordinator's other powers (Art. 4.8, 13.8, 17.6, 18): reveal the reporter to a
unit, escalate to the leadership, mark a report valuable, the abuse list and its holds,
and the possible duplicates: close a case as a duplicate of another, or dismiss the match."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from config.text import normalize_text
from routing.selectors import Actor

from ..errors import TransitionRefused
from ..models import (
    AbuseListEntry,
    Assignment,
    Case,
    CaseEvent,
    DuplicateCandidate,
)
from ..models.moderation import normalize_contact
from .common import (
    _end_stage,
    _fire,
    _lock_assignment,
    _lock_case,
    _log,
    _require_coordinator,
    _required_text,
)
from .messages import _notify_reporter, notify_staff
from .publication import duplicate_answer


@transaction.atomic
def reveal_contact(*, assignment_id: int, reason: str, actor: Actor, now: datetime) -> Assignment:
    """Show the reporter's contact data to one unit's members, for a typed reason.

    Coordinator only. The event names the unit and the reason, never the identity itself
    (SECURITY DP3, AU1). Refused for a returned assignment or one that already sees it.
    """
    assignment = _lock_assignment(assignment_id)
    if not actor.is_coordinator:
        raise PermissionDenied(_("Your role does not allow this action."))
    if not assignment.is_active:
        raise TransitionRefused(_("This unit returned the case: there is no one to reveal to."))
    if assignment.contact_revealed:
        raise TransitionRefused(_("The reporter's contact is already shown to this unit."))
    reason = normalize_text(reason)
    if not reason:
        raise ValidationError({"reason": _("This field is required.")})
    assignment.contact_revealed = True
    assignment.save(update_fields=["contact_revealed"])
    _log(assignment.case, CaseEvent.Kind.CONTACT_REVEALED, actor, now, assignment=assignment,
         note=reason)
    return assignment


@transaction.atomic
def escalate_case(*, case_id: int, summary: str, actor: Actor, now: datetime) -> Case:
    """Report a case to the province's leadership (Art. 4.8) with a typed summary.

    Coordinator only; once per case; not for a rejected case. The case keeps its state and
    deadlines: escalation asks for direction, it does not move the case. Each supervisor
    (the province's leadership) is e-mailed through the outbox, in the same transaction;
    a state secret's e-mail carries its code only, never the summary (DP4).
    """
    from routing.models import ProvinceRole

    _require_coordinator(actor)
    case = _lock_case(case_id)
    summary = _required_text("summary", summary)
    if case.state == Case.State.REJECTED:
        raise TransitionRefused(_("A rejected case cannot be escalated."))
    if case.escalated_at is not None:
        raise TransitionRefused(_("This case was already escalated to the province's leadership."))
    case.escalated_at = now
    case.save(update_fields=["escalated_at", "updated_at"])
    event = _log(case, CaseEvent.Kind.ESCALATED, actor, now, note=summary)
    leadership = ProvinceRole.objects.filter(
        role=ProvinceRole.Role.SUPERVISOR, user__is_active=True).values_list("user_id", flat=True)
    if case.is_state_secret:
        notify_staff(case, f"event:{event.pk}", leadership, "staff_case_escalated_secret", now,
                     event=event)
    else:
        notify_staff(case, f"event:{event.pk}", leadership, "staff_case_escalated", now,
                     event=event, context={"summary": summary})
    return case


@transaction.atomic
def mark_valuable(*, case_id: int, reason: str, actor: Actor, now: datetime) -> Case:
    """Mark a report as valuable information worth a reward (Art. 18.1). Coordinator only,
    once per case, with a typed reason; the caller audits it."""
    _require_coordinator(actor)
    case = _lock_case(case_id)
    reason = _required_text("reason", reason)
    if case.state == Case.State.REJECTED:
        raise TransitionRefused(_("A rejected case cannot be marked valuable."))
    if case.marked_valuable_at is not None:
        raise TransitionRefused(_("This case is already marked valuable."))
    case.marked_valuable_at = now
    case.save(update_fields=["marked_valuable_at", "updated_at"])
    _log(case, CaseEvent.Kind.MARKED_VALUABLE, actor, now, note=reason)
    return case


@transaction.atomic
def add_reporter_to_abuse_list(
    *, case_id: int, kind: str, reason: str, actor: Actor, now: datetime
) -> AbuseListEntry:
    """Put this case's reporter phone, e-mail or address on the abuse list (Art. 18.2).

    Coordinator only. The value is read from the case, never typed, and the case's log
    names only its kind (SECURITY AU3). An entry already active is returned as it is.
    """
    _require_coordinator(actor)
    case = _lock_case(case_id)
    reason = _required_text("reason", reason)
    values: dict[str, str] = {
        AbuseListEntry.Kind.PHONE: case.reporter_phone,
        AbuseListEntry.Kind.EMAIL: case.reporter_email,
        AbuseListEntry.Kind.ADDRESS: case.reporter_address,
    }
    raw = values.get(kind)
    if raw is None:
        raise ValidationError({"kind": _("Choose what to put on the list.")})
    value = normalize_contact(kind, raw)
    if not value:
        raise ValidationError({"kind": _("The reporter gave none.")})
    entry, created = AbuseListEntry.objects.get_or_create(
        kind=kind, value=value, active=True,
        defaults={"reason": reason, "added_by": actor.user, "added_at": now},
    )
    if created:
        _log(case, CaseEvent.Kind.ABUSE_LISTED, actor, now, note=reason, data={"kind": kind})
    return entry


@transaction.atomic
def release_hold(*, case_id: int, actor: Actor, now: datetime, note: str = "") -> Case:
    """Release a held case (Art. 18.2) into the normal intake queue. Coordinator only."""
    _require_coordinator(actor)
    case = _lock_case(case_id)
    if not case.on_hold:
        raise TransitionRefused(_("This case is not held for moderation."))
    case.on_hold = False
    case.save(update_fields=["on_hold", "updated_at"])
    _log(case, CaseEvent.Kind.RELEASED, actor, now, note=normalize_text(note))
    return case


@transaction.atomic
def close_as_duplicate(*, case_id: int, original_id: int, note: str = "", actor: Actor,
                       now: datetime) -> Case:
    """Close a case at intake as a duplicate of another that the units are handling.

    Coordinator only (the transition's permission). The case leaves every queue (no
    deadline); its reporter is told the original's tracking code now, and is told again
    when the original is published (publication.publish_case). Refused, with nothing
    changed, for a case past intake and for an original not dispatched, confidential or
    itself closed (Case.close_as_duplicate). An original already published: the reporter
    is sent its answer at once.
    """
    # Both rows locked in id order, as every service does: no deadlock with another
    # coordinator closing the pair the other way round.
    if not Case.objects.filter(pk=original_id).exists():
        raise ValidationError({"original": _("No such case.")})
    locked = {pk: _lock_case(pk) for pk in sorted({case_id, original_id})}
    case, original = locked[case_id], locked[original_id]
    note = normalize_text(note)
    states = _fire(case, "close_as_duplicate", actor, original=original)
    _end_stage(case, now)
    case.save()
    event = _log(case, CaseEvent.Kind.CLOSED_AS_DUPLICATE, actor, now, states, note=note,
                 data={"original": original.pk})
    if original.state == Case.State.PUBLISHED:
        # Already answered: the reporter is sent the answer at once.
        template, context = duplicate_answer(case, original, original.visibility)
    else:
        template, context = "case_duplicate", {"code": case.display_code,
                                               "original": original.display_code}
    _notify_reporter(case, event, template, context)
    return case


@transaction.atomic
def dismiss_duplicate(*, case_id: int, other_id: int, actor: Actor, now: datetime) -> Case:
    """Dismiss the suggestion that two cases are one: neither page lists the other again.

    Coordinator only; refused for a pair not suggested, or already dismissed.
    """
    _require_coordinator(actor)
    case = _lock_case(case_id)
    pair = DuplicateCandidate.objects.filter(
        case_id__in=(case_id, other_id), other_id__in=(case_id, other_id), dismissed_at=None
    ).exclude(case_id=models.F("other_id"))
    if not pair.update(dismissed_at=now):
        raise TransitionRefused(_("This case is not listed as a possible duplicate."))
    _log(case, CaseEvent.Kind.DUPLICATE_DISMISSED, actor, now, data={"other": other_id})
    return case
