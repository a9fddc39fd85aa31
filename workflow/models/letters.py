"""The unit's reply letter as it signed it: the Appendix 1 letter belongs with the reply."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def _private_upload_path(instance: models.Model, filename: str) -> str:
    # Client file names never reach the file system (SECURITY IN2).
    return f"private/{instance._meta.model_name}/{secrets.token_hex(16)}"


class SignedLetter(models.Model):
    """The reply letter as the unit signed it in its document system (Decree 30/2020).

    An upload replaces the generated letter; a later upload replaces an earlier one, which
    is kept. `sha256` is the hash of the stored bytes, shown next to every link to it.
    """

    assignment = models.ForeignKey("workflow.Assignment", on_delete=models.CASCADE,
                                   related_name="signed_letters",
                                   db_index=False)  # signed_letter_latest leads with it
    file = models.FileField(_("signed letter"), upload_to=_private_upload_path)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size in bytes"))
    has_signature = models.BooleanField(
        _("has a signature dictionary"), default=False,
        help_text=_("The PDF holds a /Sig or /ByteRange entry; it is not verified."),
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("signed reply letter")
        verbose_name_plural = _("signed reply letters")
        indexes = [
            models.Index(fields=["assignment", "-uploaded_at"], name="signed_letter_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id} · {self.sha256[:12]}"
