"""Reporters' requests about their personal data (SECURITY DP7).

A reporter proves who they are as for tracking (the tracking code with the phone they gave),
through the portal or to the coordination centre by hotline, in person or by letter. The
request then covers every case filed with that phone. The coordinator answers it within the
legal time (Decree 356/2025: two working days), and carries it out by the province's own
deadline: an export of what is held, a correction of the contact data, or its erasure. Each
step is audited, never with the data itself (AU3).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from config.text import normalize_line, normalize_text
from routing.audit import record
from routing.models import AuditEvent
from routing.selectors import Actor

from ..errors import TransitionRefused
from ..models import Case, OutboxMessage, SentMessage
from ..notifications.sent import kept_messages_to
from ..worktime import get_calendar
from .inventory import case_data, personal_fields_of
from .models import DataRequest
from .retention import anonymise_cases

CORRECTABLE = ("reporter_name", "reporter_phone", "reporter_email", "reporter_address")
CLOSED_STATES = (Case.State.PUBLISHED, Case.State.REJECTED)


def _require_coordinator(actor: Actor) -> None:
    if not (actor.is_coordinator or actor.is_admin):
        raise PermissionDenied(_("Your role does not allow this action."))


def _lock(request_id: int) -> DataRequest:
    return DataRequest.objects.select_for_update().get(pk=request_id)


def _audit(step: str, data_request: DataRequest, actor: Actor, *, http_request=None,
           **detail: Any) -> None:
    record(AuditEvent.Action.PERSONAL_DATA, request=http_request, actor=actor.user,
           obj=data_request, step=step, kind=data_request.kind, **detail)


def clean_corrections(values: dict[str, str]) -> dict[str, str]:
    """The corrections asked for, normalised; ValidationError names the field at fault."""
    cleaned: dict[str, str] = {}
    errors: dict[str, str] = {}
    for name in CORRECTABLE:
        value = normalize_line(values.get(name))
        if not value:
            continue
        if name == "reporter_phone":
            digits = "".join(ch for ch in value if ch.isdigit() or ch == "+")
            if not 9 <= len(digits.lstrip("+")) <= 15:
                errors[name] = _("Enter a phone number of 9 to 15 digits.")
                continue
            value = digits
        elif name == "reporter_email":
            try:
                validate_email(value)
            except ValidationError:
                errors[name] = _("Enter a valid e-mail address.")
                continue
        cleaned[name] = value
    if errors:
        raise ValidationError(errors)
    if not cleaned:
        raise ValidationError({"reporter_name": _("Write at least one corrected detail.")})
    return cleaned


@transaction.atomic
def file_request(*, case: Case, kind: str, channel: str, actor: Actor, now: datetime,
                 details: str = "", corrections: dict[str, str] | None = None,
                 http_request=None) -> DataRequest:
    """Record a reporter's request about the case's reporter, with its two deadlines.

    The reporter has proved who they are (tracking code with phone, or the coordinator has
    checked by phone or in person). An open request of the same kind from the same person is
    returned as it is: asking twice makes one request.
    """
    if kind not in DataRequest.Kind.values:
        raise ValidationError({"kind": _("Choose what you are asking for.")})
    if channel not in DataRequest.Channel.values:
        raise ValidationError({"channel": _("Choose how the request was received.")})
    if not (actor.is_reporter or actor.is_coordinator or actor.is_admin):
        raise PermissionDenied(_("Your role does not allow this action."))
    details = normalize_text(details)
    cleaned = clean_corrections(corrections or {}) if kind == DataRequest.Kind.CORRECT else {}
    phone = case.reporter_phone
    existing = DataRequest.objects.filter(
        kind=kind, status=DataRequest.Status.OPEN,
        **({"subject_phone": phone} if phone else {"case": case}),
    ).first()
    if existing is not None:
        return existing
    calendar = get_calendar()
    data_request = DataRequest.objects.create(
        kind=kind, channel=channel, case=case, tracking_code=case.tracking_code,
        subject_phone=phone, details=details, corrections=cleaned, received_at=now,
        answer_by=calendar.add_working_days(now, settings.DATA_REQUEST_ANSWER_WORKING_DAYS),
        complete_by=calendar.add_working_days(now, settings.DATA_REQUEST_COMPLETE_WORKING_DAYS),
    )
    _audit("filed", data_request, actor, http_request=http_request, channel=channel)
    return data_request


def cases_of(data_request: DataRequest) -> QuerySet[Case]:
    """Every case the request covers: those filed with the verified phone, or its own."""
    if data_request.subject_phone:
        return Case.objects.filter(reporter_phone=data_request.subject_phone)
    return Case.objects.filter(pk=data_request.case_id)


@transaction.atomic
def answer(*, request_id: int, actor: Actor, now: datetime, note: str = "",
           http_request=None) -> DataRequest:
    """The reporter has been told the request is received and how it goes on (2 working days)."""
    _require_coordinator(actor)
    data_request = _lock(request_id)
    if data_request.answered_at is not None:
        raise TransitionRefused(_("This request has already been answered."))
    data_request.answered_at = now
    data_request.handled_by = actor.user
    if note := normalize_text(note):
        data_request.outcome_note = note
    data_request.save(update_fields=["answered_at", "handled_by", "outcome_note"])
    _audit("answered", data_request, actor, http_request=http_request)
    return data_request


def export(*, data_request: DataRequest, actor: Actor, http_request=None) -> dict[str, Any]:
    """Everything held about the person, as a document for them (a reveal: audited)."""
    _require_coordinator(actor)
    cases = list(cases_of(data_request).order_by("received_at", "pk"))
    ids = [case.pk for case in cases]
    held: dict[int, dict[str, Any]] = {pk: {} for pk in ids}
    for handler in case_data():  # what each app holds about the reporter of each case
        for pk, entries in handler.export(ids).items():
            held[pk].update(entries)
    document = {
        "request": {"kind": data_request.kind, "received_at": data_request.received_at},
        "controller": settings.PROVINCE["coordinator_name"],
        "cases": [
            {
                "tracking_code": case.tracking_code,
                "received_at": case.received_at,
                "channel": case.channel,
                "state": case.state,
                "title": case.title,
                "content": case.content,
                "location": case.location_text,
                **personal_fields_of(case),
                "confidential": case.is_confidential,
                **held[case.pk],
            }
            for case in cases
        ],
    }
    _audit("exported", data_request, actor, http_request=http_request, cases=len(cases))
    return document


def _close(data_request: DataRequest, status: str, actor: Actor, now: datetime,
           note: str) -> None:
    data_request.status = status
    data_request.completed_at = now
    data_request.handled_by = actor.user
    data_request.outcome_note = note
    if data_request.answered_at is None:  # carrying it out answers it too
        data_request.answered_at = now
    data_request.save()


def _open_locked(request_id: int) -> DataRequest:
    data_request = _lock(request_id)
    if not data_request.is_open:
        raise TransitionRefused(_("This request is already closed."))
    return data_request


@transaction.atomic
def complete_access(*, request_id: int, actor: Actor, now: datetime, note: str = "",
                    http_request=None) -> DataRequest:
    """The export has been given to the reporter: close the request."""
    _require_coordinator(actor)
    data_request = _open_locked(request_id)
    if data_request.kind != DataRequest.Kind.ACCESS:
        raise TransitionRefused(_("This is not a request to see the data."))
    _close(data_request, DataRequest.Status.DONE, actor, now, normalize_text(note))
    _audit("completed", data_request, actor, http_request=http_request)
    return data_request


@transaction.atomic
def apply_corrections(*, request_id: int, actor: Actor, now: datetime, note: str = "",
                      http_request=None) -> DataRequest:
    """Write the corrected contact data on every case the request covers, and close it."""
    _require_coordinator(actor)
    data_request = _open_locked(request_id)
    if data_request.kind != DataRequest.Kind.CORRECT:
        raise TransitionRefused(_("This is not a request to correct the data."))
    corrections = clean_corrections(data_request.corrections)
    cases = cases_of(data_request)
    # A queryset update: the cases' own history and deadlines are not touched.
    changed = cases.select_for_update().update(**corrections)
    if "reporter_phone" in corrections:
        data_request.subject_phone = corrections["reporter_phone"]
    _close(data_request, DataRequest.Status.DONE, actor, now, normalize_text(note))
    _audit("corrected", data_request, actor, http_request=http_request,
           fields=sorted(corrections), cases=changed)
    return data_request


@transaction.atomic
def erase(*, request_id: int, actor: Actor, now: datetime, note: str = "",
          http_request=None) -> DataRequest:
    """Erase the person's contact data from every case the request covers.

    A case still being handled needs its reporter's contact to be answered (the regulation's
    legal duty), so erasure waits until every case is closed: refused with that reason.
    What stays is the public record: the question, the reply and the photos.
    """
    _require_coordinator(actor)
    data_request = _open_locked(request_id)
    if data_request.kind != DataRequest.Kind.DELETE:
        raise TransitionRefused(_("This is not a request to delete the data."))
    cases = cases_of(data_request)
    if cases.exclude(state__in=CLOSED_STATES).exists():
        raise TransitionRefused(_(
            "A case of this reporter is still being handled and needs their contact data. "
            "Erase it once the case is closed, or refuse the request with the reason."))
    ids = list(cases.select_for_update().values_list("pk", flat=True))
    kept = _kept_messages_of(ids, data_request)  # matched before the contact data goes
    erased = anonymise_cases(ids)
    kept_deleted, _per_model = kept.delete()
    # Abuse-list entries (AbuseListEntry) holding this phone or e-mail stay: they serve
    # their own purpose under Art. 18.2, holding the listed contact's next reports for the
    # coordinator, which an erasure request does not end; they expire by their own
    # retention (ABUSE_LIST_RETENTION_DAYS).
    phone = data_request.subject_phone
    if phone:  # the requests themselves held the phone and what the person wrote
        DataRequest.objects.filter(subject_phone=phone).update(
            subject_phone="", corrections={}, details="")
    data_request.refresh_from_db()
    _close(data_request, DataRequest.Status.DONE, actor, now, normalize_text(note))
    _audit("erased", data_request, actor, http_request=http_request, cases=erased,
           sent_messages=kept_deleted)
    return data_request


def _kept_messages_of(case_ids: list[int], data_request: DataRequest) -> QuerySet[SentMessage]:
    """The messages kept where no gateway is configured (SentMessage: phone or e-mail and
    the text) that went to the reporter of these cases: to their phone as the request finds
    their cases (one-time codes included), to the cases' e-mail addresses, or as one of the
    cases' outgoing messages to the reporter (a Facebook or Zalo reply, an earlier phone)."""
    contacts = Case.objects.filter(pk__in=case_ids).values_list("reporter_phone",
                                                                "reporter_email")
    phones = {data_request.subject_phone, *(phone for phone, _email in contacts)}
    outbox = (OutboxMessage.objects.filter(case_id__in=case_ids, to_reporter=True)
              .select_related("case").only("key", "case__tracking_code"))
    return kept_messages_to(phones=phones, emails=[email for _phone, email in contacts],
                            references=[message.reference for message in outbox])


