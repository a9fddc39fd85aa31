"""Every uploaded photo, from anyone: the real type from the bytes, limits, and a clean
re-encoding (SECURITY DP5, IN2).

The one cleaner for the citizens' photos (the web form, the JSON API, the e-mail intake:
feedback.uploads) and the units' evidence photos (workflow.forms). The original upload is
never stored: each photo is decoded by Pillow, turned upright, scaled down if huge and
encoded afresh as JPEG (or PNG when it has transparency) with no metadata block at all: no
EXIF (so no GPS), XMP, IPTC, ICC profile, comment or embedded thumbnail. Polyglot files do
not survive a decode and re-encode.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

# What a phone or a browser sends; anything else is refused, whatever its name says.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
JPEG_QUALITY = 85
# Past the ceiling Pillow only warns, on stderr; the check in clean_photo refuses those.
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)


@dataclass(frozen=True)
class CleanPhoto:
    """A re-encoded photo, ready to store; nothing of the sender's file is left in it."""

    content: bytes
    content_type: str
    extension: str
    width: int
    height: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @property
    def size(self) -> int:
        return len(self.content)


def clean_photo(upload: UploadedFile, *, max_bytes: int | None = None) -> CleanPhoto:
    """Check one uploaded photo and return its clean re-encoding, or raise ValidationError
    with the code "too_large", "not_photo" or "too_many_pixels" (a caller may word its own
    message by the code).

    `max_bytes` defaults to PUBLIC_PHOTO_MAX_BYTES; the pixel and edge limits are the
    settings' for every photo. The client's file name and declared content type are ignored.
    """
    if max_bytes is None:
        max_bytes = settings.PUBLIC_PHOTO_MAX_BYTES
    too_large = ValidationError(
        _("A photo is larger than %(size)s.") % {"size": filesizeformat(max_bytes)},
        code="too_large",
    )
    if upload.size is None or upload.size > max_bytes:
        raise too_large
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise too_large
    not_a_photo = ValidationError(
        _("A file is not a photo we can read. Send JPEG, PNG or WebP photos."), code="not_photo"
    )
    too_big = ValidationError(
        _("A photo has too many pixels. Send a smaller photo."), code="too_many_pixels"
    )
    ceiling = settings.PUBLIC_PHOTO_MAX_PIXELS
    # Pillow's own bomb check follows ours: it refuses twice the ceiling inside open().
    Image.MAX_IMAGE_PIXELS = ceiling
    try:
        with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as image:
            # The header gives the size before any pixel is decoded: a small PNG can
            # declare 50 megapixels, seconds of decoding; it is refused here, not after.
            if image.width * image.height > ceiling:
                raise too_big
            if getattr(image, "n_frames", 1) > 1:
                image.seek(0)  # an animated WebP: keep its first frame only
            image.load()
            return _reencode(image)
    except Image.DecompressionBombError:
        raise too_big from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise not_a_photo from None


def _reencode(image: Image.Image) -> CleanPhoto:
    upright = ImageOps.exif_transpose(image)
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or (
        upright.mode == "P" and "transparency" in upright.info
    )
    mode, fmt, content_type, extension = (
        ("RGBA", "PNG", "image/png", "png") if has_alpha
        else ("RGB", "JPEG", "image/jpeg", "jpg")
    )
    pixels = upright.convert(mode) if upright.mode != mode else upright
    edge = settings.PUBLIC_PHOTO_MAX_EDGE
    if max(pixels.size) > edge:
        # Scaled down before any copy: the copies below cost the small size only.
        pixels.thumbnail((edge, edge), Image.Resampling.LANCZOS)
    # A fresh image from the pixels alone: no info dict, no EXIF, no profile travels along.
    clean = Image.new(mode, pixels.size)
    clean.paste(pixels)
    out = io.BytesIO()
    if fmt == "JPEG":
        clean.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    else:
        clean.save(out, "PNG", optimize=True)
    return CleanPhoto(
        content=out.getvalue(), content_type=content_type, extension=extension,
        width=clean.width, height=clean.height,
    )
