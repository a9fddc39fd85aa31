"""The coordinator's other powers (Art. 4.8, 13.8, 17.6, 18): reveal the reporter to a
unit, escalate to the leadership, mark a report valuable, the abuse list and its holds."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from config.text import normalize_text
from routing.selectors import Actor

from ..errors import TransitionRefused
from ..models import (
    AbuseListEntry,
    Assignment,
    Case,
    CaseEvent,
)
from ..models.moderation import normalize_contact
from .common import _lock_assignment, _lock_case, _log, _require_coordinator, _required_text
from .messages import notify_staff


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
