"""The outbox: messages written in the same transaction as the event that causes them.

Delivery (SMS gateway, e-mail) is a Celery task; a row is never lost when Redis or the
worker is down, because the sweep re-queues what is pending.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    # One message per event and recipient: "event:<id>:<channel>:<recipient>" or
    # "alert:<alert key>:<channel>:<user id>".
    key = models.CharField(max_length=120, unique=True)
    case = models.ForeignKey(
        "workflow.Case", on_delete=models.CASCADE, related_name="outbox_messages"
    )
    event = models.ForeignKey(
        "workflow.CaseEvent", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
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

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        indexes = [
            models.Index(fields=["next_attempt_at"], name="outbox_pending",
                         condition=Q(status="pending")),
            models.Index(fields=["case", "created_at"], name="outbox_case"),
        ]
