"""Multipart bodies as RFC 2046 writes them: a part may end with its headers, no blank
line and no body. That is an empty value, and the API reads it as one, never as a field
left out."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from feedback.api import multipart
from tests.api.support import body_json, issue_key
from tests.api.test_json_api import SUBMIT, fields
from tests.feedback.support import png_bytes
from workflow.models import Case

pytestmark = pytest.mark.django_db

BOUNDARY = "rfc2046-boundary"


def part(name: str, value: str | bytes | None) -> bytes:
    """One part and the line break of the delimiter after it; None writes an empty value
    as RFC 2046 allows: the headers, then at once the next delimiter."""
    head = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n'.encode()
    data = value.encode() if isinstance(value, str) else value
    return head + (b"" if data is None else b"\r\n" + data) + b"\r\n"


def body(*parts: bytes) -> bytes:
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def post_multipart(client, url: str, payload: bytes, **headers):
    return client.generic("POST", url, payload, headers=headers,
                          content_type=f"multipart/form-data; boundary={BOUNDARY}")


def submission_parts(**overrides: str | None) -> list[bytes]:
    data = {**fields(), **overrides}
    return [part(name, value) for name, value in data.items()]


@pytest.mark.parametrize("name", ["photo_tokens", "sms_updates", "latitude", "occurred_at"])
def test_an_empty_value_sent_without_a_body_is_refused_like_any_empty_value(
        client, province, name):
    key = issue_key("Tây Ninh Smart")
    response = post_multipart(client, SUBMIT, body(*submission_parts(**{name: None})),
                              **{"X-Api-Key": key})
    assert response.status_code == 400, response.content
    assert set(body_json(response)["errors"]) == {name}
    assert not Case.objects.exists()


@pytest.mark.parametrize("name", ["sms_updates", "is_confidential", "latitude", "occurred_at",
                                  "category"])
def test_an_empty_number_date_code_or_yes_no_in_a_form_body_is_refused(client, province, name):
    key = issue_key("Tây Ninh Smart")
    response = client.post(SUBMIT, urlencode({**fields(), name: ""}),
                           content_type="application/x-www-form-urlencoded",
                           headers={"X-Api-Key": key})
    assert response.status_code == 400, response.content
    assert body_json(response)["errors"] == {name: ["Give a value, or leave the field out."]}


def test_an_empty_text_without_a_body_is_an_empty_text(client, province):
    key = issue_key("Tây Ninh Smart")
    response = post_multipart(client, SUBMIT, body(*submission_parts(location_text=None)),
                              **{"X-Api-Key": key})
    assert response.status_code == 201, response.content
    assert Case.objects.get().location_text == ""


@pytest.mark.parametrize("read_size", [1, 2, 5, 17, 64 * 1024])
def test_every_other_byte_reaches_the_parser_unchanged(rf, monkeypatch, read_size):
    monkeypatch.setattr(multipart, "CHUNK", read_size)
    payload = body(part("note", "two lines\r\n\r\n"), part("empty", None),
                   part("dashes", f"--{BOUNDARY[:-1]}"), part("last", None))
    request = rf.generic("POST", "/", payload,
                         content_type=f"multipart/form-data; boundary={BOUNDARY}")
    multipart.keep_empty_parts(request)
    assert request.POST.dict() == {"note": "two lines\r\n\r\n", "empty": "",
                                   "dashes": f"--{BOUNDARY[:-1]}", "last": ""}


@pytest.mark.parametrize(("name", "value"), [("sms_updates", "{}"), ("sms_updates", "no"),
                                             ("is_confidential", "0"), ("consent", "on")])
def test_a_yes_no_in_a_form_body_is_written_true_or_false(client, province, name, value):
    key = issue_key("Tây Ninh Smart")
    response = client.post(SUBMIT, urlencode({**fields(), name: value}),
                           content_type="application/x-www-form-urlencoded",
                           headers={"X-Api-Key": key})
    assert response.status_code == 400, response.content
    assert body_json(response)["errors"] == {name: ["Send true or false."]}
    assert not Case.objects.exists()


def test_a_field_of_one_value_sent_twice_is_refused_not_read_as_its_last(client, province):
    key = issue_key("Tây Ninh Smart")
    payload = urlencode({**fields(), "latitude": ["91", "11.3"]}, doseq=True)
    response = client.post(SUBMIT, payload, content_type="application/x-www-form-urlencoded",
                           headers={"X-Api-Key": key})
    assert response.status_code == 400, response.content
    assert body_json(response)["errors"] == {"latitude": ["Send one value for this field."]}


@pytest.mark.parametrize("name", ["occurred_at", "category"])
def test_an_empty_date_or_code_in_json_is_refused_not_read_as_left_out(client, province, name):
    key = issue_key("Tây Ninh Smart")
    response = client.post(SUBMIT, {**fields(), "consent": True, name: ""},
                           content_type="application/json", headers={"X-Api-Key": key})
    assert response.status_code == 400, response.content
    assert body_json(response)["errors"] == {name: ["Give a value, or leave the field out."]}


def test_a_photo_part_without_a_file_name_is_refused_not_dropped(client, province):
    key = issue_key("Tây Ninh Smart")
    response = post_multipart(client, SUBMIT,
                              body(*submission_parts(), part("photos", png_bytes())),
                              **{"X-Api-Key": key})
    assert response.status_code == 400, response.content
    assert body_json(response)["errors"] == {
        "photos": ["Send each photo as a file: its part needs a file name."]}
    assert not Case.objects.exists()


def test_the_document_lists_the_photos_among_the_multipart_bodys_own_properties(client):
    document = body_json(client.get("/api/v1/openapi.json"))
    multipart_body = document["paths"]["/api/v1/cases"]["post"]["requestBody"]["content"][
        "multipart/form-data"]["schema"]
    name = multipart_body["$ref"].rsplit("/", 1)[1]
    photos = document["components"]["schemas"][name]["properties"]["photos"]
    assert photos["items"]["format"] == "binary"
