"""Helpers of the public-portal tests: photos, a valid submission, a tracked session."""

from __future__ import annotations

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image

SUBMIT = reverse("public:submit")
TRACK = reverse("public:track")
TRACKED = reverse("public:tracked")


@pytest.fixture
def public_isolation(settings, tmp_path):
    """A cache of the test's own (rate-limit counts start at zero) and uploads in tmp."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": f"public-{uuid.uuid4().hex}"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()


def jpeg_with_gps(size: tuple[int, int] = (64, 48)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "LeakCam"  # Make
    exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (10.0, 45.0, 0.0), 3: "E", 4: (106.0, 7.0, 0.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"taken at home")
    return out.getvalue()


def png_bytes(size: tuple[int, int] = (32, 32)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 128, 0, 128)).save(out, "PNG")
    return out.getvalue()


def upload(content: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def submission(**overrides) -> dict:
    data = {
        "title": "Đường ngập sau mưa ở phường 3",
        "content": "Nước ngập sâu nửa mét trên đường Trần Hưng Đạo mỗi khi mưa lớn.",
        "category": "",
        "location_text": "Đường Trần Hưng Đạo, phường 3",
        "occurred_at": "2026-03-01T18:30",
        "reporter_name": "Nguyễn Thị Hoa",
        "reporter_phone": "0912 345 678",
        "reporter_email": "hoa@example.vn",
        "reporter_address": "12 Lê Lợi",
        "consent": "on",
        "website": "",
        "idempotency_key": uuid.uuid4().hex,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def track(client, code: str, phone: str, **extra):
    return client.post(TRACK, {"code": code, "phone": phone}, **extra)
