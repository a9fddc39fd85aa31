"""What the reports app writes: the periodic report drafts and their notices."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def _private_upload_path(instance: models.Model, filename: str) -> str:
    # Client file names never reach the file system (SECURITY IN2).
    return f"private/{instance._meta.model_name}/{secrets.token_hex(16)}"


class ReportDraft(models.Model):
    """One periodic report of Art. 13.7 for the whole province, prepared ahead of its due date.

    While it is a draft the figures are not stored: they are read again at every download, so
    a draft made before its period's last day still shows the whole period. Marked final, its
    PDF and workbook are made once and stored, and the report no longer changes.
    """

    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        YEARLY = "yearly", _("Yearly")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FINAL = "final", _("Final")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    due_on = models.DateField(_("due before"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices,
                              default=Status.DRAFT)
    difficulties = models.TextField(_("difficulties and proposals"), blank=True)
    number = models.CharField(_("document number"), max_length=64, blank=True)
    generated_at = models.DateTimeField(_("prepared at"))
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    # The report as sent: made once when it is marked final, then served as stored.
    pdf_file = models.FileField(_("PDF"), upload_to=_private_upload_path, blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)
    xlsx_file = models.FileField(_("workbook"), upload_to=_private_upload_path, blank=True)

    class Meta:
        verbose_name = _("report draft")
        verbose_name_plural = _("report drafts")
        ordering = ["-due_on", "kind"]
        constraints = [
            # One draft per report: the beat may run twice a day, or twice at once.
            models.UniqueConstraint(fields=["kind", "period_start", "period_end"],
                                    name="report_draft_once"),
        ]
        indexes = [models.Index(fields=["-due_on"], name="report_draft_due")]

    def __str__(self) -> str:
        return f"{self.kind} {self.period_start:%d/%m/%Y}–{self.period_end:%d/%m/%Y}"

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL


class ReportDraftNotice(models.Model):
    """A supervisor told of a new draft: shown on their reports page and sent by e-mail once.

    The case outbox (workflow.OutboxMessage) belongs to a case, and a periodic report has none,
    so the e-mail state of these notices lives here: `emailed_at` is set once it went out.
    """

    draft = models.ForeignKey(ReportDraft, on_delete=models.CASCADE, related_name="notices",
                              db_index=False)  # report_notice_once leads with it
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    created_at = models.DateTimeField()
    emailed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("report draft notice")
        verbose_name_plural = _("report draft notices")
        constraints = [
            models.UniqueConstraint(fields=["draft", "user"], name="report_notice_once"),
        ]
        indexes = [
            models.Index(fields=["created_at"], name="report_notice_unsent",
                         condition=models.Q(emailed_at__isnull=True)),
        ]
