"""The SMS gateway's circuit breaker (SECURITY RE4; the state is workflow.models.GatewayBreaker).

Without it a gateway outage longer than the retries' backoff (about 15 minutes with six
attempts) marked every waiting SMS failed for good. Now:

- FAILURES temporary failures in a row (time-out, unreachable, 5xx, 429) open the breaker;
  any answer from the gateway, a refusal included, resets the count.
- While it is open, a due SMS is held: its next attempt moves to the next probe, no attempt
  is spent, and its row says why it waits.
- A probe asks the gateway whether it answers, sending no message (the backend's `probe`);
  the beat runs it every PROBE seconds. The first probe answered closes the breaker "on
  probation": the held messages are due at once, and the first temporary failure opens the
  breaker again instead of the next FAILURES.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q

from workflow.models import GatewayBreaker, OutboxMessage

from .backends import get_sms_backend

logger = logging.getLogger("workflow.notifications")

SMS = "sms"
WAITING = "waiting:"  # how a held message's row starts its last_error


def failures_to_open() -> int:
    return max(int(getattr(settings, "OUTBOX_BREAKER_FAILURES", 5)), 1)


def probe_interval() -> timedelta:
    return timedelta(seconds=getattr(settings, "OUTBOX_BREAKER_PROBE_SECONDS", 60))


def held_until(now: datetime, name: str = SMS) -> datetime | None:
    """When the next probe is due if the breaker is open, else None."""
    probe_at = (GatewayBreaker.objects.filter(name=name, opened_at__isnull=False)
                .values_list("probe_at", flat=True).first())
    if probe_at is None:
        return None
    return max(probe_at, now)


def hold_if_open(message_id: int, now: datetime) -> bool:
    """Hold SMS row `message_id`, if it is due, while the breaker is open: its next attempt
    moves to the next probe and no attempt is spent. True if it was held."""
    until = held_until(now)
    if until is None:
        return False
    due = Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True)
    return bool(
        OutboxMessage.objects.filter(
            due, pk=message_id, status=OutboxMessage.Status.PENDING,
            channel=OutboxMessage.Channel.SMS,
        ).update(next_attempt_at=until + timedelta(seconds=1),
                 last_error=f"{WAITING} the SMS gateway is unavailable")
    )


def record_answer(name: str = SMS) -> None:
    """The gateway answered (sent, or refused a message): its trouble is over."""
    GatewayBreaker.objects.filter(name=name, failures__gt=0).update(failures=0)


def record_trouble(now: datetime, error: str, name: str = SMS) -> None:
    """A temporary failure: counts towards opening the breaker, and opens it at the limit."""
    with transaction.atomic():
        breaker, _created = GatewayBreaker.objects.select_for_update().get_or_create(name=name)
        breaker.failures = F("failures") + 1
        breaker.save(update_fields=["failures"])
        breaker.refresh_from_db()
        if breaker.is_open or breaker.failures < failures_to_open():
            return
        breaker.opened_at, breaker.probe_at = now, now + probe_interval()
        breaker.last_error = error[:200]
        breaker.save(update_fields=["opened_at", "probe_at", "last_error"])
    logger.warning("%s gateway: %s failures in a row, holding messages until it answers "
                   "(%s)", name, breaker.failures, error)


def probe_gateway(now: datetime, name: str = SMS) -> bool:
    """If the breaker is open and a probe is due, ask the gateway; close the breaker when it
    answers. True if it was closed by this probe. Safe to run twice at once: one probes."""
    with transaction.atomic():
        taken = GatewayBreaker.objects.filter(
            name=name, opened_at__isnull=False, probe_at__lte=now
        ).update(probe_at=now + probe_interval())
    if not taken:
        return False
    backend = get_sms_backend()
    # A backend that cannot be asked (the console, the tests' memory) is always there.
    error = backend.probe() if hasattr(backend, "probe") else ""
    if error:
        GatewayBreaker.objects.filter(name=name).update(last_error=error[:200])
        logger.info("%s gateway: still unavailable (%s)", name, error)
        return False
    with transaction.atomic():
        GatewayBreaker.objects.filter(name=name).update(
            opened_at=None, probe_at=None, failures=failures_to_open() - 1, last_error="")
        # The held messages go now, not at the probe after next.
        OutboxMessage.objects.filter(
            status=OutboxMessage.Status.PENDING, channel=OutboxMessage.Channel.SMS,
            next_attempt_at__gt=now, last_error__startswith=WAITING,
        ).update(next_attempt_at=now)
    logger.warning("%s gateway: answering again, held messages released", name)
    return True
