"""The case page's side panels: the reporter, the reporter's photos and videos, the
reporter's questions after the result, and the outgoing messages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Expression
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy

from routing.selectors import Actor

from ...models import Assignment, Case, OutboxMessage
from ...notifications.labels import message_label
from ...reporters import ClarificationRow, case_attachments_answer, clarifications
from ...selectors import case_deliveries


@dataclass(frozen=True)
class Reporter:
    name: str
    phone: str
    email: str
    address: str


@dataclass(frozen=True)
class DeliveryView:
    """One outgoing message of the case, for the coordinator: never its address."""

    resend_url: str  # "" unless it failed and can be queued again
    channel: str
    recipient: str
    template: str
    status: str
    is_failed: bool
    attempts: int
    sent_at: datetime | None
    last_error: str


def may_see_reporter(actor: Actor, own_assignments: Sequence[Assignment]) -> bool:
    """Art. 13.8: the coordinator, or a unit the coordinator revealed the contact to."""
    return actor.is_coordinator or any(a.contact_revealed for a in own_assignments)


def case_attachments(case: Case) -> list:
    """The reporter's photos and videos (feedback's, through workflow.reporters), served
    by the permission-checked view: read with the case when it carries
    `reporter_attachments()` as `attachment_rows` (page_lists), else in one query."""
    answer = case_attachments_answer()
    if not hasattr(case, "attachment_rows"):
        case.attachment_rows = (Case.objects.filter(pk=case.pk)
                                .annotate(rows=answer.annotation())
                                .values_list("rows", flat=True).first())
    return list(answer.items(case.attachment_rows))


def case_clarifications(case: Case) -> list[ClarificationRow]:
    """The reporter's questions after the result and their answers (feedback's, through
    workflow.reporters): read with the case when it carries them as `clarification_rows`
    (page_lists), else in one query."""
    answer = clarifications()
    if not hasattr(case, "clarification_rows"):
        case.clarification_rows = (Case.objects.filter(pk=case.pk)
                                   .annotate(rows=answer.annotation())
                                   .values_list("rows", flat=True).first())
    return list(answer.rows(case.clarification_rows))


def reporter_attachments() -> Expression:
    """The annotation that reads the reporter's photos and videos with the case."""
    return case_attachments_answer().annotation()


def delivery_views(case: Case) -> list[DeliveryView]:
    """The case's outgoing messages in one query; a failed one gets its resend URL."""
    failed = OutboxMessage.Status.FAILED
    channels = dict(OutboxMessage.Channel.choices)
    statuses = dict(OutboxMessage.Status.choices)
    return [
        DeliveryView(
            resend_url=reverse("staff:resend", args=[m["id"]]) if m["status"] == failed else "",
            channel=str(channels.get(m["channel"], m["channel"])),
            recipient=str(gettext_lazy("Reporter") if m["to_reporter"]
                          else gettext_lazy("Staff")),
            template=message_label(m["template"]),
            status=str(statuses.get(m["status"], m["status"])),
            is_failed=m["status"] == failed,
            attempts=m["attempts"],
            sent_at=m["sent_at"],
            last_error=Truncator(m["last_error"] or "").chars(80),
        )
        for m in case_deliveries(case)
    ]
