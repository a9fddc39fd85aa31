"""A draft's evidence photos, served to those who may read the draft (SECURITY AC2).

The files live under a private path; this view is their only way out. Each photo was
re-encoded from its pixels when it was attached (workflow.photos.clean_photo), so it is a JPEG or a
PNG; the type is read from the file's first bytes, never from a name anyone chose.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from routing.selectors import actor_for

from ..selectors import get_draft_photo_for

SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "image/png", "png"), (b"\xff\xd8\xff", "image/jpeg", "jpg"))


@never_cache
@require_safe
@login_required
def draft_photo(request: HttpRequest, pk: int) -> FileResponse:
    photo = get_draft_photo_for(actor_for(request.user), pk)  # 404 unless they read the draft
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
