"""Feedback's answers to workflow's personal data inventory (SECURITY DP1, DP6, DP7): which of
its fields hold a person's data, and how its rows of a case are exported to the reporter,
anonymised with the case's contact data, and purged with a rejected case."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.files.storage import Storage
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from workflow.privacy.inventory import (
    BASIC,
    CONFIDENTIAL_IDENTITY,
    CaseData,
    CaseIds,
    register_case_data,
    register_personal_field,
)

from .models import Attachment, ChannelSender, Comment, Consent, Rating, Submission


def _grouped(queryset: QuerySet) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for row in queryset:
        grouped.setdefault(row.case_id, []).append(row)
    return grouped


def export(case_ids: list[int]) -> dict[int, dict[str, Any]]:
    """What feedback holds about the reporter of each case: the consents they gave, what
    they wrote and rated, the attachments' fingerprints and the platform they wrote from."""
    consents = _grouped(Consent.objects.filter(case_id__in=case_ids).order_by("given_at"))
    comments = _grouped(Comment.objects.filter(case_id__in=case_ids,
                                               author_kind=Comment.Author.REPORTER)
                        .order_by("created_at"))
    ratings = _grouped(Rating.objects.filter(case_id__in=case_ids).order_by("created_at"))
    attachments = _grouped(Attachment.objects.filter(case_id__in=case_ids).order_by("pk"))
    senders = {s.case_id: s for s in ChannelSender.objects.filter(case_id__in=case_ids)}
    return {
        pk: {
            "consents": [{"purpose": c.purpose, "agreed": c.agreed,
                          "notice_version": c.notice_version, "given_at": c.given_at}
                         for c in consents.get(pk, [])],
            "comments": [{"at": c.created_at, "text": c.body} for c in comments.get(pk, [])],
            "ratings": [{"at": r.created_at, "value": r.value, "note": r.note}
                        for r in ratings.get(pk, [])],
            "attachments": [{"kind": a.kind, "sha256": a.sha256}
                            for a in attachments.get(pk, [])],
            "platform": ({"platform": senders[pk].platform, "sender_id": senders[pk].sender_id}
                         if pk in senders else None),
        }
        for pk in case_ids
    }


def anonymise(case_ids: CaseIds) -> None:
    # The platform's id of the person is contact data too.
    ChannelSender.objects.filter(case_id__in=case_ids).update(sender_id="", raw_payload={})


def purge_files(case_ids: CaseIds) -> list[tuple[Storage, str]]:
    return [(a.file.storage, a.file.name) for a in
            Attachment.objects.filter(case_id__in=case_ids).only("file") if a.file.name]


def purge_counts(case_ids: CaseIds) -> dict[str, int]:
    return {"attachments_purged": Attachment.objects.filter(case_id__in=case_ids).count()}


def _payloads(cutoff: datetime) -> QuerySet[ChannelSender]:
    return ChannelSender.objects.filter(received_at__lt=cutoff).exclude(raw_payload={})


def expire(cutoff: datetime, batch: int) -> int:
    """Empty up to `batch` raw channel payloads received before `cutoff`; the caller's
    transaction holds the rows it locks."""
    ids = list(_payloads(cutoff).order_by("pk").select_for_update(skip_locked=True)
               .values_list("pk", flat=True)[:batch])
    if ids:
        ChannelSender.objects.filter(pk__in=ids).update(raw_payload={})
    return len(ids)


def count_expired(cutoff: datetime, spared: CaseIds) -> int:
    return _payloads(cutoff).exclude(case__in=spared).count()


def register() -> None:
    register_personal_field(
        Attachment, "file", category=BASIC,
        purpose=gettext_lazy("Photos and videos of the problem; people may appear in them. "
                             "Re-encoded without metadata (DP5)."),
        retention=gettext_lazy("As long as the case; deleted with a rejected case."))
    register_personal_field(
        ChannelSender, "sender_id", category=BASIC,
        purpose=gettext_lazy("The platform's id of the person, to answer on Facebook or Zalo."),
        retention=gettext_lazy("Anonymised with the case's contact data."))
    register_personal_field(
        ChannelSender, "raw_payload", category=BASIC,
        purpose=gettext_lazy("The message as the platform delivered it, to check the intake."),
        retention=gettext_lazy("Purged after RETENTION_REJECTED_DAYS (DP6)."))
    register_personal_field(
        Submission, "payload", category=CONFIDENTIAL_IDENTITY,
        purpose=gettext_lazy("The web form as it was sent, until the worker makes it a case."),
        retention=gettext_lazy("Cleared when the case is built, seconds after the sending."))
    register_case_data("feedback", CaseData(
        export=export, anonymise=anonymise, purge_files=purge_files, purge_counts=purge_counts,
        expire=expire, count_expired=count_expired, expired_counter="payloads_purged"))
