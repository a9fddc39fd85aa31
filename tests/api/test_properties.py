"""Property-based: arbitrary bodies and query strings never make a public endpoint answer 500
(SECURITY IN5). The Django test client re-raises any exception a view lets escape."""

import json
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.support import issue_key
from tests.conftest import MONDAY
from tests.workflow import drive

pytestmark = pytest.mark.django_db

PROPERTY = settings(max_examples=60, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

FIELD_NAMES = [
    "title", "content", "category", "location_text", "occurred_at", "reporter_name",
    "reporter_phone", "reporter_email", "reporter_address", "is_confidential", "consent",
    "latitude", "longitude", "code", "phone", "value", "note", "body", "q", "unit", "area",
    "published_from", "published_to", "page", "api_key", "service_code", "lat", "long",
    "address_string", "address_id", "email", "first_name", "last_name", "description",
    "media_url", "jurisdiction_id", "service_request_id", "start_date", "end_date", "status",
]
INTERESTING = st.sampled_from([
    "", "0", "-1", "1e309", "NaN", "inf", "9" * 30, "2026-03-02", "2026-03-02T08:00:00+07:00",
    "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "true", "false", "on",
    "permits", "lighting", "satisfied", "unsatisfied", "open", "closed", "open,closed",
    "1,2,3", "0912345678", "+84912345678", "a@b.vn", "tayninh.gov.vn", "\x00", "<script>",
    "ZZZZZ-ZZZZZ", "đường ngập", "1,,", ",", "%00",
])
TEXT = st.one_of(INTERESTING, st.text(max_size=40))
KEYS = st.one_of(st.sampled_from(FIELD_NAMES), st.text(min_size=1, max_size=12))
FORM = st.dictionaries(KEYS, TEXT, max_size=10)
JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                               max_size=3),
    max_leaves=8,
)
JSON_BODY = st.one_of(st.dictionaries(KEYS, JSON_VALUE, max_size=10), JSON_VALUE)
PATH_PARAM = st.one_of(INTERESTING, st.text(min_size=1, max_size=30))

API_GETS = ["/api/v1/answers", "/api/v1/answers/{x}", "/api/v1/categories",
            "/api/v1/openapi.json"]
API_POSTS = ["/api/v1/cases", "/api/v1/track", "/api/v1/cases/{x}/rating",
             "/api/v1/cases/{x}/comments"]
OPEN311_GETS = ["/open311/v2/discovery.{fmt}", "/open311/v2/services.{fmt}",
                "/open311/v2/services/{x}.{fmt}", "/open311/v2/requests.{fmt}",
                "/open311/v2/requests/{x}.{fmt}", "/open311/v2/tokens/{x}.{fmt}"]


@pytest.fixture
def world(province):
    """A published case and an API key, so some inputs reach the deeper branches."""
    case = drive.published(province, MONDAY)
    return {"key": issue_key(), "code": case.tracking_code, "pk": str(case.pk)}


def _path(template: str, param: str, fmt: str) -> str:
    return template.format(x=quote(param, safe=""), fmt=fmt)


def _known(world, draw_param: str) -> str:
    return {"@code": world["code"], "@pk": world["pk"]}.get(draw_param, draw_param)


PARAMS = st.one_of(st.sampled_from(["@code", "@pk"]), PATH_PARAM)
FMT = st.sampled_from(["json", "xml"])


def _assert_no_server_error(response) -> None:
    assert response.status_code < 500, response.content[:500]


@pytest.mark.parametrize("template", API_GETS + OPEN311_GETS)
@PROPERTY
@given(param=PARAMS, fmt=FMT, query=FORM)
def test_get_endpoints_never_answer_500(client, world, template, param, fmt, query):
    url = _path(template, _known(world, param), fmt)
    _assert_no_server_error(client.get(url, query))
    _assert_no_server_error(client.get(f"{url}?{urlencode(query)}&{urlencode(query)}"))


@pytest.mark.parametrize("template", API_POSTS + ["/open311/v2/requests.{fmt}"])
@PROPERTY
@given(param=PARAMS, fmt=FMT, form=FORM, body=JSON_BODY, with_key=st.booleans(),
       idempotency=st.one_of(st.none(), TEXT.filter(lambda t: "\n" not in t and "\r" not in t)))
def test_post_endpoints_never_answer_500(client, world, template, param, fmt, form, body,
                                         with_key, idempotency):
    url = _path(template, _known(world, param), fmt)
    headers = {}
    if with_key:
        headers["X-Api-Key"] = world["key"]
        form = {**form, "api_key": world["key"]}
    if idempotency is not None:
        headers["Idempotency-Key"] = idempotency
    _assert_no_server_error(client.post(url, form, headers=headers))
    _assert_no_server_error(client.post(url, json.dumps(body), content_type="application/json",
                                        headers=headers))
    _assert_no_server_error(client.post(url, b"\xff\xfe garbage", content_type="text/plain",
                                        headers=headers))


@PROPERTY
@given(form=st.fixed_dictionaries({
    "title": TEXT, "content": TEXT, "reporter_name": TEXT, "reporter_phone": INTERESTING,
    "reporter_email": INTERESTING, "consent": INTERESTING, "category": INTERESTING,
    "occurred_at": INTERESTING, "latitude": INTERESTING, "longitude": INTERESTING,
}))
def test_near_valid_submissions_never_answer_500(client, world, form):
    _assert_no_server_error(client.post("/api/v1/cases", form,
                                        headers={"X-Api-Key": world["key"]}))


@PROPERTY
@given(form=st.fixed_dictionaries({
    "service_code": INTERESTING, "lat": INTERESTING, "long": INTERESTING,
    "address_string": TEXT, "first_name": TEXT, "last_name": TEXT, "phone": INTERESTING,
    "email": INTERESTING, "description": TEXT, "jurisdiction_id": INTERESTING,
}), fmt=FMT)
def test_near_valid_open311_posts_never_answer_500(client, world, form, fmt):
    _assert_no_server_error(client.post(f"/open311/v2/requests.{fmt}",
                                        {**form, "api_key": world["key"]}))
