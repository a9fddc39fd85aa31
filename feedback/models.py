"""The citizen's side of a case: attachments, comments and ratings; channel API keys."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workflow.models import Case
from workflow.models.cases import display_code


def _private_upload_path(instance: models.Model, filename: str) -> str:
    # Client file names never reach the file system (SECURITY IN2).
    return f"private/attachments/{secrets.token_hex(16)}"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        VIDEO = "video", _("Video")
        DOCUMENT = "document", _("Document")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=_private_upload_path)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")


class Comment(models.Model):
    """A reporter's question on the result, or a unit's or coordinator's answer (Art. 11.1–2)."""

    class Author(models.TextChoices):
        REPORTER = "reporter", _("Reporter")
        UNIT = "unit", _("Handling unit")
        COORDINATOR = "coordinator", _("Coordination centre")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="comments",
                             db_index=False)  # comment_case_at leads with it
    author_kind = models.CharField(_("from"), max_length=16, choices=Author.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    unit = models.ForeignKey(
        "routing.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at"]
        indexes = [models.Index(fields=["case", "created_at"], name="comment_case_at")]


class Rating(models.Model):
    """The reporter's rating of a published result (Art. 11.3); one per publication."""

    class Value(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        ACCEPTED = "accepted", _("Accepted")
        UNSATISFIED = "unsatisfied", _("Unsatisfied")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="ratings",
                             db_index=False)  # rating_once_per_publication leads with it
    round = models.PositiveSmallIntegerField(default=0)
    value = models.CharField(_("rating"), max_length=16, choices=Value.choices)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.UniqueConstraint(fields=["case", "round"], name="rating_once_per_publication")
        ]
        indexes = [models.Index(fields=["value", "created_at"], name="rating_value_at")]


class Consent(models.Model):
    """The reporter's answer on a purpose of processing their personal data (SECURITY DP2).

    Recorded with the version of the privacy notice they were shown and the time they
    answered. Processing is required to send a form; the SMS and e-mail updates are
    separate, optional boxes, and a box left unticked is stored as `agreed` False, so the
    outbox knows the reporter declined that channel (workflow.services._notify_reporter).
    A case with no row for a channel (a hotline call, an app that does not ask) is told on
    every channel it gave, as before.
    """

    class Purpose(models.TextChoices):
        PROCESSING = "processing", _("Processing personal data to handle the feedback")
        SMS_UPDATES = "sms_updates", _("SMS updates on the handling")
        EMAIL_UPDATES = "email_updates", _("E-mail updates on the handling")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents",
                             db_index=False)  # consent_once_per_purpose leads with it
    purpose = models.CharField(_("purpose"), max_length=32, choices=Purpose.choices)
    agreed = models.BooleanField(_("agreed"), default=True)
    notice_version = models.CharField(_("privacy notice version"), max_length=32)
    given_at = models.DateTimeField(_("answered at"))

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(fields=["case", "purpose"], name="consent_once_per_purpose")
        ]


class ApiKey(models.Model):
    """A key that lets an Open311 app or a unit's software post cases (issued in the admin).

    Only the SHA-256 of the key is stored; the key itself is shown once, when it is issued.
    Keys carry 256 random bits, so an unsalted digest is enough to make a stolen table useless.
    """

    PREFIX_LENGTH = 8

    name = models.CharField(_("name"), max_length=200,
                            help_text=_("Who uses this key, e.g. the app's publisher."))
    # Unique by a constraint (Meta), which adds no LIKE-only twin as unique=True would.
    key_hash = models.CharField(_("key digest"), max_length=64, editable=False)
    prefix = models.CharField(_("key begins with"), max_length=PREFIX_LENGTH, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["key_hash"], name="apikey_key_hash_unique")]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def digest(raw: str) -> str:
        return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()

    def set_new_key(self) -> str:
        """Give this row a fresh key and return it: the only moment it can be read."""
        raw = secrets.token_urlsafe(32)
        self.key_hash = self.digest(raw)
        self.prefix = raw[: self.PREFIX_LENGTH]
        return raw

    @classmethod
    def authenticate(cls, raw: str | None) -> ApiKey | None:
        """The active key row for `raw`, or None."""
        if not raw or len(raw) > 200:
            return None
        return cls.objects.filter(key_hash=cls.digest(raw), is_active=True).first()


