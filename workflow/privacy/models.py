"""Reporters' requests about their own personal data (SECURITY DP7).

The Personal Data Protection Law 91/2025 gives a data subject the right to see, correct and
delete their data; Decree 356/2025 asks the controller to answer a request within two working
days. A request is tracked here with both deadlines; privacy/requests.py carries it out.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DataRequest(models.Model):
    class Kind(models.TextChoices):
        ACCESS = "access", _("See my personal data")
        CORRECT = "correct", _("Correct my personal data")
        DELETE = "delete", _("Delete my personal data")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        REFUSED = "refused", _("Refused")

    class Channel(models.TextChoices):
        WEB = "web", _("Web portal")
        HOTLINE = "hotline", _("Hotline")
        IN_PERSON = "in_person", _("In person")
        LETTER = "letter", _("Letter or e-mail")

    kind = models.CharField(_("request"), max_length=16, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.OPEN)
    channel = models.CharField(_("received through"), max_length=16, choices=Channel.choices)
    # The case whose tracking code and phone proved who is asking. Kept as text too: a
    # rejected case may be purged by retention while the request's record must stay.
    case = models.ForeignKey(
        "workflow.Case", verbose_name=_("case"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="data_requests",
    )
    tracking_code = models.CharField(_("tracking code"), max_length=16)
    # The verified phone: every case filed with it is the reporter's. Cleared once a
    # deletion is carried out (personal data; never logged).
    subject_phone = models.CharField(_("phone"), max_length=32, blank=True)
    details = models.TextField(_("details"), blank=True)
    # What a correction asks for: {"reporter_name": "...", ...}, only the contact fields.
    corrections = models.JSONField(_("requested corrections"), default=dict, blank=True)
    received_at = models.DateTimeField(_("received at"))
    answer_by = models.DateTimeField(_("answer due"))
    complete_by = models.DateTimeField(_("to be carried out by"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    outcome_note = models.TextField(_("outcome"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("handled by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        verbose_name = _("personal data request")
        verbose_name_plural = _("personal data requests")
        ordering = ["complete_by", "pk"]
        indexes = [
            models.Index(fields=["complete_by"], condition=Q(status="open"),
                         name="datarequest_open_due"),
            models.Index(fields=["answer_by"], condition=Q(answered_at__isnull=True),
                         name="datarequest_unanswered"),
            models.Index(fields=["subject_phone"], name="datarequest_phone"),
        ]

    def __str__(self) -> str:
        # No phone or name: __str__ reaches logs and the admin's history.
        return f"{self.get_kind_display()} #{self.pk} ({self.tracking_code})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN
