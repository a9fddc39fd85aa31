"""After approval (Art. 10–11): the coordinator sends a result back or publishes it; an
unsatisfied rating reopens the case, which is handled again or kept as it was."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from config.text import normalize_text
from routing.models import Unit
from routing.recipients import coordinators_to_mail
from routing.selectors import Actor, unit_member_ids

from ..errors import TransitionRefused
from ..models import (
    Assignment,
    Case,
    CaseEvent,
    Visibility,
)
from ..models.events import EventKind
from ..worktime import get_calendar
from .common import (
    INTAKE_HOURS,
    REDISTRIBUTION_MINUTES,
    RETURN_WINDOW_DAYS,
    REVISION_MINUTES,
    _end_stage,
    _fire,
    _follow_assignments,
    _lock_assignment,
    _lock_case,
    _log,
    _start_stage,
)
from .messages import _notify_reporter, _reporter_messages, notify_staff, send_outbox


@transaction.atomic
def send_back_to_unit(
    *, assignment_id: int, rework: str, note: str, actor: Actor, now: datetime
) -> Assignment:
    """A revision (form not met: 30 minutes) or a redistribution (1 hour, late time charged
    to the unit) of an approved result, while the case waits for publication."""
    assignment = _lock_assignment(assignment_id)
    if assignment.case.state != Case.State.APPROVED:
        raise TransitionRefused(_("Only a case waiting for publication can be sent back."))
    rework_kinds: dict[str, tuple[int, EventKind]] = {
        Assignment.Rework.REVISION: (REVISION_MINUTES, CaseEvent.Kind.SENT_BACK_REVISION),
        Assignment.Rework.REDISTRIBUTION: (REDISTRIBUTION_MINUTES,
                                           CaseEvent.Kind.SENT_BACK_REDISTRIBUTION),
    }
    if rework not in rework_kinds:
        raise ValidationError({"rework": _("Choose why the result goes back to the unit.")})
    minutes, kind = rework_kinds[rework]
    note = normalize_text(note)
    states = _fire(assignment, "send_back", actor, rework=rework, note=note)
    due = get_calendar().add_working_minutes(now, minutes)
    assignment.processing_due_at = due
    _start_stage(assignment, now, due)
    assignment.save()
    event = _log(assignment.case, kind, actor, now, states,
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
    event = _log(case, CaseEvent.Kind.PUBLISHED, actor, now, states,
                 data={"visibility": visibility})
    templates: dict[str, str] = {
        Visibility.PUBLIC: "reply_published",
        Visibility.CONFIDENTIAL: "reply_private",
        Visibility.STATE_SECRET: "reply_offline",
    }
    template = templates[visibility]
    _notify_reporter(case, event, template, {"code": case.display_code})
    _notify_duplicates(case, event, visibility)
    return case


def _notify_duplicates(case: Case, event: CaseEvent, visibility: str) -> None:
    """Tell the reporter of each case closed as a duplicate of this one that it is answered.
    One message per duplicate and channel, keyed by the publication's event and the duplicate."""
    rows = []
    for duplicate in case.duplicates.filter(state=Case.State.DUPLICATE):
        template, context = duplicate_answer(duplicate, case, visibility)
        for row in _reporter_messages(duplicate, event, template, context):
            row.key = f"{row.key}:dup{duplicate.pk}"
            rows.append(row)
    send_outbox(rows, new_event=True)


def duplicate_answer(duplicate: Case, original: Case, visibility: str) -> tuple[str, dict]:
    """The message telling a duplicate's reporter that the original is answered: with the
    public answer's link, or, for a reply that is not public (Art. 10.3b-c), without it
    (that reply is the original reporter's alone)."""
    from django.conf import settings

    from ..answer_links import answer_path

    path = answer_path(original.pk) if visibility == Visibility.PUBLIC else ""
    context = {"code": duplicate.display_code, "original": original.display_code,
               "answer_url": settings.PROVINCE["portal_url"].rstrip("/") + path if path else ""}
    return ("duplicate_answered" if path else "duplicate_answered_offline"), context


@transaction.atomic
def reopen_case(*, case_id: int, actor: Actor, now: datetime, note: str = "") -> Case:
    """An unsatisfied rating: the case goes back to the coordinator to be handled again."""
    case = _lock_case(case_id)
    note = normalize_text(note)
    states = _fire(case, "reopen", actor)
    _start_stage(case, now, get_calendar().add_working_hours(now, INTAKE_HOURS))
    case.save()
    event = _log(case, CaseEvent.Kind.REOPENED, actor, now, states, note=note)
    notify_staff(case, f"event:{event.pk}", coordinators_to_mail(), "staff_case_reopened", now,
                 event=event, checked=True)
    _notify_reporter(case, event, "case_reopened", {"code": case.display_code})
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
    event = _log(case, CaseEvent.Kind.REPROCESSED, actor, now, states, note=note,
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
        _log(case, CaseEvent.Kind.SENT_BACK_REPROCESS, actor, now, a_states, assignment=assignment,
             note=note)
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
    """After an unsatisfied rating, the coordinator and units confirm the reply stands; the
    reporter is told (the note is the staff's record, not sent)."""
    case = _lock_case(case_id)
    note = normalize_text(note)
    states = _fire(case, "keep_result", actor, note=note)
    _end_stage(case, now)
    case.save()
    event = _log(case, CaseEvent.Kind.RESULT_KEPT, actor, now, states, note=note)
    _notify_reporter(case, event, "case_result_kept", {"code": case.display_code})
    return case
