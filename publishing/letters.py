"""The results of public cases: published, not confidential, not secret. Each handling unit's
reply letter and the evidence photos of its approved reply; the letters themselves, generated
or signed, and the photos are workflow's (workflow.letters, workflow.results)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse

from workflow.models import Assignment, DraftPhoto
from workflow.results import UnitResult, released_photos, unit_results

from .selectors import public_cases


def public_assignments() -> QuerySet[Assignment]:
    """Approved assignments of public cases."""
    return Assignment.objects.filter(case__in=public_cases(), state=Assignment.State.APPROVED)


def public_results(case_id: int) -> list[UnitResult]:
    """Each unit's letter and photos, for a public case's page (three queries; none found if
    the case is not public)."""
    return unit_results(public_assignments().filter(case_id=case_id),
                        letter_url=lambda pk: reverse("publishing:letter", args=[pk]),
                        photo_url=lambda pk: reverse("publishing:photo", args=[pk]))


def get_public_photo(pk: int) -> DraftPhoto:
    """An evidence photo of a public case's approved reply, or 404 for any other photo."""
    try:
        return released_photos(public_assignments()).get(pk=pk)
    except DraftPhoto.DoesNotExist:
        raise Http404 from None
