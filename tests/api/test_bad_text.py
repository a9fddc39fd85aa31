"""Text that cannot be stored, or should not be: the JSON API answers with a message, never a
500 (SECURITY IN3, IN5)."""

import json

import pytest

from tests.api.support import body_json, issue_key
from workflow.models import Case

pytestmark = pytest.mark.django_db

SUBMIT = "/api/v1/cases"
FIELDS = {
    "title": "Đường ngập sau mưa ở phường 3",
    "content": "Nước ngập sâu nửa mét trên đường Trần Hưng Đạo mỗi khi mưa lớn.",
    "location_text": "Đường Trần Hưng Đạo, phường 3",
    "reporter_name": "Nguyễn Thị Hoa",
    "reporter_phone": "0912345678",
    "reporter_email": "hoa@example.vn",
    "reporter_address": "12 Lê Lợi",
    "consent": True,
}


def post_json(client, url: str, document, key: str | None = None):
    # ensure_ascii: a lone surrogate travels as the escape "\udcff", as a buggy app sends it.
    headers = {"X-Api-Key": key} if key else {}
    return client.post(url, json.dumps(document), content_type="application/json",
                       headers=headers)


@pytest.mark.parametrize("field", ["title", "content", "location_text", "reporter_name",
                                   "reporter_phone", "reporter_email", "reporter_address",
                                   "category", "occurred_at"])
def test_a_lone_surrogate_in_any_field_is_refused_with_a_message_naming_the_field(
        client, province, field):
    response = post_json(client, SUBMIT, {**FIELDS, field: "Lê Lợi \udcff"}, issue_key())
    assert response.status_code == 400
    assert "not valid Unicode" in body_json(response)["errors"][field][0]
    assert not Case.objects.exists()


def test_a_lone_surrogate_in_a_field_name_is_refused_too(client, province):
    response = post_json(client, SUBMIT, {**FIELDS, "x\ud800": "1"}, issue_key())
    assert response.status_code == 400
    assert "not valid Unicode" in body_json(response)["errors"]["__all__"][0]


def test_a_nul_in_a_field_is_refused_by_the_form_with_its_own_message(client, province):
    response = post_json(client, SUBMIT, {**FIELDS, "title": "Đèn\x00"}, issue_key())
    assert response.status_code == 400
    assert body_json(response)["errors"]["title"] == ["Null characters are not allowed."]


def test_the_message_about_a_lone_surrogate_is_in_vietnamese_by_default(client, province):
    client.cookies["django_language"] = "vi"
    response = post_json(client, SUBMIT, {**FIELDS, "title": "\udcff"}, issue_key())
    assert response.status_code == 400
    assert "Unicode" in body_json(response)["errors"]["title"][0]
    assert "not valid" not in body_json(response)["errors"]["title"][0]


@pytest.mark.parametrize("url", ["/api/v1/track", "/api/v1/cases/ABCDE-FGHJK/comments",
                                 "/api/v1/cases/ABCDE-FGHJK/rating"])
def test_the_reporters_endpoints_refuse_a_lone_surrogate_too(client, province, url):
    document = {"code": "ABCDE\udcff", "phone": "0912345678", "body": "\ud800", "value": "x",
                "note": "\udfff"}
    response = post_json(client, url, document)
    assert response.status_code == 400


def test_format_and_control_characters_are_stripped_from_what_is_stored(client, province):
    response = post_json(client, SUBMIT, {
        **FIELDS, "title": "Đường \u202engập\u2066 sau\u00ad mưa\x07",
        "reporter_name": "Nguyễn\u200b Thị\ufeff Hoa", "content": "Nước\x1b ngập \u202esâu",
    }, issue_key())
    assert response.status_code == 201, response.content
    case = Case.objects.get()
    assert case.title == "Đường ngập sau mưa"
    assert case.reporter_name == "Nguyễn Thị Hoa"
    assert case.content == "Nước ngập sâu"