@transaction.atomic
def refuse(*, request_id: int, actor: Actor, now: datetime, reason: str,
           http_request=None) -> DataRequest:
    """Close the request without carrying it out, with the reason the reporter is given."""
    _require_coordinator(actor)
    reason = normalize_text(reason)
    if not reason:
        raise ValidationError({"reason": _("This field is required.")})
    data_request = _open_locked(request_id)
    _close(data_request, DataRequest.Status.REFUSED, actor, now, reason)
    _audit("refused", data_request, actor, http_request=http_request)
    return data_request


def open_requests() -> QuerySet[DataRequest]:
    """The coordinator's list: open requests, the nearest deadline first."""
    return (DataRequest.objects.filter(status=DataRequest.Status.OPEN)
            .order_by("complete_by", "pk"))


def requests_of_reporter(case: Case, limit: int = 10) -> QuerySet[DataRequest]:
    """The requests of the case's reporter: the latest filed with its phone, or, with no
    phone, the case's own in their usual order."""
    if case.reporter_phone:
        return DataRequest.objects.filter(
            subject_phone=case.reporter_phone).order_by("-received_at")[:limit]
    return DataRequest.objects.filter(case=case)[:limit]


def overdue(now: datetime) -> dict[str, QuerySet[DataRequest]]:
    return {
        "unanswered": DataRequest.objects.filter(answered_at__isnull=True, answer_by__lt=now),
        "not_carried_out": open_requests().filter(complete_by__lt=now),
    }
