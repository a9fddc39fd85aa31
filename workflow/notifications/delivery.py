"""Deliver one outbox row: claim it briefly, send outside any transaction, record the result.

A claim bumps `attempts` and moves `next_attempt_at` one lease ahead, so while a worker is
sending nobody else picks the row up; a worker that dies mid-send leaves the row pending
and the beat hands it out again once the lease has run out. Temporary failures (time-out,
5xx, 429) come back after an exponential backoff with jitter; a permanent failure (4xx,
no address) or the last allowed attempt marks the row failed, for staff to see and resend.

A gateway's Retry-After (on a 429 or 503) moves the next attempt to no earlier than the time
it asked for, up to OUTBOX_RETRY_AFTER_MAX_SECONDS. A reply to a Facebook or Zalo reporter
goes through the platform (CHANNEL_REPLY_BACKEND) only within the platform's reply window
after the person's last message (CHANNEL_REPLY_WINDOW_HOURS); outside it the row is marked
skipped, not failed, since no retry could send it.

While the SMS gateway is failing, its circuit breaker (breaker.py) holds due SMS without
spending their attempts, and delivery resumes by itself once a probe finds it answering.
Logs name rows by id only (SECURITY AU3).

Sending twice: the window that remains
--------------------------------------
An SMS is sent at least once; these are the only ways it can be sent twice, and how small
each is made:

1. The gateway accepts a message after we stopped waiting (our read time-out ran out first),
   and the retry sends it again. READ_TIMEOUT bounds the whole answer, and a system check
   (workflow.notifications.checks) warns when it is shorter than the gateway's own
   processing time-out (SMS_GATEWAY PROVIDER_TIMEOUT, from the carrier's documentation).
2. A worker dies (or loses the database) after the gateway accepted a message and before
   the row says so; once the lease has run out, another worker sends it again. Nothing
   can close this: the send and the row live in two systems with no common transaction.
3. A send outlasts its lease and a second worker takes the row meanwhile. Made impossible
   by construction: a send lasts at most the backend's longest_send_seconds() (connect
   time-out per address plus the whole-answer deadline), and the system check refuses an
   OUTBOX_LEASE_SECONDS not above twice that. Outside the bound: name resolution, which has
   no time-out of its own, and a gateway name with more than two addresses; the margin
   covers a slow resolver, a local one keeps it so.

In cases 1 and 2 the repeat carries the same reference as the first (OutboxMessage.reference:
one per event and recipient, also across a staff resend and a restored database), so a
gateway that deduplicates on it (configure SMS_GATEWAY FIELDS reference=<its field>) sends
the message once; one that does not sends it twice.
"""

from __future__ import annotations

import logging
import random
import smtplib
from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.core.mail import BadHeaderError, EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime

from routing.selectors import urgent_sms_phone
from workflow.models import Assignment, Case, OutboxMessage
from workflow.models.cases import RejectionReason
from workflow.reporters import NotRegistered, reply_sender, track_link_path
from workflow.track_links import link_token

from . import breaker
from .backends import PermanentFailure, TemporaryFailure, WindowClosed, get_sms_backend
from .render import Rendered, render_message, sms_segments, sms_text

logger = logging.getLogger("workflow.notifications")

Status = OutboxMessage.Status
BATCH = 500


class Outcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"
    SKIPPED = "skipped"  # not pending, not due, or another worker holds it
    WINDOW_CLOSED = "window closed"  # a platform reply too late to be sent: never will be
    HELD = "held"  # an SMS waiting for the gateway to answer again, no attempt spent


def _setting(name: str, default: float) -> float:
    return getattr(settings, name, default)


def max_attempts() -> int:
    return int(_setting("OUTBOX_MAX_ATTEMPTS", 6))


def lease() -> timedelta:
    return timedelta(seconds=_setting("OUTBOX_LEASE_SECONDS", 120))


def backoff(attempt: int) -> timedelta:
    """The wait after failed attempt `attempt` (1, 2, …): doubling, capped, with jitter."""
    base = _setting("OUTBOX_RETRY_BASE_SECONDS", 30)
    cap = _setting("OUTBOX_RETRY_MAX_SECONDS", 3600)
    delay = min(cap, base * 2 ** max(attempt - 1, 0))
    # Jitter spreads a burst of failures (a gateway outage) over half the window.
    return timedelta(seconds=delay * random.uniform(0.5, 1.0))


def retry_after_cap() -> timedelta:
    return timedelta(seconds=_setting("OUTBOX_RETRY_AFTER_MAX_SECONDS", 3600))


