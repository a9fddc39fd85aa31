"""What a reader of a case's result sees of each unit: its Appendix 1 reply letter and the
evidence photos of the reply that was approved (Art. 8.3). Who may read them is the caller's
to say: publishing for public cases, feedback for the reporter tracking their own case.

The photos were cleaned when the unit attached them (workflow.forms.evidence_photo, through
workflow.photos.clean_photo): re-encoded JPEG or PNG, no metadata. They live under a private
path and leave it only through `photo_response`, from a view that checked the reader.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import FileResponse
from django.utils.translation import gettext as _

from .letters import LetterLink, letter_link, with_latest_signed
from .models import Assignment, Draft, DraftPhoto


@dataclass(frozen=True)
class EvidencePhoto:
    url: str
    alt: str


@dataclass(frozen=True)
class UnitResult:
    """One unit's result as a case page shows it: its letter and its photos."""

    unit: str
    letter: LetterLink
    photos: list[EvidencePhoto] = field(default_factory=list)


def released_photos(assignments: QuerySet[Assignment]) -> QuerySet[DraftPhoto]:
    """The photos of the approved reply of each approved assignment among `assignments`:
    the latest draft's (a leader's edit copies them into its new version); a version the
    leader sent back, or one still being written, has none here."""
    latest = Draft.objects.filter(assignment_id=OuterRef("draft__assignment_id")).order_by(
        "-version").values("pk")[:1]
    return DraftPhoto.objects.filter(
        draft__assignment__in=assignments.filter(state=Assignment.State.APPROVED),
        draft_id=Subquery(latest),
    )


def unit_results(assignments: QuerySet[Assignment], *, letter_url: Callable[[int], str],
                 photo_url: Callable[[int], str]) -> list[UnitResult]:
    """The results of the approved assignments among `assignments`, ordered by unit; URLs
    by the assignment's and the photo's id. Three queries, however many units and photos."""
    approved = list(with_latest_signed(assignments.filter(state=Assignment.State.APPROVED)))
    photos: dict[int, list[int]] = {a.pk: [] for a in approved}
    if photos:
        rows = (released_photos(Assignment.objects.filter(pk__in=photos)).order_by("pk")
                .values_list("draft__assignment_id", "pk"))
        for assignment_id, pk in rows:
            photos[assignment_id].append(pk)
    return [
        UnitResult(
            unit=a.unit.name, letter=letter_link(a, letter_url(a.pk)),
            photos=[EvidencePhoto(url=photo_url(pk), alt=_(
                "Photo %(number)d of the result from %(unit)s") % {"number": n,
                                                                   "unit": a.unit.name})
                    for n, pk in enumerate(photos[a.pk], start=1)],
        )
        for a in approved
    ]


SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "image/png", "png"), (b"\xff\xd8\xff", "image/jpeg", "jpg"))


def photo_response(photo: DraftPhoto) -> FileResponse:
    """The photo shown in the browser as the image it is, under a name of our own making;
    its type read from its first bytes, never from a name anyone chose (SECURITY AC2).
    Never kept by a shared cache: whether it may be read is checked on each request."""
    handle = photo.image.open("rb")
    head = handle.read(8)
    handle.seek(0)
    content_type, extension = "application/octet-stream", ""
    for signature, kind, ext in SIGNATURES:
        if head.startswith(signature):
            content_type, extension = kind, ext
    response = FileResponse(handle, content_type=content_type)
    disposition = "inline" if extension else "attachment"
    response["Content-Disposition"] = (
        f'{disposition}; filename="photo-{photo.pk}.{extension or "bin"}"')
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
