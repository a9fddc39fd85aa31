"""Photos that declare more pixels than they are worth: refused from the header, before any
pixel is decoded, and counted toward the sender's upload allowance (SECURITY IN2)."""

from __future__ import annotations

import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.api.support import body_json, issue_key
from tests.feedback.support import png_bytes, send, submission, upload
from workflow.models import Case
from workflow.photos import clean_photo

pytestmark = pytest.mark.django_db


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header declares width × height RGB pixels and whose data is not there:
    decoding it would fail, so "too many pixels" shows it was judged by its header alone."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + _chunk(b"IEND", b""))


def refusal_code(content: bytes) -> str | None:
    try:
        clean_photo(SimpleUploadedFile("photo.png", content))
    except ValidationError as error:
        return error.code
    return None


def test_a_small_png_declaring_about_fifty_megapixels_is_refused_by_its_header():
    assert refusal_code(png_header_only(7000, 7000)) == "too_many_pixels"


def test_a_png_declaring_more_than_twice_the_ceiling_is_refused_the_same_way():
    assert refusal_code(png_header_only(30_000, 30_000)) == "too_many_pixels"


def test_the_ceiling_is_a_setting(settings):
    settings.PUBLIC_PHOTO_MAX_PIXELS = 200 * 200
    assert refusal_code(png_header_only(201, 200)) == "too_many_pixels"
    assert refusal_code(png_bytes((200, 200))) is None


def test_a_photo_under_the_ceiling_is_still_decoded_and_kept():
    assert refusal_code(png_bytes((64, 48))) is None
    assert refusal_code(png_header_only(64, 48)) == "not_photo"


@pytest.fixture
def two_uploads_an_hour(settings):
    settings.PUBLIC_RATE_LIMITS = {**settings.PUBLIC_RATE_LIMITS, "upload:ip": (2, 3600)}


def test_refused_api_uploads_count_toward_the_upload_limit(client, two_uploads_an_hour):
    client.cookies["django_language"] = "en"
    key = issue_key()

    def send_photo(content: bytes):
        return client.post("/api/v1/uploads", {"photo": upload(content, "p.png", "image/png")},
                           headers={"X-Api-Key": key})

    assert send_photo(png_header_only(7000, 7000)).status_code == 400
    assert send_photo(b"not a photo").status_code == 400
    refused = send_photo(png_bytes())
    assert refused.status_code == 429
    assert "Too many attempts" in body_json(refused)["errors"]["__all__"][0]


def test_web_forms_with_refused_photos_count_toward_the_upload_limit(client,
                                                                      two_uploads_an_hour):
    client.cookies["django_language"] = "en"

    def bomb() -> dict:
        return {"photos": [upload(png_header_only(7000, 7000), "p.png", "image/png")]}

    for _ in range(2):
        response = send(client, {**submission(), **bomb()})
        assert response.status_code == 400
        assert "too many pixels" in response.content.decode()
    assert send(client, {**submission(), **bomb()}).status_code == 429
    # Without files the form is not held back: the allowance is for uploads.
    assert send(client, submission()).status_code == 302
    assert Case.objects.count() == 1


def test_api_submissions_with_refused_photos_count_toward_the_upload_limit(
        client, province, two_uploads_an_hour):
    key = issue_key()
    fields = {"title": "Đèn đường hỏng", "content": "Ba bóng đèn không sáng từ tuần trước.",
              "reporter_name": "Nguyễn Thị Hoa", "reporter_phone": "0912345678",
              "reporter_email": "hoa@example.vn", "consent": "true"}

    def submit(content: bytes):
        photos = {"photos": [upload(content, "p.png", "image/png")]}
        return client.post("/api/v1/cases", {**fields, **photos}, headers={"X-Api-Key": key})

    assert submit(png_header_only(7000, 7000)).status_code == 400
    assert submit(b"GIF89a nonsense").status_code == 400
    assert submit(png_bytes()).status_code == 429
    assert not Case.objects.exists()
