"""Citizens' photos on feedback's side: the limits shown next to the file field, and the
re-encoded photos and checked videos stored ahead of their case (the web form's intake).

Every photo is checked and re-encoded by the one cleaner, workflow.photos.clean_photo (SECURITY
DP5, IN2), which the units' evidence photos go through too.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class StoredFile:
    """A photo or video already re-encoded or cleaned, and stored where attachments live
    (the web form's intake), waiting to become a case's attachment."""

    kind: str
    name: str
    content_type: str
    size: int
    sha256: str


def limits_text() -> str:
    """The limits, in words, shown next to the file field before anything is sent."""
    return _("Up to %(count)d photos (JPEG, PNG or WebP), at most %(size)s each.") % {
        "count": settings.PUBLIC_PHOTO_MAX_COUNT,
        "size": filesizeformat(settings.PUBLIC_PHOTO_MAX_BYTES),
    }
