"""The Appendix 1 reply letters of a case: which to link, and which bytes to serve.

A letter exists for each approved assignment. Until the unit uploads the letter it signed
in its document system (workflow.signed_letters), the generated one is served; after, the
signed one, with its hash (Decree 30/2020: an electronic reply is official only once
digitally signed). Which cases are public is publishing's to say (publishing.letters).
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.http import HttpResponse
from django.urls import reverse

from routing.selectors import Actor

from .models import Assignment, SignedLetter
from .reply_letter import approved_draft, letter_digest, letter_pdf, reply_letter, reply_letter_pdf

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LetterLink:
    """One letter as a case page links it."""

    unit: str
    url: str
    signed: bool = False
    sha256: str = ""
    uploaded_at: datetime | None = None
    has_signature: bool = False
    upload_url: str = ""  # for those who may upload the signed letter


def may_upload(actor: Actor, assignment: Assignment) -> bool:
    """The coordinator, or a leader of the assigned unit: the one who signs for it."""
    return actor.is_coordinator or actor.is_leader_of(assignment.unit_id)


def may_read_staff_letter(actor: Actor, assignment: Assignment) -> bool:
    return actor.is_coordinator or actor.is_member_of(assignment.unit_id)


def latest_signed(assignment: Assignment) -> SignedLetter | None:
    return assignment.signed_letters.order_by("-uploaded_at", "-pk").first()


def with_latest_signed(qs: QuerySet[Assignment]) -> QuerySet[Assignment]:
    """The assignments with their units and their newest signed letter as `latest_signed`
    (an empty list or one letter), ordered as the pages list them."""
    latest = SignedLetter.objects.filter(assignment=OuterRef("assignment_id")).order_by(
        "-uploaded_at", "-pk"
    ).values("pk")[:1]
    return qs.select_related("unit").prefetch_related(
        Prefetch("signed_letters", queryset=SignedLetter.objects.filter(pk=Subquery(latest)),
                 to_attr="latest_signed")
    ).order_by("unit__name", "pk")


def letter_link(assignment: Assignment, url: str, upload_url: str = "") -> LetterLink:
    """The link to an assignment read with its `latest_signed`."""
    signed = assignment.latest_signed[0] if assignment.latest_signed else None
    return LetterLink(
        unit=assignment.unit.name, url=url, signed=signed is not None,
        sha256=signed.sha256 if signed else "",
        uploaded_at=signed.uploaded_at if signed else None,
        has_signature=signed.has_signature if signed else False,
        upload_url=upload_url,
    )


def staff_letter_links(actor: Actor, case_id: int,
                       assignments: Sequence[Assignment] | None = None) -> list[LetterLink]:
    """The letters of a case that `actor` may read on the staff case page. `assignments`,
    the case's assignments as the page already read them (with their units), saves reading
    them again: one query then, for the newest signed letter of each approved one, or none
    when they were read with it (`latest_signed`)."""
    if assignments is None:
        qs = Assignment.objects.filter(case_id=case_id, state=Assignment.State.APPROVED)
        if not actor.is_coordinator:
            qs = qs.filter(unit_id__in=actor.units)
        approved = list(with_latest_signed(qs))
    else:
        approved = sorted((a for a in assignments if a.state == Assignment.State.APPROVED
                           and may_read_staff_letter(actor, a)),
                          key=lambda a: (a.unit.name, a.pk))
        # The case page reads them with the assignments (workflow.views.case.assignments).
        if any(not hasattr(a, "latest_signed") for a in approved):
            newest: dict[int, SignedLetter] = {}
            for letter in (SignedLetter.objects.filter(assignment__in=approved)
                           .order_by("assignment_id", "-uploaded_at", "-pk")):
                newest.setdefault(letter.assignment_id, letter)
            for a in approved:
                a.latest_signed = [newest[a.pk]] if a.pk in newest else []
    return [
        letter_link(a, reverse("letters:reply", args=[a.pk]),
                    reverse("letters:signed", args=[a.pk]) if may_upload(actor, a) else "")
        for a in approved
    ]


@dataclass(frozen=True)
class LetterFile:
    data: bytes
    filename: str
    sha256: str = ""  # of a signed upload

    @property
    def digest_header(self) -> str:
        """RFC 9530 Repr-Digest: the hash a reader can check the bytes against."""
        if not self.sha256:
            return ""
        return f"sha-256=:{base64.b64encode(bytes.fromhex(self.sha256)).decode()}:"


def pdf_response(letter: LetterFile) -> HttpResponse:
    """The letter shown in the browser, with its hash when it is a signed upload."""
    response = HttpResponse(letter.data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{letter.filename}"'
    if letter.digest_header:
        response["Repr-Digest"] = letter.digest_header
    return response


def letter_file(assignment: Assignment, *, public: bool = False) -> LetterFile | None:
    """The signed letter when one was uploaded, else the generated one; None before the
    leader approved the reply. A public file name carries the case number, never the
    tracking code (which opens the case with the phone, SECURITY AC3)."""
    case_ref = assignment.case_id if public else assignment.case.tracking_code
    name = f"tra-loi-{case_ref}-{assignment.unit.code}"
    signed = latest_signed(assignment)
    if signed is not None and assignment.state == Assignment.State.APPROVED:
        with signed.file.open("rb") as handle:
            data = handle.read()
        return LetterFile(data=data, filename=f"{name}-da-ky.pdf", sha256=signed.sha256)
    draft = approved_draft(assignment)
    if draft is None:
        return None
    if not public:
        return LetterFile(data=reply_letter_pdf(assignment, draft), filename=f"{name}.pdf")
    # Rendering takes WeasyPrint about a second: anyone may ask for a public letter, so it is
    # rendered once per content. The key hashes everything the letter prints (the draft's
    # fields, the published reply the body may come from, the unit's name, the letterhead):
    # a new draft version, a republished reply or a renamed unit is a new key.
    letter = reply_letter(assignment, draft, public=True)
    key = f"letters:public-letter:{assignment.pk}:{letter_digest(letter)}"
    data = _cache_get(key)
    if data is None:
        data = letter_pdf(letter)
        _cache_set(key, data)
    return LetterFile(data=data, filename=f"{name}.pdf")


PUBLIC_LETTER_SECONDS = 7 * 24 * 3600


def _cache_get(key: str) -> bytes | None:
    try:
        return cache.get(key)
    except Exception:  # noqa: BLE001 — the cache is an optimisation: render when it is down
        logger.warning("public letter cache unavailable", exc_info=True)
        return None


def _cache_set(key: str, data: bytes) -> None:
    try:
        cache.set(key, data, PUBLIC_LETTER_SECONDS)
    except Exception:  # noqa: BLE001 — as above
        logger.warning("public letter cache unavailable", exc_info=True)
