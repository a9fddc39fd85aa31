"""Workflow's answers to the personal data inventory: its own models, the staff accounts, and
routing's models (routing imports no other app of ours, so workflow lists them for it)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.storage import Storage
from django.utils.translation import gettext_lazy

from routing.models import AuditEvent, NotificationPreference, Unit

from ..models import (
    AbuseListEntry,
    Case,
    DataRequest,
    Draft,
    DraftPhoto,
    DuplicateCandidate,
    MessageTemplate,
    OutboxMessage,
    SentMessage,
)
from .inventory import (
    BASIC,
    CONFIDENTIAL_IDENTITY,
    CaseData,
    CaseIds,
    register_case_data,
    register_not_personal,
    register_personal_field,
)

_CASE_CONTACT: dict[str, Any] = {
    "category": CONFIDENTIAL_IDENTITY,
    "purpose": gettext_lazy(
        "To answer the reporter and verify the feedback (Art. 6); hidden from units "
        "unless the coordinator reveals it; confidential when the reporter asks."),
    "retention": gettext_lazy(
        "Anonymised RETENTION_ANONYMISE_DAYS after the case closes; deleted with a "
        "rejected case after RETENTION_REJECTED_DAYS; erased on the reporter's "
        "request once the case is closed."),
}
_PLACE: dict[str, Any] = {
    "category": BASIC,
    "purpose": gettext_lazy("Where the problem is, for the handling unit; it may be a home."),
    "retention": gettext_lazy("As long as the case; shown publicly only as the typed location."),
}
_STAFF: dict[str, Any] = {
    "category": BASIC,
    "purpose": gettext_lazy("Staff accounts: who did what, signed letters, log-in."),
    "retention": gettext_lazy("While the account exists; the audit log keeps the account id."),
}
_AUDIT_KEPT = gettext_lazy("As long as the audit log is kept.")


def _photo_files(case_ids: CaseIds) -> list[tuple[Storage, str]]:
    return [(photo.image.storage, photo.image.name) for photo in
            DraftPhoto.objects.filter(draft__assignment__case_id__in=case_ids).only("image")
            if photo.image.name]


def _photo_counts(case_ids: CaseIds) -> dict[str, int]:
    return {"photos_purged":
            DraftPhoto.objects.filter(draft__assignment__case_id__in=case_ids).count()}


def register() -> None:
    for field in ("reporter_name", "reporter_phone", "reporter_email", "reporter_address"):
        register_personal_field(Case, field, **_CASE_CONTACT)
    register_personal_field(Case, "latitude", **_PLACE)
    register_personal_field(Case, "longitude", **_PLACE)
    register_personal_field(
        Draft, "signer", category=BASIC,
        purpose=gettext_lazy("The official who signs the reply letter (Appendix 1)."),
        retention=gettext_lazy("As long as the case: the letter is a public record."))
    register_personal_field(
        DataRequest, "subject_phone", category=BASIC,
        purpose=gettext_lazy("Which cases a personal data request covers."),
        retention=gettext_lazy(
            "Cleared when an erasure is carried out; otherwise kept with the request."))
    register_personal_field(
        DataRequest, "corrections", category=BASIC,
        purpose=gettext_lazy("The corrected contact data a reporter asks for."),
        retention=gettext_lazy("Cleared when an erasure is carried out."))
    register_personal_field(
        DataRequest, "details", category=BASIC,
        purpose=gettext_lazy("What the reporter wrote with their request."),
        retention=gettext_lazy("Cleared when an erasure is carried out."))
    register_personal_field(
        AuditEvent, "ip", category=BASIC,
        purpose=gettext_lazy("The security log (AU1)."), retention=_AUDIT_KEPT)
    register_personal_field(
        AuditEvent, "username_tried", category=BASIC,
        purpose=gettext_lazy("Failed log-ins, to detect password guessing (AU1)."),
        retention=_AUDIT_KEPT)
    register_personal_field(
        AbuseListEntry, "value", category=CONFIDENTIAL_IDENTITY,
        purpose=gettext_lazy(
            "A reporter's phone, e-mail or address whose new submissions wait for the "
            "coordinator (Art. 18.2)."),
        retention=gettext_lazy(
            "Deleted ABUSE_LIST_RETENTION_DAYS after it was added, or once switched off."))
    register_personal_field(
        AbuseListEntry, "reason", category=BASIC,
        purpose=gettext_lazy("Why the coordinator put the contact on the abuse list."),
        retention=gettext_lazy("Deleted with its abuse list entry."))
    _kept = gettext_lazy(
        "Deleted SENT_MESSAGES_RETENTION_DAYS after it was written; only where no gateway is "
        "configured (the demo, development).")
    register_personal_field(
        SentMessage, "recipient", category=CONFIDENTIAL_IDENTITY,
        purpose=gettext_lazy("Who a message would have gone to, for administrators to read "
                             "where no gateway is configured."),
        retention=_kept)
    for field in ("subject", "body"):
        register_personal_field(
            SentMessage, field, category=BASIC,
            purpose=gettext_lazy("What a message would have said (codes included), for "
                                 "administrators to read where no gateway is configured."),
            retention=_kept)
    user = get_user_model()
    for field in ("username", "first_name", "last_name", "email"):
        register_personal_field(user, field, **_STAFF)
    register_personal_field(
        NotificationPreference, "sms_phone", category=BASIC,
        purpose=gettext_lazy("A staff member's own urgent notices by SMS, when they chose it."),
        retention=gettext_lazy("While the account exists; the person may clear it."))

    for field in ("phone", "email", "address"):
        register_not_personal(Unit, field, "an agency's public contact")
    register_not_personal(Case, "reporter_language", "the language to write to the reporter in")
    register_not_personal(DuplicateCandidate, "same_phone",
                          "whether two cases share a phone, not the phone")
    register_not_personal(Draft, "signer_title", "an office's title on the letter, not a person")
    register_not_personal(MessageTemplate, "email_subject",
                          "a message template, filled in when sent")
    register_not_personal(MessageTemplate, "email_body", "a message template, filled in when sent")
    register_not_personal(OutboxMessage, "to_reporter",
                          "whether the reporter is addressed; the address is read from the "
                          "case when the message is sent")

    # The case's own contact data is blanked by retention itself; the evidence photos of its
    # drafts go with a purged case.
    register_case_data("workflow", CaseData(purge_files=_photo_files,
                                            purge_counts=_photo_counts))
