"""Backends that keep what they would send, for the demo and development (the defaults).

Where no SMS gateway, mail server or platform API is configured, messages are written to
the SentMessage table, which administrators read in the admin, instead of to standard
output: the server's output never holds a one-time code, a tracking code or a reporter's
address (SECURITY AU3). Chosen like any other backend:

    SMS_BACKEND=workflow.notifications.sent.SmsBackend
    EMAIL_BACKEND=workflow.notifications.sent.EmailBackend
    CHANNEL_REPLY_BACKEND=workflow.notifications.sent.ChannelBackend
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models import Q, QuerySet
from django.utils import timezone

from ..models import SentMessage
from .backends import BaseSmsBackend


def _keep(kind: str, recipient: str, body: str, *, subject: str = "",
          reference: str = "") -> str:
    message = SentMessage.objects.create(
        kind=kind, recipient=recipient[:1000], subject=subject[:998], body=body,
        reference=reference[:120], sent_at=timezone.now(),
    )
    return f"kept-{message.pk}-{uuid.uuid4().hex[:8]}"


class SmsBackend(BaseSmsBackend):
    """An SMS kept in SentMessage; the provider's id names the row."""

    def send(self, to: str, text: str, *, reference: str = "") -> str:
        return _keep(SentMessage.Kind.SMS, to, text, reference=reference)


class EmailBackend(BaseEmailBackend):
    """Django's e-mail backend interface; each message kept in SentMessage."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        sent = 0
        for message in email_messages:
            recipients = message.recipients()
            if not recipients:
                continue
            try:
                _keep(SentMessage.Kind.EMAIL, ", ".join(recipients), str(message.body),
                      subject=str(message.subject))
            except Exception:
                if not self.fail_silently:
                    raise
                continue
            sent += 1
        return sent


class ChannelBackend:
    """A reply to a Facebook or Zalo reporter kept in SentMessage (the interface of
    feedback's channel backends: send(platform, recipient_id, text, reference=...))."""

    def __init__(self, **options: Any) -> None:
        self.options = options

    def send(self, platform: str, recipient_id: str, text: str, *, reference: str = "") -> str:
        kind = platform if platform in SentMessage.Kind.values else SentMessage.Kind.FACEBOOK
        return _keep(kind, recipient_id, text, reference=reference)


def kept_messages_to(*, phones: Iterable[str], emails: Iterable[str],
                     references: Iterable[str]) -> QuerySet[SentMessage]:
    """The kept messages sent to one of `phones` (SMS, one-time codes included) or `emails`,
    or carrying one of `references` (the outbox's: how a Facebook or Zalo reply is found,
    its recipient being a platform id)."""
    match = Q(pk__in=[])
    if phones := {phone for phone in phones if phone}:
        match |= Q(kind=SentMessage.Kind.SMS, recipient__in=phones)
    for email in {email for email in emails if email}:
        # The outbox sends each e-mail to one address, the whole of the recipient field.
        match |= Q(kind=SentMessage.Kind.EMAIL, recipient__iexact=email)
    if references := {reference for reference in references if reference}:
        match |= Q(reference__in=references)
    return SentMessage.objects.filter(match)
