"""The reply letters of public cases: published, not confidential, not secret. The letters
themselves, generated or signed, are workflow's (workflow.letters)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse

from workflow.letters import LetterLink, letter_link, with_latest_signed
from workflow.models import Assignment

from .selectors import public_cases


def public_assignments() -> QuerySet[Assignment]:
    """Approved assignments of public cases."""
    return Assignment.objects.filter(case__in=public_cases(), state=Assignment.State.APPROVED)


def public_letter_links(case_id: int) -> list[LetterLink]:
    """The letters of a public case, for its public page (two queries; none if not public)."""
    return [
        letter_link(a, reverse("publishing:letter", args=[a.pk]))
        for a in with_latest_signed(public_assignments().filter(case_id=case_id))
    ]
