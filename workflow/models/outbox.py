"""The outbox: messages written in the same transaction as the event that causes them.

Delivery (SMS gateway, e-mail) is a Celery task; a row is never lost when Redis or the
worker is down, because the sweep re-queues what is pending.
"""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")
        # A reply through the Facebook page or the Zalo official account the case came from.
        CHANNEL = "channel", _("Facebook or Zalo")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        # Not sent, and never will be: the platform's reply window had closed.
        SKIPPED = "skipped", _("Not sent (reply window closed)")

    # One message per event and recipient: "event:<id>:<channel>:<recipient>" or
    # "alert:<alert key>:<channel>:<user id>".
    # Unique by a constraint (Meta): unique=True would add a LIKE-only index as well.
    key = models.CharField(max_length=120)
    case = models.ForeignKey(  # looked up by outbox_case, which leads with it
        "workflow.Case", on_delete=models.CASCADE, related_name="outbox_messages",
        db_index=False,
    )
    event = models.ForeignKey(
        "workflow.CaseEvent", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_index=False,
    )
    to_reporter = models.BooleanField(default=False)
    template = models.CharField(max_length=64)
    context = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=8, default="vi")
    status = models.CharField(
        max_length=8, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    # What the gateway called the message, and what it cost (SMS segments).
    provider_message_id = models.CharField(max_length=100, blank=True)
    segments = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        indexes = [
            models.Index(fields=["next_attempt_at"], name="outbox_pending",
                         condition=Q(status="pending")),
            models.Index(fields=["case", "created_at"], name="outbox_case"),
            # A reporter's messages have no recipient account.
            models.Index(fields=["recipient_user"], name="outbox_recipient_user",
                         condition=Q(recipient_user__isnull=False)),
        ]
        constraints = [models.UniqueConstraint(fields=["key"], name="outbox_key_unique")]

    @property
    def reference(self) -> str:
        """The message's key for a gateway to deduplicate on: one per (event, recipient),
        the same on every attempt and every resend. The case's random tracking code is part
        of it, so ids that start again (a database restored from a backup, a staging copy on
        the same gateway account) never repeat another message's reference. A digest: short
        and plain enough for any gateway's field, and it tells the gateway nothing."""
        digest = hashlib.sha256(f"{self.case.tracking_code}|{self.key}".encode()).hexdigest()
        return f"c1022-{digest[:26]}"


class MessageTemplate(models.Model):
    """The administrator's wording of one message in one language.

    A blank field keeps the built-in text (workflow/notifications/defaults.py), which also
    lists the placeholders, such as {code}.
    """

    key = models.CharField(_("message"), max_length=64)
    language = models.CharField(_("Language"), max_length=8, choices=settings.LANGUAGES)
    sms_text = models.TextField(_("SMS text"), blank=True)
    email_subject = models.CharField(_("e-mail subject"), max_length=200, blank=True)
    email_body = models.TextField(_("e-mail body"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["key", "language"]
        constraints = [
            models.UniqueConstraint(fields=["key", "language"], name="message_template_key"),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.language})"

    def clean(self) -> None:
        from workflow.notifications.defaults import TEMPLATE_KEYS

        if self.key not in TEMPLATE_KEYS:
            raise ValidationError({"key": _("Unknown message.")})


class GatewayBreaker(models.Model):
    """The circuit breaker of one gateway (SECURITY RE4): closed while it answers, open once
    it has failed FAILURES times in a row. While open, messages for it wait without spending
    their attempts, and a probe (no message) checks it every PROBE seconds; the first probe
    it answers closes the breaker, and the waiting messages go out by themselves.

    A row in the database, not a key in Redis: the breaker's state is kept through a Redis
    outage, and it is held in the same place as the messages it holds.
    """

    name = models.CharField(max_length=32, primary_key=True)
    # Temporary failures in a row (time-outs, 5xx, 429, unreachable); a success resets it.
    failures = models.PositiveIntegerField(default=0)
    opened_at = models.DateTimeField(null=True, blank=True)  # None: closed
    probe_at = models.DateTimeField(null=True, blank=True)  # when the next probe is due
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("gateway circuit breaker")
        verbose_name_plural = _("gateway circuit breakers")

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.opened_at is not None
