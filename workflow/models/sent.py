"""Messages "sent" where no real gateway is configured: the demo and development.

The SMS, e-mail and Facebook/Zalo backends of workflow.notifications.sent keep what they
would have sent here instead of printing it, so one-time codes, tracking codes and reporters'
addresses never reach the server's output (SECURITY AU3). Only administrators read them, in
the admin; retention deletes them after SENT_MESSAGES_RETENTION_DAYS.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SentMessage(models.Model):
    class Kind(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")
        FACEBOOK = "facebook", _("Facebook")
        ZALO = "zalo", _("Zalo")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    recipient = models.CharField(_("recipient"), max_length=1000)
    subject = models.CharField(_("subject"), max_length=998, blank=True)
    body = models.TextField(_("text"))
    reference = models.CharField(_("reference"), max_length=120, blank=True)
    sent_at = models.DateTimeField(_("sent at"), db_index=True)

    class Meta:
        verbose_name = _("sent message (no gateway)")
        verbose_name_plural = _("sent messages (no gateway)")
        ordering = ["-sent_at", "-pk"]

    def __str__(self) -> str:
        # Never the recipient or the text: __str__ reaches logs and the admin's history.
        return f"{self.get_kind_display()} #{self.pk}"