def requeue_pending(now: datetime, limit: int = BATCH) -> list[int]:
    """Ids of pending rows due for (another) attempt at `now`, oldest due first; no SMS
    while the gateway's breaker holds them (the probe releases them)."""
    due = OutboxMessage.objects.filter(status=Status.PENDING).filter(
        Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True)
    )
    if breaker.held_until(now) is not None:
        due = due.exclude(channel=OutboxMessage.Channel.SMS)
    return list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])


def claim_message(message_id: int, now: datetime) -> OutboxMessage | None:
    """Take row `message_id` for one attempt, or None when it is not ours to send now.

    Commits before returning: nothing is held while the message is being sent.
    """
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("case", "recipient_user")
            .filter(pk=message_id, status=Status.PENDING)
            .filter(Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True))
            .first()
        )
        if message is None:
            return None
        if message.attempts >= max_attempts():
            # The last attempt's worker never reported back.
            message.status, message.next_attempt_at = Status.FAILED, None
            message.last_error = "no result after the last attempt (worker lost)"
            message.save(update_fields=["status", "next_attempt_at", "last_error"])
            logger.warning("outbox %s: failed, attempt %s never finished", message.pk,
                           message.attempts)
            return None
        message.attempts += 1
        message.next_attempt_at = now + lease()
        message.save(update_fields=["attempts", "next_attempt_at"])
    return message


def deliver_message(message_id: int, now: datetime) -> Outcome:
    """Send outbox row `message_id` if it is pending and due at `now`; safe to run twice."""
    if breaker.hold_if_open(message_id, now):
        return Outcome.HELD
    message = claim_message(message_id, now)
    if message is None:
        return Outcome.SKIPPED
    segments: int | None = None
    try:
        if message.channel == OutboxMessage.Channel.SMS:
            provider_id, segments = _send_sms(message, now)
        elif message.channel == OutboxMessage.Channel.CHANNEL:
            provider_id = _send_channel(message, now)
        else:
            provider_id = _send_email(message)
    except WindowClosed as exc:
        return _record_window_closed(message, str(exc))
    except PermanentFailure as exc:
        return _record_failure(message, now, str(exc), permanent=True)
    except TemporaryFailure as exc:
        return _record_failure(message, now, str(exc), permanent=False,
                               retry_after=exc.retry_after)
    except Exception as exc:  # a bug or an unexpected library error: retry, then fail
        return _record_failure(message, now, f"unexpected {type(exc).__name__}", permanent=False)
    return _record_sent(message, now, provider_id, segments)


def resend_message(message_id: int, now: datetime) -> bool:
    """Put a failed row back in the queue with a fresh set of attempts.

    Caller has checked that the user may do this. Returns False if the row is not failed.
    """
    from workflow.services import queue_outbox_delivery

    with transaction.atomic():
        updated = OutboxMessage.objects.filter(pk=message_id, status=Status.FAILED).update(
            status=Status.PENDING, attempts=0, next_attempt_at=now
        )
        if updated:
            queue_outbox_delivery(
                OutboxMessage.objects.filter(pk=message_id).values_list("key", flat=True)
            )
    if updated:
        logger.info("outbox %s: queued again by staff", message_id)
    return bool(updated)


# --- Sending ------------------------------------------------------------------------------
def _address(message: OutboxMessage) -> str:
    """Read at send time: the reporter may have corrected it, staff may have left or
    turned their SMS off."""
    sms = message.channel == OutboxMessage.Channel.SMS
    if message.to_reporter:
        return message.case.reporter_phone if sms else message.case.reporter_email
    user = message.recipient_user
    if user is None or not user.is_active:
        return ""
    return urgent_sms_phone(user.pk) if sms else user.email


def _context(message: OutboxMessage) -> dict[str, object]:
    """The placeholders' values, in the message's language (caller overrides it)."""
    province = settings.PROVINCE
    case = message.case
    context: dict[str, object] = {
        "portal": province["portal_name"],
        "hotline": province["hotline"],
        "url": province["portal_url"],
        "track_url": _track_url(message),
        "code": case.display_code,
        "case_url": province["portal_url"].rstrip("/") + case.get_absolute_url(),
        **message.context,
    }
    if context.get("reason") in RejectionReason.values:
        context["reason"] = str(RejectionReason(context["reason"]).label)
    stage = context.get("stage")
    for states in (Case.State, Assignment.State):
        if stage in states.values:
            context["stage"] = str(states(stage).label)
            break
    due_at = parse_datetime(str(context.get("due_at") or ""))
    if due_at is not None:
        context["due_at"] = timezone.localtime(due_at).strftime("%H:%M %d/%m/%Y")
    return context


