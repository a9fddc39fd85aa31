"""Property-based, the JSON API and Open311 (SECURITY IN3, IN5): every text field with lone
surrogates, NUL, bidi and format characters, and ids beyond 64 bits, answers without a 500,
and whatever is stored is clean."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.api.support import issue_key
from tests.conftest import MONDAY
from tests.properties import (
    FORM_VALUE,
    NASTY_ID,
    NASTY_TEXT,
    NASTY_VALUE,
    PROPERTY,
    assert_clean,
    assert_no_server_error,
)
from tests.workflow import drive
from workflow.models import Case

pytestmark = pytest.mark.django_db

SHORT_FIELDS = ("title", "reporter_name", "reporter_phone", "reporter_email",
                "reporter_address", "location_text")
API_FIELDS = ("title", "content", "location_text", "reporter_name", "reporter_phone",
              "reporter_email", "reporter_address", "category", "occurred_at", "latitude",
              "longitude", "is_confidential", "consent", "photo_tokens")
VALID = {"title": "Đèn đường hỏng", "content": "Ba bóng đèn không sáng từ tuần trước.",
         "reporter_name": "Nguyễn Thị Hoa", "reporter_phone": "0912345678",
         "reporter_email": "hoa@example.vn", "consent": "true"}
OPEN311_FIELDS = ("service_code", "lat", "long", "address_string", "address_id", "email",
                  "first_name", "last_name", "phone", "description", "jurisdiction_id",
                  "device_id", "account_id", "media_url")
OPEN311_VALID = {"service_code": "permits", "description": "Đèn đường hỏng trước số 12.",
                 "first_name": "Hoa", "last_name": "Nguyễn", "phone": "0912345678"}


def assert_cases_clean() -> None:
    for case in Case.objects.all():
        for name in SHORT_FIELDS:
            assert_clean(getattr(case, name), short=True)
        assert_clean(case.content)


@pytest.fixture
def world(province):
    case = drive.published(province, MONDAY)
    return {"key": issue_key(), "code": case.tracking_code, "pk": case.pk}


def _some(fields: tuple[str, ...], values) -> st.SearchStrategy[dict]:
    """A valid body with one to four of its fields replaced by drawn values."""
    return st.dictionaries(st.sampled_from(fields), values, min_size=1, max_size=4)


@PROPERTY
@given(changes=_some(API_FIELDS, NASTY_VALUE), as_json=st.booleans())
def test_api_submissions_with_nasty_text_never_answer_500_and_store_clean_text(
        client, world, changes, as_json):
    body = {**VALID, **changes}
    headers = {"X-Api-Key": world["key"]}
    if as_json:
        response = client.post("/api/v1/cases", json.dumps(body),
                               content_type="application/json", headers=headers)
    else:
        form = {k: v.encode("utf-8", "replace").decode() for k, v in body.items()}
        response = client.post("/api/v1/cases", form, headers=headers)
    assert_no_server_error(response)
    assert_cases_clean()


@PROPERTY
@given(url=st.sampled_from(["/api/v1/track", "/api/v1/cases/@code/comments",
                            "/api/v1/cases/@code/rating"]),
       fields=st.fixed_dictionaries({}, optional={
           "code": st.one_of(st.just("@code"), NASTY_VALUE), "phone": NASTY_VALUE,
           "body": NASTY_TEXT, "note": NASTY_TEXT, "value": NASTY_VALUE}))
def test_the_reporters_api_endpoints_never_answer_500(client, world, url, fields):
    fields = {k: world["code"] if v == "@code" else v for k, v in fields.items()}
    fields.setdefault("phone", "0912345678")
    response = client.post(url.replace("@code", world["code"]), json.dumps(fields),
                           content_type="application/json")
    assert_no_server_error(response)


@PROPERTY
@given(pk=NASTY_ID, fmt=st.sampled_from(["json", "xml"]))
def test_ids_beyond_64_bits_answer_404_in_the_api_and_open311(client, world, pk, fmt):
    for url in (f"/api/v1/answers/{pk}", f"/open311/v2/requests/{pk}.{fmt}"):
        assert client.get(url).status_code == 404


@PROPERTY
@given(ids=st.lists(st.one_of(NASTY_ID, st.just("@pk")), min_size=1, max_size=4),
       fmt=st.sampled_from(["json", "xml"]))
def test_open311_searches_by_ids_beyond_64_bits_never_answer_500(client, world, ids, fmt):
    ids = [str(world["pk"]) if i == "@pk" else i for i in ids]
    response = client.get(f"/open311/v2/requests.{fmt}", {"service_request_id": ",".join(ids)})
    assert response.status_code in (200, 400)


@PROPERTY
@given(changes=_some(OPEN311_FIELDS, FORM_VALUE), fmt=st.sampled_from(["json", "xml"]))
def test_open311_posts_with_nasty_text_never_answer_500_and_store_clean_text(
        client, world, changes, fmt):
    response = client.post(f"/open311/v2/requests.{fmt}",
                           {**OPEN311_VALID, **changes, "api_key": world["key"]})
    assert_no_server_error(response)
    assert_cases_clean()