class ChannelSender(models.Model):
    """Who sent a Facebook or Zalo case, so the answer can go back through the platform.

    `sender_id` is the platform's id of the person on our page or official account (a
    Messenger PSID, a Zalo user id): personal data, never logged. `raw_payload` is the one
    event the case came from, kept for checking the intake; purged with the other raw
    channel payloads (SECURITY DP6).
    """

    class Platform(models.TextChoices):
        FACEBOOK = "facebook", _("Facebook")
        ZALO = "zalo", _("Zalo")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="channel_sender")
    platform = models.CharField(_("platform"), max_length=16, choices=Platform.choices)
    sender_id = models.CharField(_("sender id"), max_length=64)
    page_id = models.CharField(_("page or official account id"), max_length=64, blank=True)
    raw_payload = models.JSONField(_("raw payload"), default=dict, blank=True)
    received_at = models.DateTimeField(_("received at"))

    class Meta:
        verbose_name = _("channel sender")
        verbose_name_plural = _("channel senders")
        indexes = [
            models.Index(fields=["platform", "sender_id"], name="channelsender_platform_sender"),
        ]


class IncomingEmail(models.Model):
    """One message read from the 1022 mailbox: the case it became, or why it became none.

    `key` is the case's idempotency key (a digest of the Message-ID), so a message seen
    again, or read by two workers at once, makes one case. `note` says what was left out
    (attachments that are not photos, by type and size) or why no case was made; it never
    holds the sender's address or text (SECURITY AU3).
    """

    class Outcome(models.TextChoices):
        CASE = "case", _("Became a case")
        REFUSED = "refused", _("No case made")

    key = models.CharField(max_length=64)  # unique by a constraint (Meta): no LIKE twin
    case = models.OneToOneField(Case, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="incoming_email")
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices)
    note = models.TextField(_("note"), blank=True)
    received_at = models.DateTimeField(_("received at"))

    class Meta:
        verbose_name = _("incoming e-mail")
        verbose_name_plural = _("incoming e-mails")
        indexes = [models.Index(fields=["outcome", "received_at"], name="incomingemail_outcome")]
        constraints = [models.UniqueConstraint(fields=["key"], name="incomingemail_key_unique")]

    def __str__(self) -> str:
        return f"{self.key} ({self.outcome})"


class Submission(models.Model):
    """A form sent on the public portal, accepted as it came: one row, written while the
    citizen waits, with the tracking code they are shown. The worker builds the case from
    it (feedback.intake), with `received_at` as the case's time of receipt, and then clears
    `payload`, which is the only place the reporter's details wait meanwhile.

    `idempotency_key` is the form's: a double submit or a retry finds this row and shows
    the same code (SECURITY IN4).
    """

    received_at = models.DateTimeField(_("received at"))
    idempotency_key = models.CharField(max_length=64)  # unique by a constraint (Meta)
    tracking_code = models.CharField(_("tracking code"), max_length=16)
    # The answer to "send me SMS updates", kept for the "sent" page once the case is built.
    sms_updates = models.BooleanField(null=True)
    language = models.CharField(max_length=8)
    payload = models.JSONField(default=dict, blank=True)
    case = models.OneToOneField(Case, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="submission")
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("web submission")
        verbose_name_plural = _("web submissions")
        indexes = [models.Index(fields=["received_at"], condition=models.Q(case__isnull=True),
                                name="submission_pending")]
        constraints = [
            models.UniqueConstraint(fields=["idempotency_key"], name="submission_key_unique"),
            models.UniqueConstraint(fields=["tracking_code"], name="submission_code_unique"),
        ]

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def display_code(self) -> str:
        return display_code(self.tracking_code)
