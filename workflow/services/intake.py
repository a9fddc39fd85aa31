"""Intake (Art. 6–7): a case is recorded from any channel, classified, sent back for
verification or rejected, and dispatched to units."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from config.retry import retry_on_conflict
from config.text import normalize_line, normalize_text
from routing.models import Area, Category, Unit
from routing.recipients import coordinators_to_mail
from routing.selectors import REPORTER, Actor, unit_member_ids

from ..errors import TransitionRefused
from ..models import (
    AbuseListEntry,
    Assignment,
    Case,
    CaseEvent,
)
from ..track_links import link_hash_for
from ..worktime import get_calendar
from .common import (
    INTAKE_HOURS,
    RETURN_WINDOW_DAYS,
    _end_stage,
    _fire,
    _follow_assignments,
    _lock_case,
    _log,
    _start_stage,
)
from .messages import (
    _notify_reporter,
    _reporter_messages,
    _staff_messages,
    notify_staff,
    send_outbox,
)

# The unique index a new case's random tracking code may meet (workflow.models.cases.Case).
TRACKING_CODE_UNIQUE = "case_tracking_code_unique"


def record_case(
    *,
    channel: str,
    title: str,
    content: str,
    reporter_name: str,
    reporter_phone: str = "",
    reporter_email: str = "",
    reporter_address: str = "",
    is_confidential: bool = False,
    location_text: str = "",
    latitude: Decimal | float | None = None,
    longitude: Decimal | float | None = None,
    occurred_at: datetime | None = None,
    category: Category | None = None,
    area: Area | None = None,
    idempotency_key: str | None = None,
    language: str = "vi",
    by: Actor | None = None,
    now: datetime,
    contact_via_channel: bool = False,
    declined_channels: Iterable[str] = (),
    tracking_code: str | None = None,
) -> Case:
    """Record a new case from any channel and start the coordinator's 4 working hours.

    `contact_via_channel` waives the phone-or-e-mail rule for Facebook and Zalo, whose
    reporter is answered through the platform (the caller stores the platform's sender id).
    `declined_channels` ("sms", "email") are not used to tell the reporter of this receipt;
    the caller records the choice (feedback.Consent) for the later events.
    `tracking_code`: the one the reporter was already given (the web form's intake);
    otherwise a new one.

    Runs inside the caller's transaction and raises IntegrityError on a repeated key or a
    tracking code already taken: receive_case, or receive_once for a caller that writes
    more in the same transaction, handles both.
    """
    if channel not in Case.Channel.values:
        raise ValidationError({"channel": _("Unknown channel.")})
    case = Case(
        channel=channel,
        received_at=now,
        idempotency_key=idempotency_key or None,
        title=normalize_line(title),
        content=normalize_text(content),
        reporter_name=normalize_line(reporter_name),
        reporter_phone=normalize_line(reporter_phone).replace(" ", ""),
        reporter_email=normalize_line(reporter_email).lower(),
        reporter_address=normalize_line(reporter_address),
        reporter_language=language,
        is_confidential=is_confidential,
        location_text=normalize_line(location_text),
        latitude=latitude,
        longitude=longitude,
        occurred_at=occurred_at,
        category=category,
        area=area,
        created_by=by.user if by and by.user else None,
    )
    if tracking_code:
        case.tracking_code = tracking_code
    missing = {
        name: _("This field is required.")
        for name in ("title", "content", "reporter_name")
        if not getattr(case, name)
    }
    reachable_on_platform = contact_via_channel and channel in (
        Case.Channel.FACEBOOK, Case.Channel.ZALO
    )
    if not (case.reporter_phone or case.reporter_email or reachable_on_platform):
        missing["reporter_phone"] = _("Give a phone number or an e-mail address.")
    if missing:
        raise ValidationError(missing)
    if not case.reporter_phone:
        # Code and phone cannot open it: the reporter's messages carry a private link.
        case.track_link_hash = link_hash_for(case.tracking_code)
    # Art. 18.2: a listed phone or e-mail waits for the coordinator, outside the intake queue;
    # the intake clock still runs, since releasing or rejecting it is the coordinator's step.
    case.on_hold = AbuseListEntry.objects.matching(
        phone=case.reporter_phone, email=case.reporter_email
    ).exists()
    _start_stage(case, now, get_calendar().add_working_hours(now, INTAKE_HOURS))
    # A repeated idempotency key or a tracking code already taken is told by their unique
    # indexes: the IntegrityError ends the transaction, and receive_once decides.
    case.save()
    # A citizen's own submission is the reporter's act; the hotline is typed in by staff.
    event = _log(case, CaseEvent.Kind.RECEIVED, by or REPORTER, now, ("", case.state),
                 data={"channel": channel, "on_hold": case.on_hold})
    # The reporter's receipt and the coordinators' e-mails: one insert.
    send_outbox(
        _reporter_messages(case, event, "case_received", {"code": case.display_code},
                           declined=declined_channels)
        + _staff_messages(case, f"event:{event.pk}", coordinators_to_mail(),
                          "staff_case_received", now, event=event, checked=True),
        new_event=True,
    )
    return case


def receive_once(work: Callable[[], Case], idempotency_key: str | None) -> tuple[Case, bool]:
    """Run `work` (a record_case and what goes with it) in a transaction of its own (a
    savepoint inside the caller's) and return (case, True); or, when its insert met the
    first case of the same `idempotency_key` (a double submit, a retry, a second worker),
    that case and False. A tracking code already taken (a collision of 50 random bits)
    runs `work` again with a new one. No look-up and no savepoint before the insert: the
    unique indexes answer.
    """
    try:
        return retry_on_conflict(work, naming=TRACKING_CODE_UNIQUE), True
    except IntegrityError:
        existing = (Case.objects.filter(idempotency_key=idempotency_key).first()
                    if idempotency_key else None)
        if existing is None:
            raise
        return existing, False


def receive_case(**fields: Any) -> Case:
    """Record a new case from any channel (record_case), once per idempotency key."""
    return receive_once(lambda: record_case(**fields), fields.get("idempotency_key"))[0]


@transaction.atomic
def classify_case(*, case_id: int, category: Category | None, actor: Actor, now: datetime,
                  is_state_secret: bool | None = None, area: Area | None = None) -> Case:
    """Classify a received case (Art. 7.3b). `area`, a commune or ward, sets or corrects
    the case's area; None keeps the one it has (the reporter's, or none)."""
    case = _lock_case(case_id)
    if case.on_hold:
        raise TransitionRefused(_("This case is held for moderation: release it first."))
    states = _fire(case, "classify", actor, category=category)
    if is_state_secret is not None:
        case.is_state_secret = is_state_secret
    if area is not None:
        case.area = area
    case.save()
    _log(case, CaseEvent.Kind.CLASSIFIED, actor, now, states,
         data={"category": category.pk if category else None, "area": case.area_id})
    return case


@transaction.atomic
def send_back_for_verification(*, case_id: int, reason: str, actor: Actor, now: datetime) -> Case:
    case = _lock_case(case_id)
    reason = normalize_text(reason)
    states = _fire(case, "send_back_for_verification", actor, reason=reason)
    case.save()
    _log(case, CaseEvent.Kind.SENT_BACK_FOR_VERIFICATION, actor, now, states, note=reason)
    return case


@transaction.atomic
def reject_case(*, case_id: int, reason: str, note: str = "", actor: Actor, now: datetime) -> Case:
    case = _lock_case(case_id)
    note = normalize_text(note)
    states = _fire(case, "reject", actor, reason=reason, note=note)
    _end_stage(case, now)
    case.save()
    event = _log(case, CaseEvent.Kind.REJECTED, actor, now, states, note=note,
                 data={"reason": reason})
    # The note is the coordinator's word to the reporter (the form's "Note to the reporter").
    _notify_reporter(case, event, "case_rejected",
                     {"code": case.display_code, "reason": reason, "note": note})
    return case


@transaction.atomic
def dispatch_case(
    *, case_id: int, unit_ids: Sequence[int], actor: Actor, now: datetime, instructions: str = ""
) -> list[Assignment]:
    """Send a classified case to one or several units (Art. 7.3c), or re-route a returned one.

    Units that already hold an active assignment keep it. Each new assignment has one
    working day for the unit to accept or return it (Art. 8.2b). While other units still
    hold the case, only a returned share is re-routed: to at least one new unit.
    """
    case = _lock_case(case_id)
    shares = list(case.assignments.values_list("unit_id", "state"))
    active_units = {unit for unit, state in shares if state != Assignment.State.RETURNED}
    rerouting = case.state in (Case.State.ASSIGNED, Case.State.PROCESSED, Case.State.APPROVED)
    if rerouting and all(state != Assignment.State.RETURNED for _unit, state in shares):
        raise TransitionRefused(_("No unit returned this case: there is nothing to re-route."))
    units = list(Unit.objects.filter(pk__in=set(unit_ids) - active_units, is_active=True))
    if len(units) != len(set(unit_ids) - active_units):
        raise ValidationError({"units": _("Choose active units only.")})
    states = _fire(case, "dispatch", actor, active_assignments=len(active_units) + len(units),
                   new_assignments=len(units) if rerouting else None)
    due = get_calendar().add_working_days(now, RETURN_WINDOW_DAYS)
    created = []
    for unit in units:
        assignment = Assignment(case=case, unit=unit, assigned_at=now,
                                assigned_by=actor.user, instructions=normalize_text(instructions))
        _start_stage(assignment, now, due)
        created.append(assignment)
    Assignment.objects.bulk_create(created)
    _end_stage(case, now)
    case.save()
    first_dispatch = not case.events.filter(kind=CaseEvent.Kind.DISPATCHED).exists()
    event = _log(case, CaseEvent.Kind.DISPATCHED, actor, now, states,
                 note=normalize_text(instructions), data={"units": [u.pk for u in units]})
    for assignment in created:
        notify_staff(case, f"event:{event.pk}:u{assignment.unit_id}",
                     unit_member_ids(assignment.unit_id), "staff_case_dispatched", now,
                     event=event)
    if first_dispatch:  # a re-route after a unit's return is news to nobody outside
        _notify_reporter(case, event, "case_dispatched", {"code": case.display_code})
    _follow_assignments(case, actor, now)
    return created
