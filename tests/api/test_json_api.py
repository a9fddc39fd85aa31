"""The JSON API: submit with photos, track, comment, rate, published answers, the schema."""

import io
import json
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from PIL import Image

from feedback.api.schema import openapi_document
from feedback.models import Attachment, Comment, Consent, Rating
from tests.api.support import body_json, issue_key
from tests.conftest import MONDAY
from tests.feedback.support import jpeg_with_gps, upload
from tests.workflow import drive
from workflow import services
from workflow.models import Case

pytestmark = pytest.mark.django_db

SUBMIT = "/api/v1/cases"
TRACK = "/api/v1/track"


def fields(**overrides) -> dict:
    data = {
        "title": "Đường ngập sau mưa ở phường 3",
        "content": "Nước ngập sâu nửa mét trên đường Trần Hưng Đạo mỗi khi mưa lớn.",
        "location_text": "Đường Trần Hưng Đạo, phường 3",
        "reporter_name": "Nguyễn Thị Hoa",
        "reporter_phone": "0912 345 678",
        "reporter_email": "hoa@example.vn",
        "consent": "true",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def key(db) -> str:
    return issue_key("Tây Ninh Smart")


def submit(client, key, data=None, idempotency_key: str | None = None):
    headers = {"X-Api-Key": key}
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    return client.post(SUBMIT, data if data is not None else fields(), headers=headers)


# --- Submit -------------------------------------------------------------------------------------
def test_the_app_submits_a_case_with_a_photo_whose_metadata_is_dropped(client, province, key):
    response = submit(client, key, fields(photos=[upload(jpeg_with_gps())], category="permits",
                                          latitude="11.31", longitude="106.1"))
    assert response.status_code == 201
    receipt = body_json(response)
    assert set(receipt) == {"code", "state", "state_label", "received_at"}
    case = Case.objects.get()
    assert receipt["code"] == case.display_code
    assert case.channel == Case.Channel.APP and case.category == province.permits
    assert case.reporter_phone == "0912345678"
    photo = Attachment.objects.get(case=case)
    with Image.open(io.BytesIO(photo.file.read())) as image:
        assert not image.getexif()
    assert Consent.objects.filter(case=case).exists()


def test_a_submission_as_json_works_too(client, province, key):
    response = client.post(SUBMIT, json.dumps(fields(consent=True)),
                           content_type="application/json", headers={"X-Api-Key": key})
    assert response.status_code == 201


def test_submitting_needs_a_valid_api_key(client, province):
    for headers in ({}, {"X-Api-Key": "nope"}, {"X-Api-Key": issue_key(active=False)}):
        response = client.post(SUBMIT, fields(), headers=headers)
        assert response.status_code == 403
        assert body_json(response) == {"errors": {"__all__": ["A valid API key is required."]}}
    assert not Case.objects.exists()


def test_the_same_idempotency_key_twice_makes_one_case(client, province, key):
    first = submit(client, key, idempotency_key="app-retry-0123456789")
    second = submit(client, key, idempotency_key="app-retry-0123456789")
    assert (first.status_code, second.status_code) == (201, 200)
    assert body_json(first)["code"] == body_json(second)["code"]
    assert Case.objects.count() == 1


def test_a_reused_idempotency_key_does_not_reveal_another_reporters_case(client, province, key):
    submit(client, key, idempotency_key="app-retry-0123456789")
    other = submit(client, key, fields(reporter_phone="0987654321"),
                   idempotency_key="app-retry-0123456789")
    assert other.status_code == 409
    assert "code" not in body_json(other)


def test_a_malformed_idempotency_key_is_refused(client, province, key):
    response = submit(client, key, idempotency_key="short")
    assert response.status_code == 400
    assert "Idempotency-Key" in body_json(response)["errors"]["__all__"][0]
    assert not Case.objects.exists()


def test_bad_input_gets_translated_field_errors(client, province, key):
    response = submit(client, key, fields(title="", reporter_phone="12", consent=None,
                                          photos=[upload(b"not a photo", "x.jpg")]))
    assert response.status_code == 400
    errors = body_json(response)["errors"]
    assert errors["title"] == ["This field is required."]
    assert errors["reporter_phone"] == ["Enter a Vietnamese phone number, e.g. 0912 345 678."]
    assert "consent" in errors and "photos" in errors
    client.cookies["django_language"] = "vi"
    vietnamese = body_json(submit(client, key, fields(title="")))["errors"]["title"][0]
    assert vietnamese != "This field is required."
    assert not Case.objects.exists()


@pytest.mark.parametrize("body", ["[1, 2]", "{", '{"title": {"a": 1}}', "null"])
def test_a_json_body_of_the_wrong_shape_is_400(client, province, key, body):
    response = client.post(SUBMIT, body, content_type="application/json",
                           headers={"X-Api-Key": key})
    assert response.status_code == 400
    assert "errors" in body_json(response)


# --- Track, comment, rate -------------------------------------------------------------------
def test_tracking_answers_the_status_and_the_public_timeline(client, province):
    case = drive.published(province, MONDAY)
    response = client.post(TRACK, {"code": case.display_code.lower(), "phone": "0912 345 678"})
    assert response.status_code == 200
    data = body_json(response)
    assert data["state"] == "published" and data["state_label"] == "Published"
    assert data["reply"] == "Đã thay bóng đèn."
    labels = [entry["label"] for entry in data["timeline"]]
    assert labels[0] == "Received" and "Reply published" in labels
    assert data["timeline"][0]["at"] == "2026-03-02T08:00:00+07:00"
    assert data["can_rate"] is True


def test_a_wrong_phone_and_an_unknown_code_get_the_same_404(client, province):
    case = province.receive()
    wrong_phone = client.post(TRACK, {"code": case.tracking_code, "phone": "0999999999"})
    unknown = client.post(TRACK, {"code": "ZZZZZ-ZZZZZ", "phone": "0912345678"})
    assert wrong_phone.status_code == unknown.status_code == 404
    assert wrong_phone.content == unknown.content


def test_tracking_is_throttled_like_the_page(client, province):
    case = province.receive()
    for n in range(20):
        client.post(TRACK, {"code": f"AAAAA{n:05d}", "phone": "0912345678"})
    response = client.post(TRACK, {"code": case.tracking_code, "phone": "0912345678"})
    assert response.status_code == 429 and response["Retry-After"]


def test_an_unsatisfied_rating_reopens_the_case(client, province):
    case = drive.published(province, MONDAY)
    url = f"/api/v1/cases/{case.display_code}/rating"
    response = client.post(url, {"phone": "0912345678", "value": "unsatisfied",
                                 "note": "Đèn vẫn tắt."})
    assert response.status_code == 201
    case.refresh_from_db()
    assert case.state == Case.State.REOPENED
    assert Rating.objects.get(case=case).value == "unsatisfied"
    again = client.post(url, {"phone": "0912345678", "value": "satisfied"})
    assert again.status_code == 409
    assert body_json(again)["errors"]["__all__"] == ["Only a published result can be rated."]


def test_a_rating_needs_the_reporters_phone(client, province):
    case = drive.published(province, MONDAY)
    response = client.post(f"/api/v1/cases/{case.tracking_code}/rating",
                           {"phone": "0999999999", "value": "satisfied"})
    assert response.status_code == 404
    assert not Rating.objects.exists()


def test_the_reporter_asks_about_the_published_result(client, province):
    case = drive.published(province, MONDAY)
    response = client.post(f"/api/v1/cases/{case.tracking_code}/comments",
                           json.dumps({"phone": "0912345678", "body": "Khi nào sửa xong?"}),
                           content_type="application/json")
    assert response.status_code == 201
    assert body_json(response)["comments"][0]["body"] == "Khi nào sửa xong?"
    assert Comment.objects.get(case=case).author_kind == Comment.Author.REPORTER


def test_a_comment_before_publication_is_refused(client, province):
    case = province.receive()
    response = client.post(f"/api/v1/cases/{case.tracking_code}/comments",
                           {"phone": "0912345678", "body": "Sao rồi?"})
    assert response.status_code == 409  # well-formed; the case's state refuses it
    assert not Comment.objects.exists()


# --- Published answers -----------------------------------------------------------------------
@pytest.fixture
def answers(province):
    public = drive.published(province, MONDAY, content="Công khai.")
    confidential = drive.approved(province, MONDAY, is_confidential=True, content="Bảo mật.")
    services.publish_case(case_id=confidential.pk, visibility="confidential",
                          reply_text="Riêng.", actor=province.coordinator, now=MONDAY)
    return public, confidential


def test_the_answer_list_holds_published_public_cases_only(client, answers):
    public, _confidential = answers
    data = body_json(client.get("/api/v1/answers"))
    assert data["count"] == 1 and data["page"] == 1 and data["pages"] == 1
    [row] = data["results"]
    assert row["id"] == public.pk and row["content"] == "Công khai."
    assert row["units"] == ["Sở Giao thông vận tải"]
    assert row["url"] == f"http://testserver/tra-loi/{public.pk}/"
    assert "Nguyễn Văn An" not in json.dumps(data, ensure_ascii=False)


def test_the_answer_list_filters_and_refuses_a_bad_filter(client, answers):
    assert body_json(client.get("/api/v1/answers?category=permits"))["count"] == 1
    assert body_json(client.get("/api/v1/answers?unit=power"))["count"] == 0
    assert body_json(client.get("/api/v1/answers?q=cong khai"))["count"] == 1
    bad = client.get("/api/v1/answers?category=nope&published_from=yesterday&page=0")
    assert bad.status_code == 400
    assert set(body_json(bad)["errors"]) == {"category", "published_from", "page"}


def test_an_answer_reads_with_its_timeline_and_others_are_404(client, answers):
    public, confidential = answers
    data = body_json(client.get(f"/api/v1/answers/{public.pk}"))
    assert data["reply"] == "Đã thay bóng đèn." and data["timeline"][0]["label"] == "Received"
    for pk in (confidential.pk, 10**30, "abc"):
        response = client.get(f"/api/v1/answers/{pk}")
        assert response.status_code == 404
        assert body_json(response) == {"errors": {"__all__": ["Not found."]}}


def test_categories_list_the_active_ones(client, province):
    assert body_json(client.get("/api/v1/categories")) == [
        {"code": "lighting", "name": "Chiếu sáng công cộng"},
        {"code": "permits", "name": "Thủ tục hành chính"},
    ]


# --- The OpenAPI document ----------------------------------------------------------------------
def _routes(patterns, prefix: str = "") -> list[str]:
    routes = []
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            routes += _routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            routes.append("/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route))
    return routes


def test_the_served_document_describes_every_api_route_and_nothing_else(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = body_json(response)
    assert document["openapi"].startswith("3.1")
    routes = {r for r in _routes(get_resolver().url_patterns) if r.startswith("/api/v1/")}
    assert routes == set(document["paths"])
    assert document["servers"] == [{"url": "http://testserver"}]


def _required_present(schema: dict, value, document: dict) -> None:
    """A light check of an answer against its schema: types of objects and required keys."""
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    if schema.get("type") == "object":
        assert isinstance(value, dict)
        assert set(schema.get("required", [])) <= set(value)
        for name, sub in schema.get("properties", {}).items():
            if name in value:
                _required_present(sub, value[name], document)
    elif schema.get("type") == "array":
        assert isinstance(value, list)
        for item in value:
            _required_present(schema["items"], item, document)


def test_answers_match_their_documented_shapes(client, answers, key):
    document = openapi_document("http://testserver")
    public, _ = answers
    ok = "200"
    checks = [
        (client.get("/api/v1/answers"), "/api/v1/answers", "get", ok),
        (client.get(f"/api/v1/answers/{public.pk}"), "/api/v1/answers/{pk}", "get", ok),
        (client.get("/api/v1/categories"), "/api/v1/categories", "get", ok),
        (client.post(TRACK, {"code": public.tracking_code, "phone": "0912345678"}),
         "/api/v1/track", "post", ok),
        (submit(client, key), "/api/v1/cases", "post", "201"),
        (submit(client, "nope"), "/api/v1/cases", "post", "403"),
    ]
    for response, path, method, status in checks:
        assert str(response.status_code) == status
        schema = document["paths"][path][method]["responses"][status]["content"][
            "application/json"]["schema"]
        _required_present(schema, body_json(response), document)
