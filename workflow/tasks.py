"""Celery tasks: they take ids (or nothing), reload rows and call a service; all idempotent."""

from celery import shared_task
from django.utils import timezone

from .notifications.breaker import probe_gateway
from .notifications.delivery import deliver_message, requeue_pending
from .selectors import find_waiting_duplicates
from .sweep import sweep_deadlines

# A queued id that waited longer than this (a worker outage) is dropped; the beat queues
# the row again, so a backlog never holds one message many times over.
DELIVERY_EXPIRES_SECONDS = 300


@shared_task(acks_late=True)
def sweep_deadlines_task() -> dict[str, int]:
    return sweep_deadlines(now=timezone.now()).as_dict()


@shared_task(acks_late=True)
def find_duplicates_task() -> int:
    """The possible duplicates of new cases, looked for before the coordinator opens them."""
    return find_waiting_duplicates(timezone.now())


@shared_task(acks_late=True)
def deliver_message_task(message_id: int) -> str:
    """Send one outbox row if it is still pending and due; a repeat does nothing."""
    return str(deliver_message(message_id, now=timezone.now()))


@shared_task(acks_late=True)
def deliver_messages_task(message_ids: list[int]) -> list[str]:
    """Send the outbox rows of one transaction (a receipt SMS, its e-mails), one by one;
    each row is claimed on its own, so a repeat or a row already sent does nothing."""
    return [str(deliver_message(message_id, now=timezone.now())) for message_id in message_ids]


@shared_task(acks_late=True)
def deliver_outbox_task() -> int:
    """Queue every pending row that is due: new ones Redis missed, and retries."""
    ids = requeue_pending(timezone.now())
    for message_id in ids:
        deliver_message_task.apply_async((message_id,), expires=DELIVERY_EXPIRES_SECONDS)
    return len(ids)


@shared_task(acks_late=True)
def probe_sms_gateway_task() -> bool:
    """While the SMS gateway's breaker is open, ask the gateway; once it answers, the held
    messages are queued at once. Does nothing while the breaker is closed."""
    if not probe_gateway(timezone.now()):
        return False
    deliver_outbox_task.delay()
    return True


@shared_task(acks_late=True)
def purge_retention_task() -> dict[str, int]:
    """Apply the retention periods (SECURITY DP6); a repeat the same day finds nothing."""
    from .privacy.retention import purge

    return purge(now=timezone.now()).as_dict()
