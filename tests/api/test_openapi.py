"""The served OpenAPI document: valid OpenAPI 3.1, complete, and true to the API's answers."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, reverse
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from feedback.api import urls as api_urls
from tests.api.support import body_json, issue_key
from tests.api.test_json_api import TRACK, fields, submit
from tests.conftest import MONDAY
from tests.feedback.support import jpeg_with_gps, upload
from tests.workflow import drive

pytestmark = pytest.mark.django_db

OPENAPI = "/api/v1/openapi.json"
SAMPLE_PARAMETERS = {"code": "7KQ2M4XH9P", "pk": "1"}


@pytest.fixture
def document(client) -> dict:
    response = client.get(OPENAPI)
    assert response.status_code == 200
    return body_json(response)


def test_the_served_document_is_a_valid_openapi_3_1_description(document):
    assert document["openapi"] == "3.1.0"
    validate(document)  # raises on the first departure from the OpenAPI 3.1 schema


def test_the_validator_does_catch_a_broken_description(document):
    document["paths"]["/api/v1/answers"]["get"]["responses"] = {"200": {"content": {}}}
    with pytest.raises(OpenAPIValidationError):
        validate(document)


def _documented_path(pattern: URLPattern) -> str:
    route = str(pattern.pattern)
    prefix = reverse("api:openapi").removesuffix("openapi.json")
    return prefix + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def test_every_url_of_the_api_is_in_the_document(document):
    routes = {_documented_path(p) for p in api_urls.urlpatterns}
    assert len(routes) == len(api_urls.urlpatterns)
    assert routes <= set(document["paths"]), routes - set(document["paths"])


def test_every_method_the_document_leaves_out_is_refused(client, document):
    for path, operations in document["paths"].items():
        url = path.format(**SAMPLE_PARAMETERS)
        for method in ("get", "post", "put", "patch", "delete"):
            if method in operations:
                continue
            response = getattr(client, method)(url)
            assert response.status_code == 405, (method, path)


# --- The answers against their schemas -------------------------------------------------------
def _check(document: dict, path: str, method: str, response) -> None:
    """Validate the answer's JSON against the schema documented for its status."""
    operation = document["paths"][path][method]
    status = str(response.status_code)
    assert status in operation["responses"], (path, method, status)
    schema = operation["responses"][status]["content"]["application/json"]["schema"]
    # The components ride along so that the schema's $refs resolve.
    OAS31Validator({**schema, "components": document["components"]}).validate(
        body_json(response))


def test_every_answer_matches_its_documented_schema(client, province, document):
    public = drive.published(province, MONDAY, content="Công khai.")
    key = issue_key("Tây Ninh Smart")
    phone = {"phone": "0912345678"}
    checks = [
        ("/api/v1/answers", "get", client.get("/api/v1/answers")),
        ("/api/v1/answers", "get", client.get("/api/v1/answers?page=0")),
        ("/api/v1/answers/{pk}", "get", client.get(f"/api/v1/answers/{public.pk}")),
        ("/api/v1/answers/{pk}", "get", client.get("/api/v1/answers/999999")),
        ("/api/v1/categories", "get", client.get("/api/v1/categories")),
        ("/api/v1/track", "post",
         client.post(TRACK, {"code": public.tracking_code, **phone})),
        ("/api/v1/track", "post", client.post(TRACK, {"code": "NOPE", **phone})),
        ("/api/v1/cases/{code}/comments", "post",
         client.post(f"/api/v1/cases/{public.tracking_code}/comments",
                     {**phone, "body": "Xin hỏi thêm về kết quả."})),
        ("/api/v1/cases/{code}/rating", "post",
         client.post(f"/api/v1/cases/{public.tracking_code}/rating",
                     {**phone, "value": "satisfied"})),
        ("/api/v1/cases", "post", submit(client, key)),
        ("/api/v1/cases", "post", submit(client, key, fields(title=""))),
        ("/api/v1/cases", "post", submit(client, "not-a-key")),
        ("/api/v1/uploads", "post",
         client.post("/api/v1/uploads", {"photo": upload(jpeg_with_gps())},
                     headers={"X-Api-Key": key})),
        ("/api/v1/uploads", "post",
         client.post("/api/v1/uploads", {"photo": upload(b"not a photo")},
                     headers={"X-Api-Key": key})),
        ("/api/v1/uploads", "post",
         client.post("/api/v1/uploads", "{}", content_type="application/json",
                     headers={"X-Api-Key": key})),
        (OPENAPI, "get", client.get(OPENAPI)),
    ]
    statuses = set()
    for path, method, response in checks:
        _check(document, path, method, response)
        statuses.add(response.status_code)
    assert {200, 201, 400, 403, 404, 415} <= statuses
