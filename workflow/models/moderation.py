"""The abuse list of Art. 18.2: contacts whose new submissions wait for the coordinator."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def normalize_contact(kind: str, value: str) -> str:
    """The form a contact is stored and matched in: a phone as its digits with +84 read as 0,
    an e-mail lower-cased, an address case-folded with single spaces."""
    value = unicodedata.normalize("NFC", value or "").strip()
    if kind == AbuseListEntry.Kind.PHONE:
        digits = "".join(ch for ch in value if ch.isdigit())
        if digits.startswith("84") and (value.startswith("+") or len(digits) in (11, 12)):
            digits = "0" + digits[2:]
        return digits
    if kind == AbuseListEntry.Kind.EMAIL:
        return value.lower()
    return " ".join(value.casefold().split())


class AbuseListQuerySet(models.QuerySet):
    def matching(self, *, phone: str = "", email: str = "") -> AbuseListQuerySet:
        """Active entries for this phone or e-mail (as typed; normalised here)."""
        match = Q(pk__in=[])
        if phone := normalize_contact(AbuseListEntry.Kind.PHONE, phone):
            match |= Q(kind=AbuseListEntry.Kind.PHONE, value=phone)
        if email := normalize_contact(AbuseListEntry.Kind.EMAIL, email):
            match |= Q(kind=AbuseListEntry.Kind.EMAIL, value=email)
        return self.filter(match, active=True)


class AbuseListEntry(models.Model):
    class Kind(models.TextChoices):
        PHONE = "phone", _("Phone")
        EMAIL = "email", _("E-mail")
        ADDRESS = "address", _("Address")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    value = models.CharField(_("value"), max_length=255)
    reason = models.TextField(_("reason"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    added_at = models.DateTimeField(_("added at"))
    active = models.BooleanField(_("active"), default=True)

    objects = AbuseListQuerySet.as_manager()

    class Meta:
        verbose_name = _("abuse list entry")
        verbose_name_plural = _("abuse list")
        ordering = ["-added_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], condition=Q(active=True),
                                    name="abuse_list_active_once"),
        ]

    def __str__(self) -> str:
        # Never the value itself: it is a person's contact and __str__ reaches logs.
        return f"{self.get_kind_display()} #{self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.value = normalize_contact(self.kind, self.value)
        super().save(*args, **kwargs)
