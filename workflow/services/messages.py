"""The outgoing messages of an event: rows in the outbox, written in the service's
transaction and handed to the delivery task once it commits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet

from config.celery import enqueue, enqueue_on_commit
from routing.selectors import urgent_sms_user_ids

from ..models import (
    Case,
    CaseEvent,
    OutboxMessage,
)
from ..notifications.defaults import URGENT_STAFF_TEMPLATES
from ..reporters import declined_channels


def queue_outbox_delivery(keys: Iterable[str] = (), *, ids: Iterable[int] = ()) -> None:
    """Once the transaction commits, hand the outbox rows to the delivery task: those of
    `ids`, and those of `keys` that are still pending (looked up after the commit).

    One task per transaction, whatever the number of rows. Best effort: with Redis down
    the request still succeeds, and the rows wait, pending, for the beat's
    deliver_outbox_task (SECURITY RE1). Logs row ids only (AU3).
    """
    from ..tasks import deliver_messages_task

    keys, ids = list(keys), list(ids)
    if not keys:
        if ids:
            enqueue_on_commit(deliver_messages_task, (ids,), log_as=_outbox_log(ids))
        return

    def queue() -> None:
        pending = ids + list(OutboxMessage.objects.filter(
            key__in=keys, status=OutboxMessage.Status.PENDING
        ).values_list("pk", flat=True))
        if pending:
            enqueue(deliver_messages_task, (pending,), log_as=_outbox_log(pending))

    transaction.on_commit(queue, robust=True)


def _outbox_log(ids: Iterable[int]) -> str:
    return "outbox " + ", ".join(map(str, ids))


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
    """One e-mail per staff member for this event or alert (`key` makes it once only), and
    for an urgent one (URGENT_STAFF_TEMPLATES) one SMS to each who chose it.
    `user_ids` may be a query of ids: it then runs as a subquery. `checked`: they are
    already the active users who have an address (routing.recipients)."""
    send_outbox(_staff_messages(case, key, user_ids, template, at, event=event,
                                context=context, checked=checked))


def _staff_messages(
    case: Case, key: str, user_ids: Iterable[int] | QuerySet, template: str, at: datetime,
    *, event: CaseEvent | None = None, context: dict | None = None, checked: bool = False,
) -> list[OutboxMessage]:
    """`checked`: `user_ids` are already the active users who have an address."""
    wanted = user_ids if isinstance(user_ids, QuerySet) else set(user_ids)
    if not checked:
        users = get_user_model().objects.filter(pk__in=wanted, is_active=True).exclude(email="")
        user_ids = users.values_list("pk", flat=True)
    channels = [(OutboxMessage.Channel.EMAIL, user_ids)]
    if template in URGENT_STAFF_TEMPLATES:
        channels.append((OutboxMessage.Channel.SMS, urgent_sms_user_ids(wanted)))
    return [
        OutboxMessage(
            key=f"{key}:{channel}:{user_id}", case=case, event=event,
            channel=channel, recipient_user_id=user_id,
            template=template, context=context or {}, created_at=at, next_attempt_at=at,
        )
        for channel, ids in channels
        for user_id in ids
    ]
