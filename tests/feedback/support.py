"""Helpers of the public-portal tests: photos, a valid submission, a tracked session."""

from __future__ import annotations

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image

from feedback.intake import build_waiting

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


def send(client, data: dict, **extra):
    """The citizen sends the form, and the worker builds what it accepted, as it does
    moments later once the submission commits (feedback.intake)."""
    response = client.post(SUBMIT, data, **extra)
    build_waiting()
    return response


def track(client, code: str, phone: str, **extra):
    return client.post(TRACK, {"code": code, "phone": phone}, **extra)


# --- Videos: small files with the real container structure --------------------------------------
GPS_ISO6709 = b"+10.7500+106.1167/"
FRAMES = b"\x00\x00\x00\x10h264-frame-bytes" * 8


def box(kind: bytes, body: bytes = b"") -> bytes:
    """One ISO base-media box."""
    return (8 + len(body)).to_bytes(4, "big") + kind + body


def mp4_bytes(brand: bytes = b"isom", *, trailer: bytes = b"") -> bytes:
    """An MP4 as a phone writes it, with its position in udta/©xyz and Apple's meta box."""
    ftyp = box(b"ftyp", brand + (512).to_bytes(4, "big") + brand + b"avc1mp41")
    trak = box(b"trak", box(b"tkhd", b"\0" * 84)
               + box(b"mdia", box(b"mdhd", b"\0" * 24))
               + box(b"udta", box(b"\xa9xyz", b"\x00\x12\x15\xc7" + GPS_ISO6709)))
    moov = box(b"moov", box(b"mvhd", b"\0" * 100) + trak
               + box(b"udta", box(b"\xa9xyz", b"\x00\x12\x15\xc7" + GPS_ISO6709))
               + box(b"meta", b"\0\0\0\0" + box(b"ilst", b"com.apple.quicktime.location."
                                                        b"ISO6709 " + GPS_ISO6709)))
    return ftyp + box(b"free", b"LeakCam v2") + moov + box(b"mdat", FRAMES) + trailer


def ebml(element_id: int, body: bytes = b"", *, unknown_size: bool = False) -> bytes:
    """One EBML element with an eight-byte size (or the "unknown size" marker)."""
    size = b"\x01\xff\xff\xff\xff\xff\xff\xff" if unknown_size else (
        b"\x01" + len(body).to_bytes(7, "big"))
    return element_id.to_bytes((element_id.bit_length() + 7) // 8, "big") + size + body


def webm_bytes(doctype: bytes = b"webm", *, trailer: bytes = b"") -> bytes:
    """A WebM as a browser's MediaRecorder writes it: unsized Segment and Cluster, with Tags."""
    header = ebml(0x1A45DFA3, ebml(0x4286, b"\x01") + ebml(0x4282, doctype)
                  + ebml(0x4287, b"\x04"))
    info = ebml(0x1549A966, ebml(0x2AD7B1, b"\x0f\x42\x40"))
    tracks = ebml(0x1654AE6B, ebml(0xAE, ebml(0xD7, b"\x01") + ebml(0x86, b"V_VP8")))
    tags = ebml(0x1254C367, ebml(0x7373, ebml(0x67C8, ebml(0x45A3, b"LOCATION")
                                             + ebml(0x4487, GPS_ISO6709))))
    cluster = ebml(0x1F43B675, ebml(0xE7, b"\x00") + ebml(0xA3, FRAMES), unknown_size=True)
    segment = ebml(0x18538067, info + tracks + tags + cluster, unknown_size=True)
    return header + segment + trailer
