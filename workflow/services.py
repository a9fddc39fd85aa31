"""Every change to a case or an assignment, each in one transaction with its event.

A service locks the rows it changes, fires the transition (which checks the actor's right
and the input), stores the next stage's deadline, writes the event and the outgoing
messages, and moves the case along when its assignments have all moved. Nothing here needs
Redis: outgoing messages are rows in the outbox, written in the same transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed, has_transition_perm

from config.text import normalize_line, normalize_text
from routing.models import Area, Category, Unit
from routing.recipients import coordinators_to_mail
from routing.selectors import REPORTER, SYSTEM, Actor, unit_member_ids

from .errors import TransitionRefused
from .models import (
    AbuseListEntry,
    Assignment,
    Case,
    CaseEvent,
    Draft,
    DraftPhoto,
    Extension,
    OutboxMessage,
    Visibility,
)
from .models.moderation import normalize_contact
from .reporters import declined_channels
from .worktime import get_calendar

# Deadlines of WORKFLOW.md, in working time.
INTAKE_HOURS = 4  # Art. 7.2
PUBLISH_HOURS = 4  # Art. 10.2
RETURN_WINDOW_DAYS = 1  # Art. 8.2b
APPROVAL_DAYS = 1  # Art. 9.2
REVISION_MINUTES = 30  # Art. 10.4
REDISTRIBUTION_MINUTES = 60  # Art. 10.4


# --- Helpers -------------------------------------------------------------------------------
def _fire(obj: Case | Assignment, name: str, actor: Actor, **kwargs) -> tuple[str, str]:
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
    if not has_transition_perm(method, actor):
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
    kind: str,
    actor: Actor,
    now: datetime,
    states: tuple[str, str] = ("", ""),
    *,
    assignment: Assignment | None = None,
    note: str = "",
    data: dict | None = None,
) -> CaseEvent:
    label = "system" if actor.is_system else "reporter" if actor.is_reporter else ""
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


def queue_outbox_delivery(keys: Iterable[str] = (), *, ids: Iterable[int] = ()) -> None:
    """Once the transaction commits, hand the outbox rows to the delivery task: those of
    `ids`, and those of `keys` that are still pending (looked up after the commit).

    One task per transaction, whatever the number of rows. Best effort: with Redis down
    the request still succeeds, and the rows wait, pending, for the beat's
    deliver_outbox_task (SECURITY RE1). Logs row ids only (AU3).
    """
    keys, ids = list(keys), list(ids)
    if not (keys or ids):
        return

    def queue() -> None:
        from .tasks import deliver_messages_task

        pending = ids + (list(OutboxMessage.objects.filter(
            key__in=keys, status=OutboxMessage.Status.PENDING
        ).values_list("pk", flat=True)) if keys else [])
        if not pending:
            return
        try:
            # No publish retries: a request must not wait for a broker that is down.
            deliver_messages_task.apply_async((pending,), retry=False)
        except Exception as exc:
            logging.getLogger("workflow.notifications").warning(
                "outbox %s: not queued (%s); the beat will send them",
                ", ".join(map(str, pending)), type(exc).__name__,
            )

    transaction.on_commit(queue, robust=True)


def send_outbox(rows: Sequence[OutboxMessage], *, new_event: bool = False) -> None:
    """Write the outbox rows and queue them once the transaction commits.

    A row's key makes it once only: a key already written is skipped. Rows of an event
    written in this transaction (`new_event`) cannot have been written before: they are
    inserted as they are, and their ids go to the task without a lookup.
    """
    if not rows:
        return
    if new_event:
        created = OutboxMessage.objects.bulk_create(rows)
        if all(row.pk for row in created):
            queue_outbox_delivery(ids=[row.pk for row in created])
            return
    else:
        OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True)
    queue_outbox_delivery(row.key for row in rows)


def _notify_reporter(case: Case, event: CaseEvent, template: str, context: dict | None = None,
                     *, declined: Iterable[str] | None = None) -> None:
    """One SMS (and one e-mail where given) to the reporter for this event, except on a
    channel the reporter declined (`declined`, else as the reporter's app records it)."""
    send_outbox(_reporter_messages(case, event, template, context, declined=declined),
                new_event=True)


def _reporter_messages(case: Case, event: CaseEvent, template: str,
                       context: dict | None = None, *,
                       declined: Iterable[str] | None = None) -> list[OutboxMessage]:
    declined = declined_channels(case) if declined is None else set(declined)
    rows = []
    for channel, address in (
        (OutboxMessage.Channel.SMS, case.reporter_phone),
        (OutboxMessage.Channel.EMAIL, case.reporter_email),
        # Facebook and Zalo reporters also hear back through the platform (its sender id
        # is kept by the app that received the message, read at send time: workflow.reporters).
        (OutboxMessage.Channel.CHANNEL,
         case.channel in (Case.Channel.FACEBOOK, Case.Channel.ZALO)),
    ):
        if address and channel not in declined:
            rows.append(
                OutboxMessage(
                    key=f"event:{event.pk}:{channel}:reporter",
                    case=case, event=event, channel=channel, to_reporter=True,
                    template=template, context=context or {}, language=case.reporter_language,
                    created_at=event.at, next_attempt_at=event.at,
                )
            )
    return rows


def notify_staff(
    case: Case, key: str, user_ids: Iterable[int] | QuerySet, template: str, at: datetime,
    *, event: CaseEvent | None = None, context: dict | None = None, checked: bool = False,
) -> None:
    """One e-mail per staff member for this event or alert (`key` makes it once only).
    `user_ids` may be a query of ids: it then runs as a subquery. `checked`: they are
    already the active users who have an address (routing.recipients)."""
    send_outbox(_staff_messages(case, key, user_ids, template, at, event=event,
                                context=context, checked=checked))


def _staff_messages(
    case: Case, key: str, user_ids: Iterable[int] | QuerySet, template: str, at: datetime,
    *, event: CaseEvent | None = None, context: dict | None = None, checked: bool = False,
) -> list[OutboxMessage]:
    """`checked`: `user_ids` are already the active users who have an address."""
    if not checked:
        ids = user_ids if isinstance(user_ids, QuerySet) else set(user_ids)
        users = get_user_model().objects.filter(pk__in=ids, is_active=True).exclude(email="")
        user_ids = users.values_list("pk", flat=True)
    return [
        OutboxMessage(
            key=f"{key}:email:{user_id}", case=case, event=event,
            channel=OutboxMessage.Channel.EMAIL, recipient_user_id=user_id,
            template=template, context=context or {}, created_at=at, next_attempt_at=at,
        )
        for user_id in user_ids
    ]


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


# --- Intake (Art. 6–7) -----------------------------------------------------------------------
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
    latitude=None,
    longitude=None,
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
    event = _log(case, "received", by or REPORTER, now, ("", case.state),
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
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return work(), True
        except IntegrityError as error:
            existing = (Case.objects.filter(idempotency_key=idempotency_key).first()
                        if idempotency_key else None)
            if existing is not None:
                return existing, False
            if "tracking_code" not in str(error):
                raise
    raise RuntimeError("Could not allocate a tracking code")  # pragma: no cover


def receive_case(**fields: Any) -> Case:
    """Record a new case from any channel (record_case), once per idempotency key."""
    return receive_once(lambda: record_case(**fields), fields.get("idempotency_key"))[0]


@transaction.atomic
def classify_case(*, case_id: int, category: Category | None, actor: Actor, now: datetime,
                  is_state_secret: bool | None = None) -> Case:
    case = _lock_case(case_id)
    if case.on_hold:
        raise TransitionRefused(_("This case is held for moderation: release it first."))
    states = _fire(case, "classify", actor, category=category)
    if is_state_secret is not None:
        case.is_state_secret = is_state_secret
    case.save()
    _log(case, "classified", actor, now, states,
         data={"category": category.pk if category else None})
    return case


@transaction.atomic
def send_back_for_verification(*, case_id: int, reason: str, actor: Actor, now: datetime) -> Case:
    case = _lock_case(case_id)
    reason = normalize_text(reason)
    states = _fire(case, "send_back_for_verification", actor, reason=reason)
    case.save()
    _log(case, "sent_back_for_verification", actor, now, states, note=reason)
    return case


@transaction.atomic
def reject_case(*, case_id: int, reason: str, note: str = "", actor: Actor, now: datetime) -> Case:
    case = _lock_case(case_id)
    note = normalize_text(note)
    states = _fire(case, "reject", actor, reason=reason, note=note)
    _end_stage(case, now)
    case.save()
    event = _log(case, "rejected", actor, now, states, note=note, data={"reason": reason})
    _notify_reporter(case, event, "case_rejected",
                     {"code": case.display_code, "reason": reason})
    return case


@transaction.atomic
def dispatch_case(
    *, case_id: int, unit_ids: Sequence[int], actor: Actor, now: datetime, instructions: str = ""
) -> list[Assignment]:
    """Send a classified case to one or several units (Art. 7.3c), or re-route a returned one.

    Units that already hold an active assignment keep it. Each new assignment has one
    working day for the unit to accept or return it (Art. 8.2b).
    """
    case = _lock_case(case_id)
    active_units = set(
        case.assignments.exclude(state=Assignment.State.RETURNED).values_list("unit_id", flat=True)
    )
    units = list(Unit.objects.filter(pk__in=set(unit_ids) - active_units, is_active=True))
    if len(units) != len(set(unit_ids) - active_units):
        raise ValidationError({"units": _("Choose active units only.")})
    states = _fire(case, "dispatch", actor, active_assignments=len(active_units) + len(units))
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
    first_dispatch = not case.events.filter(kind="dispatched").exists()
    event = _log(case, "dispatched", actor, now, states, note=normalize_text(instructions),
                 data={"units": [u.pk for u in units]})
    for assignment in created:
        notify_staff(case, f"event:{event.pk}:u{assignment.unit_id}",
                     unit_member_ids(assignment.unit_id), "staff_case_dispatched", now,
                     event=event)
    if first_dispatch:  # a re-route after a unit's return is news to nobody outside
        _notify_reporter(case, event, "case_dispatched", {"code": case.display_code})
    _follow_assignments(case, actor, now)
    return created


# --- The unit (Art. 8) ----------------------------------------------------------------------
@transaction.atomic
def accept_assignment(*, assignment_id: int, actor: Actor, now: datetime) -> Assignment:
    assignment = _lock_assignment(assignment_id)
    states = _fire(assignment, "accept", actor, now=now, by_id=actor.user_id)
    due = get_calendar().add_working_days(now, assignment.unit.processing_days)
    assignment.processing_due_at = due
    _start_stage(assignment, now, due)
    assignment.save()
    _log(assignment.case, "accepted", actor, now, states, assignment=assignment)
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
    event = _log(case, "returned", actor, now, states, assignment=assignment, note=reason)
    if can_proceed(case.back_to_coordinator):
        case_states = _fire(case, "back_to_coordinator", SYSTEM)
        _start_stage(case, now, get_calendar().add_working_hours(now, INTAKE_HOURS))
        case.save()
        _log(case, "back_to_coordinator", actor, now, case_states, data={"automatic": True})
    notify_staff(case, f"event:{event.pk}", coordinators_to_mail(), "staff_case_returned", now,
                 event=event, checked=True)
    return assignment


@transaction.atomic
def extend_assignment(
    *, assignment_id: int, reason: str, new_due: date | datetime | None, actor: Actor,
    now: datetime,
) -> Extension:
    """A reason and an expected date, filed before the deadline, which becomes the new one."""
    assignment = _lock_assignment(assignment_id)
    reason = normalize_text(reason)
    if isinstance(new_due, date) and not isinstance(new_due, datetime):
        new_due = close_of_business(new_due)
    previous = assignment.due_at
    states = _fire(assignment, "extend", actor, reason=reason, new_due_at=new_due, now=now)
    _start_stage(assignment, now, new_due)
    assignment.save()
    extension = Extension.objects.create(
        assignment=assignment, reason=reason, previous_due_at=previous, new_due_at=new_due,
        requested_by=actor.user, requested_at=now,
    )
    _log(assignment.case, "extended", actor, now, states, assignment=assignment, note=reason,
         data={"previous_due_at": previous.isoformat() if previous else None,
               "new_due_at": new_due.isoformat()})
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
    event = _log(assignment.case, "draft_submitted", actor, now, states, assignment=assignment,
                 data={"draft": draft.pk, "version": version})
    notify_staff(assignment.case, f"event:{event.pk}",
                 unit_member_ids(assignment.unit_id, "leader"), "staff_draft_submitted", now,
                 event=event)
    _follow_assignments(assignment.case, actor, now)
    return draft


# --- The leader (Art. 9) ----------------------------------------------------------------------
@transaction.atomic
def approve_assignment(
    *, assignment_id: int, actor: Actor, now: datetime, edited_body: str | None = None
) -> Assignment:
    """Approve the unit's draft; with `edited_body`, edit and approve in one step (Art. 9.3)."""
    assignment = _lock_assignment(assignment_id)
    states = _fire(assignment, "approve", actor, now=now)
    current = assignment.drafts.order_by("-version").first()
    if edited_body is not None and current is not None:
        edited_body = normalize_text(edited_body)
        if not edited_body:
            raise ValidationError({"body": _("This field is required.")})
        if edited_body != current.body:
            _new_version(current, body=edited_body, author=actor, now=now)
    _end_stage(assignment, now)
    assignment.save()
    _log(assignment.case, "approved", actor, now, states, assignment=assignment,
         data={"edited": edited_body is not None and current is not None
               and edited_body != current.body})
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
    _log(assignment.case, "returned_to_staff", actor, now, states, assignment=assignment,
         note=note)
    _follow_assignments(assignment.case, actor, now)
    return assignment


# --- The coordinator after approval (Art. 10) -------------------------------------------------
@transaction.atomic
def send_back_to_unit(
    *, assignment_id: int, rework: str, note: str, actor: Actor, now: datetime
) -> Assignment:
    """A revision (form not met: 30 minutes) or a redistribution (1 hour, late time charged
    to the unit) of an approved result, while the case waits for publication."""
    assignment = _lock_assignment(assignment_id)
    if assignment.case.state != Case.State.APPROVED:
        raise TransitionRefused(_("Only a case waiting for publication can be sent back."))
    minutes = {
        Assignment.Rework.REVISION: REVISION_MINUTES,
        Assignment.Rework.REDISTRIBUTION: REDISTRIBUTION_MINUTES,
    }.get(rework)
    if minutes is None:
        raise ValidationError({"rework": _("Choose why the result goes back to the unit.")})
    note = normalize_text(note)
    states = _fire(assignment, "send_back", actor, rework=rework, note=note)
    due = get_calendar().add_working_minutes(now, minutes)
    assignment.processing_due_at = due
    _start_stage(assignment, now, due)
    assignment.save()
    event = _log(assignment.case, f"sent_back_{rework}", actor, now, states,
                 assignment=assignment, note=note)
    notify_staff(assignment.case, f"event:{event.pk}", unit_member_ids(assignment.unit_id),
                 "staff_sent_back", now, event=event)
    _follow_assignments(assignment.case, actor, now)
    return assignment


@transaction.atomic
def publish_case(
    *, case_id: int, visibility: str, reply_text: str, actor: Actor, now: datetime
) -> Case:
    """Publish the approved reply: public, to the reporter only, or not at all (Art. 10.3)."""
    case = _lock_case(case_id)
    reply_text = normalize_text(reply_text)
    states = _fire(case, "publish", actor, visibility=visibility, reply_text=reply_text, now=now)
    _end_stage(case, now)
    case.save()
    event = _log(case, "published", actor, now, states, data={"visibility": visibility})
    template = {
        Visibility.PUBLIC: "reply_published",
        Visibility.CONFIDENTIAL: "reply_private",
        Visibility.STATE_SECRET: "reply_offline",
    }[visibility]
    _notify_reporter(case, event, template, {"code": case.display_code})
    return case


# --- After publication (Art. 10.4, 11) --------------------------------------------------------
@transaction.atomic
def reopen_case(*, case_id: int, actor: Actor, now: datetime, note: str = "") -> Case:
    """An unsatisfied rating: the case goes back to the coordinator to be handled again."""
    case = _lock_case(case_id)
    note = normalize_text(note)
    states = _fire(case, "reopen", actor)
    _start_stage(case, now, get_calendar().add_working_hours(now, INTAKE_HOURS))
    case.save()
    event = _log(case, "reopened", actor, now, states, note=note)
    notify_staff(case, f"event:{event.pk}", coordinators_to_mail(), "staff_case_reopened", now,
                 event=event, checked=True)
    return case


@transaction.atomic
def reprocess_case(
    *, case_id: int, unit_ids: Sequence[int], note: str, actor: Actor, now: datetime
) -> Case:
    """The coordinator hands a reopened case back to units: those that answered before
    handle it again with their full handling time; new units are dispatched as usual."""
    case = _lock_case(case_id)
    note = normalize_text(note)
    if not note:
        raise ValidationError({"note": _("This field is required.")})
    active = {a.unit_id: a for a in case.assignments.select_for_update(of=("self",))
              .select_related("unit")
              .exclude(state=Assignment.State.RETURNED)}
    new_unit_ids = set(unit_ids) - set(active)
    new_units = list(Unit.objects.filter(pk__in=new_unit_ids, is_active=True))
    if len(new_units) != len(new_unit_ids):
        raise ValidationError({"units": _("Choose active units only.")})
    states = _fire(case, "reprocess", actor, units=len(set(unit_ids)))
    _end_stage(case, now)
    case.save()
    event = _log(case, "reprocessed", actor, now, states, note=note,
                 data={"units": sorted(set(unit_ids))})
    calendar = get_calendar()
    for unit_id in set(unit_ids) & set(active):
        assignment = active[unit_id]
        a_states = _fire(assignment, "send_back", actor, rework=Assignment.Rework.REPROCESS,
                         note=note)
        due = calendar.add_working_days(now, assignment.unit.processing_days)
        assignment.processing_due_at = due
        _start_stage(assignment, now, due)
        assignment.save()
        _log(case, "sent_back_reprocess", actor, now, a_states, assignment=assignment, note=note)
    for unit in new_units:
        assignment = Assignment(case=case, unit=unit, assigned_at=now, assigned_by=actor.user,
                                instructions=note)
        _start_stage(assignment, now, calendar.add_working_days(now, RETURN_WINDOW_DAYS))
        assignment.save()
    for unit_id in unit_ids:
        notify_staff(case, f"event:{event.pk}:u{unit_id}", unit_member_ids(unit_id),
                     "staff_case_reprocess", now, event=event)
    _notify_reporter(case, event, "case_reprocessing", {"code": case.display_code})
    _follow_assignments(case, actor, now)
    return case


@transaction.atomic
def keep_result(*, case_id: int, note: str, actor: Actor, now: datetime) -> Case:
    """After an unsatisfied rating, the coordinator and units confirm the reply stands."""
    case = _lock_case(case_id)
    note = normalize_text(note)
    states = _fire(case, "keep_result", actor, note=note)
    _end_stage(case, now)
    case.save()
    _log(case, "result_kept", actor, now, states, note=note)
    return case


# --- Reporter identity (Art. 13.8, 17.6) ------------------------------------------------------
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
    _log(assignment.case, "contact_revealed", actor, now, assignment=assignment, note=reason)
    return assignment


# --- The case follows its assignments -------------------------------------------------------
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
    path = {
        (Case.State.ASSIGNED, Case.State.PROCESSED): ["mark_processed"],
        (Case.State.ASSIGNED, Case.State.APPROVED): ["mark_approved"],
        (Case.State.PROCESSED, Case.State.APPROVED): ["mark_approved"],
        (Case.State.PROCESSED, Case.State.ASSIGNED): ["back_to_units"],
        (Case.State.APPROVED, Case.State.ASSIGNED): ["back_to_units"],
        (Case.State.APPROVED, Case.State.PROCESSED): ["back_to_units", "mark_processed"],
    }.get((case.state, target), [])
    for name in path:
        case_states = _fire(case, name, SYSTEM)
        _log(case, name, actor, now, case_states, data={"automatic": True})
    if not path:
        return
    if case.state == Case.State.APPROVED:
        _start_stage(case, now, get_calendar().add_working_hours(now, PUBLISH_HOURS))
        notify_staff(case, f"approved:{case.pk}:{case.stage_seq}", coordinators_to_mail(),
                     "staff_case_approved", now, checked=True)
    else:
        _end_stage(case, now)
    case.save()


# --- Supervision and moderation (Art. 4.8, 18) -------------------------------------------------
def _require_coordinator(actor: Actor) -> None:
    if not actor.is_coordinator:
        raise PermissionDenied(_("Your role does not allow this action."))


def _required_text(name: str, value: str) -> str:
    value = normalize_text(value)
    if not value:
        raise ValidationError({name: _("This field is required.")})
    return value


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
    event = _log(case, "escalated", actor, now, note=summary)
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
    _log(case, "marked_valuable", actor, now, note=reason)
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
    raw = {
        AbuseListEntry.Kind.PHONE: case.reporter_phone,
        AbuseListEntry.Kind.EMAIL: case.reporter_email,
        AbuseListEntry.Kind.ADDRESS: case.reporter_address,
    }.get(kind)
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
        _log(case, "abuse_listed", actor, now, note=reason, data={"kind": kind})
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
    _log(case, "released", actor, now, note=normalize_text(note))
    return case
