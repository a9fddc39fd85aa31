"""Every Open311 answer validates against the GeoReport v2 JSON Schemas of the repository.

The schemas (feedback/open311/schemas/) are written from the specification, not from our
answers: an answer that breaks one is a bug here, whoever's client noticed it first.
"""

import pytest
from django.utils import timezone

from tests.api.open311_support import BASE, open311_post, schema_errors
from tests.api.support import body_json, issue_key, publish_existing
from tests.conftest import MONDAY
from tests.workflow import drive
from workflow.models import Case

pytestmark = pytest.mark.django_db

GOOD_REQUEST = {"service_request_id": "1", "status": "open", "service_code": "permits",
                "requested_datetime": "2026-03-02T09:00:00+07:00"}


@pytest.mark.parametrize("field, value", [
    ("media_url", ""), ("media_url", "not a url"), ("requested_datetime", "yesterday"),
    ("requested_datetime", "2026-03-02T09:00:00"), ("description", "x" * 4001),
    ("status", "pending"), ("lat", None), ("expected_datetime", None),
])
def test_the_request_schema_refuses_what_the_specification_does_not_allow(field, value):
    # Shows the format checks run (date-time, uri): without them every test below is weaker.
    assert schema_errors("requests", [GOOD_REQUEST]) == []
    assert schema_errors("requests", [{**GOOD_REQUEST, field: value}]) != []


def test_discovery_services_and_service_definitions_validate(client, province):
    assert schema_errors("discovery", body_json(client.get(f"{BASE}/discovery.json"))) == []
    services = body_json(client.get(f"{BASE}/services.json"))
    assert services and schema_errors("services", services) == []
    for service in services:
        definition = body_json(client.get(f"{BASE}/services/{service['service_code']}.json"))
        assert schema_errors("service_definition", definition) == []


def test_a_posted_request_validates_from_its_answer_to_its_publication(client, province):
    answer = body_json(open311_post(client, issue_key()))
    assert schema_errors("request_created", answer) == []
    pk = answer[0]["service_request_id"]
    assert schema_errors("tokens", body_json(client.get(f"{BASE}/tokens/{pk}.json"))) == []
    for read in (f"requests/{pk}.json", f"requests.json?service_request_id={pk}",
                 "requests.json?status=open", "requests.json"):
        assert schema_errors("requests", body_json(client.get(f"{BASE}/{read}"))) == [], read
    publish_existing(province, Case.objects.get(pk=pk), timezone.now())
    for read in (f"requests/{pk}.json", "requests.json?status=closed", "requests.json"):
        assert schema_errors("requests", body_json(client.get(f"{BASE}/{read}"))) == [], read


def test_a_published_case_from_another_door_validates_whatever_it_holds(client, province):
    # The web form takes 10,000 characters and needs no coordinates; Open311 allows 4,000.
    case = drive.published(province, MONDAY, content="Nội dung dài. " * 800,
                           latitude=None, longitude=None, location_text="")
    [row] = body_json(client.get(f"{BASE}/requests/{case.pk}.json"))
    assert schema_errors("requests", [row]) == []
    assert len(row["description"]) == 4000 and row["description"].endswith("…")
    assert schema_errors("requests", body_json(client.get(f"{BASE}/requests.json"))) == []


@pytest.mark.parametrize("method, path, status", [
    ("get", "services/nope.json", 404),
    ("get", "requests/999999.json", 404),
    ("get", "tokens/nope.json", 404),
    ("get", "services.json?jurisdiction_id=elsewhere.gov.vn", 404),
    ("get", "requests.json?status=maybe", 400),
    ("get", "requests.csv", 404),
    ("get", "nothing-here", 404),
    ("put", "requests.json", 405),
    ("delete", "requests/1.json", 405),
    ("post", "services.json", 405),
    ("post", "requests.json", 403),
])
def test_every_error_answer_is_the_open311_error_list(client, province, method, path, status):
    response = getattr(client, method)(f"{BASE}/{path}")
    assert response.status_code == status
    assert response["Content-Type"] == "application/json; charset=utf-8"
    document = body_json(response)
    assert schema_errors("errors", document) == []
    assert document[0]["code"] == status


def test_an_invalid_post_answers_the_error_list(client, province):
    response = open311_post(client, issue_key(), description="", first_name="")
    assert response.status_code == 400
    assert schema_errors("errors", body_json(response)) == []