def _track_url(message: OutboxMessage) -> str:
    """Where the reporter follows the case: the portal, where code and phone open it, or,
    for a reporter without a phone, the case's private link (workflow/track_links.py).
    Never for staff: the link opens the case to whoever holds it."""
    portal = settings.PROVINCE["portal_url"]
    case = message.case
    if not (message.to_reporter and case.track_link_hash):
        return portal
    return portal.rstrip("/") + track_link_path(link_token(case.tracking_code))


def _render(message: OutboxMessage) -> Rendered:
    with translation.override(message.language):
        try:
            return render_message(message.template, message.language, _context(message))
        except KeyError:
            raise PermanentFailure(f"unknown message template {message.template}") from None


def _send_sms(message: OutboxMessage, now: datetime) -> tuple[str, int]:
    to = _address(message)
    if not to:
        raise PermanentFailure("no phone number to send to")
    text = sms_text(_render(message).sms, without_diacritics=settings.SMS_WITHOUT_DIACRITICS)
    if not text:
        raise PermanentFailure(f"message template {message.template} has no SMS text")
    try:
        provider_id = get_sms_backend().send(to, text, reference=message.reference)
    except TemporaryFailure as exc:
        breaker.record_trouble(now, str(exc))
        raise
    except PermanentFailure:
        breaker.record_answer()  # a refusal is an answer: the gateway is there
        raise
    breaker.record_answer()
    return provider_id, sms_segments(text)[1]


def _send_channel(message: OutboxMessage, now: datetime) -> str:
    """A reply through the platform the case came from (Facebook, Zalo), by the sender the
    app that meets those reporters registered (workflow.reporters)."""
    text = sms_text(_render(message).sms, without_diacritics=False)
    if not text:
        raise PermanentFailure(f"message template {message.template} has no short text")
    try:
        send = reply_sender(message.case.channel)
    except NotRegistered as exc:
        raise PermanentFailure(str(exc)) from None
    return send(message, text, now)


def _send_email(message: OutboxMessage) -> str:
    to = _address(message)
    if not to:
        raise PermanentFailure("no e-mail address to send to")
    rendered = _render(message)
    email = EmailMessage(
        subject=rendered.subject, body=rendered.body, to=[to],
        headers={"Auto-Submitted": "auto-generated"},
    )
    try:
        email.send(fail_silently=False)
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, BadHeaderError,
            ValueError) as exc:
        raise PermanentFailure(f"mail refused ({type(exc).__name__})") from None
    except (smtplib.SMTPException, OSError) as exc:
        raise TemporaryFailure(f"mail server unavailable ({type(exc).__name__})") from None
    return ""


# --- Recording ----------------------------------------------------------------------------
def _record_sent(message: OutboxMessage, now: datetime, provider_id: str,
                 segments: int | None) -> Outcome:
    # Also over a "worker lost" failure: the message did go out after all.
    updated = OutboxMessage.objects.filter(pk=message.pk).exclude(status=Status.SENT).update(
        status=Status.SENT, sent_at=now, next_attempt_at=None, last_error="",
        provider_message_id=provider_id, segments=segments,
    )
    if updated:
        logger.info("outbox %s: sent by %s on attempt %s", message.pk, message.channel,
                    message.attempts)
    else:  # another worker took over after our lease ran out, and finished first
        logger.warning("outbox %s: sent again after its lease ran out", message.pk)
    return Outcome.SENT


def _record_window_closed(message: OutboxMessage, error: str) -> Outcome:
    OutboxMessage.objects.filter(
        pk=message.pk, status=Status.PENDING, attempts=message.attempts
    ).update(status=Status.SKIPPED, next_attempt_at=None, last_error=error[:500])
    logger.info("outbox %s: not sent, %s", message.pk, error)
    return Outcome.WINDOW_CLOSED


def _record_failure(message: OutboxMessage, now: datetime, error: str, *,
                    permanent: bool, retry_after: timedelta | None = None) -> Outcome:
    give_up = permanent or message.attempts >= max_attempts()
    fields: dict[str, object] = {"last_error": error[:500]}
    if give_up:
        fields.update(status=Status.FAILED, next_attempt_at=None)
    else:
        wait = backoff(message.attempts)
        if retry_after is not None:
            # Not before the time the gateway asked for, within reason.
            wait = max(wait, min(retry_after, retry_after_cap()))
        fields["next_attempt_at"] = now + wait
    # Only the latest claim may decide what happens next.
    OutboxMessage.objects.filter(
        pk=message.pk, status=Status.PENDING, attempts=message.attempts
    ).update(**fields)
    if give_up:
        logger.warning("outbox %s: failed on attempt %s: %s", message.pk, message.attempts,
                       error)
        return Outcome.FAILED
    logger.info("outbox %s: attempt %s failed (%s), retry at %s", message.pk,
                message.attempts, error, fields["next_attempt_at"])
    return Outcome.RETRY
