"""Store a unit's signed reply letter (Decree 30/2020): the service behind the upload page.

The letter as the unit signed it in its document system replaces the generated one wherever
the letter is linked (workflow.letters)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from routing.selectors import Actor

from .models import Assignment, SignedLetter


class LetterRefused(Exception):
    """A refused upload, with a message for the person who sent it."""


PDF_MAGIC = b"%PDF-"
_SIGNATURE = re.compile(rb"/ByteRange\s*\[|/Type\s*/Sig\b|/FT\s*/Sig\b")


def max_letter_bytes() -> int:
    return int(getattr(settings, "SIGNED_LETTER_MAX_BYTES", 10 * 1024 * 1024))


def has_signature_dictionary(data: bytes) -> bool:
    """Whether the PDF carries a signature dictionary. It is not verified: the unit's
    document system signed it, and the hash shown with the file lets anyone compare it."""
    return _SIGNATURE.search(data) is not None


@dataclass(frozen=True)
class LetterCheck:
    sha256: str
    has_signature: bool


def check_signed_letter(data: bytes) -> LetterCheck:
    """A PDF within the size limit, or LetterRefused with a message for the uploader."""
    if len(data) > max_letter_bytes():
        raise LetterRefused(_("The file is larger than %(size)s MB.")
                            % {"size": max_letter_bytes() // (1024 * 1024)})
    if not data.startswith(PDF_MAGIC):
        raise LetterRefused(_("The file is not a PDF."))
    return LetterCheck(sha256=hashlib.sha256(data).hexdigest(),
                       has_signature=has_signature_dictionary(data))


def upload_signed_letter(*, assignment_id: int, data: bytes, actor: Actor,
                         now: datetime) -> SignedLetter:
    """Store the signed letter of an approved assignment; it replaces the generated one.
    The caller checked that `actor` is the coordinator or a leader of the unit."""
    check = check_signed_letter(data)
    with transaction.atomic():
        assignment = Assignment.objects.select_for_update().get(pk=assignment_id)
        if assignment.state != Assignment.State.APPROVED:
            raise LetterRefused(_("Only the letter of an approved reply can be uploaded."))
        letter = SignedLetter(
            assignment=assignment, sha256=check.sha256, size=len(data),
            has_signature=check.has_signature, uploaded_by=actor.user, uploaded_at=now,
        )
        letter.file.save("letter.pdf", ContentFile(data), save=False)
        try:
            letter.save()
        except Exception:
            letter.file.delete(save=False)  # no file without its row
            raise
    return letter
