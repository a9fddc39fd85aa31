"""The Appendix 1 reply letter: the unit's approved reply laid out as an official letter
(Decree 30/2020), rendered to PDF with the letterhead of workflow.documents."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import datetime

from django.template.loader import render_to_string
from django.utils import timezone

from .documents import ARCHIVE, RECIPIENTS, html_to_pdf, letterhead
from .models import Assignment, Draft

# Appendix 1 of the regulation, word for word around the unit's own reply (legal formulae,
# printed in Vietnamese whatever the reader's language: see workflow.documents).
DEAR = "Kính gửi:"
DEFAULT_ADDRESSEE = "Quý cá nhân/tổ chức"
DEFAULT_SIGNER_TITLE = "THỦ TRƯỞNG ĐƠN VỊ"
DEFAULT_RECIPIENTS = ("Như trên;", ARCHIVE)
REPLY_OPENING = (
    "%(unit)s xin thông báo kết quả xử lý phản ánh, kiến nghị của %(addressee)s như sau:"
)
REPLY_THANKS = (
    "Chúng tôi cảm ơn cá nhân/tổ chức và mong tiếp tục nhận được phản ánh, kiến nghị."
)
REPLY_CLOSING = "Trân trọng./."


@dataclass(frozen=True)
class Letter:
    head: dict[str, str]
    unit: str
    addressee: str
    opening: str
    paragraphs: list[str]
    thanks: str
    closing: str
    recipients_label: str
    recipients: list[str]
    signer_title: str
    signer: str


def approved_draft(assignment: Assignment) -> Draft | None:
    """The reply the leader approved: the latest version of an approved assignment."""
    if assignment.state != Assignment.State.APPROVED:
        return None
    return assignment.drafts.order_by("-version").first()


def public_body(assignment: Assignment, draft: Draft) -> str:
    """The body of the public copy: what the coordinator published, never text they took out.

    The coordinator may edit the reply before publishing it (Art. 10), and the public page
    shows that text (``Case.reply_text``), so:

    - a case handled by one unit (returned assignments aside): the published reply;
    - a case handled by several units: the unit's own approved draft when the coordinator
      published it unchanged (it appears in the published reply, spacing aside), so each
      unit's letter carries its own answer; when they edited it, the published reply as a
      whole, as an edit cannot be traced back to one unit's part.

    A case published without text (not possible through the services) keeps the draft.
    """
    case = assignment.case
    published = case.reply_text
    if not published.strip():
        return draft.body
    others = case.assignments.exclude(state=Assignment.State.RETURNED).exclude(
        pk=assignment.pk
    )
    if not others.exists():
        return published
    if " ".join(draft.body.split()) in " ".join(published.split()):
        return draft.body
    return published


def reply_letter(assignment: Assignment, draft: Draft, *, public: bool = False) -> Letter:
    """Appendix 1: the unit's result as an official letter. The addressee is what the unit
    wrote, never the reporter's name from the case (Art. 13.8, 17.6). The public copy is
    always addressed to the neutral default: a unit that was shown the reporter's contact
    may have written their name there, and a public page never names a reporter (DP3). Its
    body is the published reply (see `public_body`); the staff copy's is the approved draft."""
    unit = assignment.unit.name
    approved: datetime = assignment.approved_at or draft.created_at
    day = draft.date or timezone.localdate(approved)
    addressee = (not public and draft.addressee) or DEFAULT_ADDRESSEE
    body = public_body(assignment, draft) if public else draft.body
    recipients = [
        line.strip().lstrip("-·•").strip() for line in draft.recipients.splitlines()
        if line.strip()
    ] or list(DEFAULT_RECIPIENTS)
    return Letter(
        head=letterhead(unit, draft.number, day),
        unit=unit,
        addressee=addressee,
        opening=REPLY_OPENING % {"unit": unit, "addressee": addressee[:1].lower()
                                 + addressee[1:]},
        paragraphs=[p for p in body.splitlines() if p.strip()],
        thanks=REPLY_THANKS,
        closing=REPLY_CLOSING,
        recipients_label=RECIPIENTS,
        recipients=recipients,
        signer_title=(draft.signer_title or DEFAULT_SIGNER_TITLE).upper(),
        signer=draft.signer,
    )


def letter_digest(letter: Letter) -> str:
    """A hash of everything a letter prints: the same digest, the same PDF."""
    text = json.dumps(asdict(letter), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def letter_pdf(letter: Letter) -> bytes:
    html = render_to_string("workflow/pdf/reply_letter.html", {"letter": letter, "dear": DEAR})
    return html_to_pdf(html)


def reply_letter_pdf(assignment: Assignment, draft: Draft, *, public: bool = False) -> bytes:
    return letter_pdf(reply_letter(assignment, draft, public=public))
