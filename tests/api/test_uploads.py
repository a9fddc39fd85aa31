"""Photos sent ahead of a submission: a short-lived token each, named in the submission."""

from __future__ import annotations

import json
import time

import pytest
from PIL import Image

from feedback.models import Attachment
from tests.api.support import body_json, issue_key
from tests.api.test_json_api import SUBMIT, fields
from tests.feedback.support import jpeg_with_gps, png_bytes, upload
from workflow.models import Case

pytestmark = pytest.mark.django_db

UPLOADS = "/api/v1/uploads"


@pytest.fixture
def key(db) -> str:
    return issue_key("Tây Ninh Smart")


def send_photo(client, key: str, content: bytes | None = None, **extra):
    photo = upload(content if content is not None else jpeg_with_gps())
    return client.post(UPLOADS, {"photo": photo}, headers={"X-Api-Key": key}, **extra)


def token_of(client, key: str, content: bytes | None = None) -> str:
    response = send_photo(client, key, content)
    assert response.status_code == 201, response.content
    return body_json(response)["token"]


def submit_json(client, key: str, tokens: list[str], **overrides):
    body = {**fields(**overrides), "consent": True, "photo_tokens": tokens}
    return client.post(SUBMIT, json.dumps(body), content_type="application/json",
                       headers={"X-Api-Key": key})


def test_an_uploaded_photo_is_re_encoded_and_its_token_lasts_an_hour(client, key):
    response = send_photo(client, key)
    assert response.status_code == 201
    receipt = body_json(response)
    assert set(receipt) == {"token", "expires_at", "content_type", "size", "width", "height"}
    assert (receipt["content_type"], receipt["width"], receipt["height"]) == (
        "image/jpeg", 64, 48)
    assert not Attachment.objects.exists()  # nothing is stored until a case takes it


def test_a_json_submission_takes_its_photos_by_token(client, province, key):
    tokens = [token_of(client, key), token_of(client, key, png_bytes())]
    response = submit_json(client, key, tokens)
    assert response.status_code == 201, response.content
    case = Case.objects.get()
    photos = Attachment.objects.filter(case=case).order_by("pk")
    assert [p.content_type for p in photos] == ["image/jpeg", "image/png"]
    with Image.open(photos[0].file) as image:
        assert not image.getexif()


def test_a_multipart_submission_names_its_tokens_as_repeated_fields(client, province, key):
    tokens = [token_of(client, key), token_of(client, key)]
    response = client.post(SUBMIT, {**fields(), "photo_tokens": tokens},
                           headers={"X-Api-Key": key})
    assert response.status_code == 201, response.content
    assert Attachment.objects.count() == 2


def test_a_token_is_used_once(client, province, key):
    token = token_of(client, key)
    assert submit_json(client, key, [token]).status_code == 201
    again = submit_json(client, key, [token], title="Một phản ánh khác")
    assert again.status_code == 422
    assert set(body_json(again)["errors"]) == {"photo_tokens"}
    assert Case.objects.count() == 1


def test_a_token_works_only_for_the_key_that_uploaded_it(client, province, key):
    token = token_of(client, issue_key("Another app"))
    response = submit_json(client, key, [token])
    assert response.status_code == 422
    assert "photo_tokens" in body_json(response)["errors"]
    assert not Case.objects.exists()


def test_an_expired_token_is_refused(client, province, key, settings):
    settings.API_UPLOAD_TOKEN_SECONDS = 1
    token = token_of(client, key)
    time.sleep(1.2)
    response = submit_json(client, key, [token])
    assert response.status_code == 422
    assert body_json(response)["errors"]["photo_tokens"] == [
        "An upload token is unknown or has expired. Upload the photo again."]


@pytest.mark.parametrize("tokens", [["x"], ["not a token at all, spaces!"], ["a" * 200]])
def test_a_malformed_token_is_refused(client, province, key, tokens):
    response = submit_json(client, key, tokens)
    assert response.status_code == 400
    assert "photo_tokens" in body_json(response)["errors"]


def test_at_most_five_photos_in_all(client, province, key, settings):
    tokens = [token_of(client, key) for _ in range(settings.PUBLIC_PHOTO_MAX_COUNT + 1)]
    response = submit_json(client, key, tokens)
    assert response.status_code == 400
    assert body_json(response)["errors"]["photo_tokens"] == ["Send at most 5 photos."]
    assert not Case.objects.exists()


def test_photos_and_tokens_together_are_at_most_five(client, province, key):
    tokens = [token_of(client, key) for _ in range(3)]
    photos = [upload(jpeg_with_gps()) for _ in range(3)]
    response = client.post(SUBMIT, {**fields(), "photos": photos, "photo_tokens": tokens},
                           headers={"X-Api-Key": key})
    assert response.status_code == 422
    assert body_json(response)["errors"]["photo_tokens"] == ["Send at most 5 photos."]
    assert not Case.objects.exists()


def test_a_well_formed_token_we_never_issued_is_a_422_the_document_lists(client, province, key):
    # The document can only say how a token is written; which exist is the server's state.
    response = submit_json(client, key, ["A" * 32])
    assert response.status_code == 422
    assert set(body_json(response)["errors"]) == {"photo_tokens"}
    document = body_json(client.get("/api/v1/openapi.json"))
    assert "422" in document["paths"]["/api/v1/cases"]["post"]["responses"]


def test_a_file_that_is_not_a_photo_gets_no_token(client, key):
    response = send_photo(client, key, b"%PDF-1.7 not a photo")
    assert response.status_code == 400
    assert set(body_json(response)["errors"]) == {"photo"}


def test_uploading_needs_an_api_key_and_a_multipart_body(client, key):
    assert send_photo(client, "nope").status_code == 403
    response = client.post(UPLOADS, "{}", content_type="application/json",
                           headers={"X-Api-Key": key})
    assert response.status_code == 415
    assert "errors" in body_json(response)


def test_uploads_are_throttled_per_address(client, key, settings):
    settings.PUBLIC_RATE_LIMITS = {**settings.PUBLIC_RATE_LIMITS, "upload:ip": (2, 3600)}
    assert [send_photo(client, key).status_code for _ in range(3)] == [201, 201, 429]
