"""The JSON API keeps to its document: methods, empty parameters, pages, photos, phones,
states, the codes the filters take, and the reporter's consent to SMS and e-mail."""

import json

import pytest
from django.urls import reverse

from feedback.api import urls as api_urls
from feedback.models import Consent
from routing.models import Area
from tests.api.support import body_json, issue_key, publish_existing
from tests.api.test_json_api import SUBMIT, fields
from tests.conftest import MONDAY
from tests.workflow import drive
from workflow.models import Case, OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def key(db) -> str:
    return issue_key("Tây Ninh Smart")


def submit_json(client, key, **overrides):
    return client.post(SUBMIT, json.dumps({**fields(consent=True), **overrides}),
                       content_type="application/json", headers={"X-Api-Key": key})


@pytest.mark.parametrize("method", ["QUERY", "PUT", "DELETE", "PATCH"])
def test_every_api_route_answers_an_undeclared_method_with_405_json_and_allow(client, method):
    for pattern in api_urls.urlpatterns:
        url = reverse(f"api:{pattern.name}", kwargs={k: "1" for k in pattern.pattern.converters})
        response = client.generic(method, url)
        assert response.status_code == 405, url
        assert response["Content-Type"] == "application/json"
        assert "errors" in body_json(response)
        assert response["Allow"] in ("GET, HEAD", "POST"), url


def test_an_empty_date_filter_is_refused_not_ignored(client, province):
    response = client.get("/api/v1/answers?published_to=")
    assert response.status_code == 400
    assert set(body_json(response)["errors"]) == {"published_to"}


def test_a_page_past_the_last_is_a_json_404_not_page_one(client, province):
    drive.published(province, MONDAY)
    assert client.get("/api/v1/answers?page=1").status_code == 200
    response = client.get("/api/v1/answers?page=99")
    assert response.status_code == 404
    assert body_json(response) == {"errors": {"__all__": ["Not found."]}}


def test_an_empty_json_list_of_photos_is_accepted(client, province, key):
    assert submit_json(client, key, photos=[]).status_code == 201


def test_an_empty_phone_is_refused_and_the_document_says_so(client, province):
    document = body_json(client.get("/api/v1/openapi.json"))
    phone = document["components"]["schemas"]["ReporterCheck"]["properties"]["phone"]
    assert "pattern" in phone
    response = client.post("/api/v1/track", {"code": "7KQ2M4XH9P", "phone": ""})
    assert response.status_code == 400


def test_a_json_value_of_another_type_is_refused(client, province, key):
    response = submit_json(client, key, is_confidential="no", latitude="11.3")
    assert response.status_code == 400
    assert set(body_json(response)["errors"]) == {"is_confidential", "latitude"}
    assert not Case.objects.exists()


@pytest.mark.parametrize("when", ["2100-01-01T08:00:00+07:00", "2999-01-01T08:00:00Z",
                                  "1899-12-31T23:00:00Z"])
def test_a_date_in_the_future_or_before_1900_is_a_422_the_document_lists(client, province,
                                                                         key, when):
    # Well-formed, and refused by a rule on dates that no schema can state.
    response = submit_json(client, key, occurred_at=when)
    assert response.status_code == 422
    assert set(body_json(response)["errors"]) == {"occurred_at"}
    document = body_json(client.get("/api/v1/openapi.json"))
    assert "future" in document["paths"]["/api/v1/cases"]["post"]["responses"]["422"][
        "description"]


def test_a_date_in_the_future_with_another_mistake_is_a_400(client, province, key):
    response = submit_json(client, key, occurred_at="2999-01-01T08:00:00+07:00", title="")
    assert response.status_code == 400
    assert set(body_json(response)["errors"]) == {"occurred_at", "title"}


def test_the_tracked_state_is_the_machine_value_like_the_receipts(client, province, key):
    receipt = body_json(submit_json(client, key))
    tracked = body_json(client.post("/api/v1/track", {"code": receipt["code"],
                                                      "phone": "0912345678"}))
    assert tracked["state"] == receipt["state"] == "received"
    assert tracked["state_label"] == receipt["state_label"] == "Received"


def test_units_and_areas_list_the_codes_the_answer_filters_take(client, province):
    Area.objects.create(code="chau-thanh", name="Huyện Châu Thành", level="district")
    drive.published(province, MONDAY)
    units = body_json(client.get("/api/v1/units"))
    areas = body_json(client.get("/api/v1/areas"))
    assert {"count", "page", "pages", "results"} <= set(units)
    assert "roads" in [u["code"] for u in units["results"]]
    assert [a["code"] for a in areas["results"]] == ["chau-thanh"]
    assert client.get("/api/v1/answers?unit=roads&area=chau-thanh").status_code == 200
    document = body_json(client.get("/api/v1/openapi.json"))
    assert {"/api/v1/units", "/api/v1/areas"} <= set(document["paths"])
    assert client.get("/api/v1/units?page=2").status_code == 404


@pytest.mark.parametrize(("answers", "channels"), [
    ({"sms_updates": False, "email_updates": False}, set()),
    ({"sms_updates": False}, {"email"}),
    ({}, {"sms", "email"}),
])
def test_the_reporter_hears_only_on_the_channels_they_agreed_to_from_receipt_to_publication(
        client, province, key, answers, channels):
    receipt = body_json(submit_json(client, key, **answers))
    case = Case.objects.get(tracking_code=receipt["code"].replace("-", ""))
    publish_existing(province, case, MONDAY)
    sent = set(OutboxMessage.objects.filter(case=case, to_reporter=True)
               .values_list("channel", flat=True))
    assert sent == channels
    declined = Consent.objects.filter(case=case, agreed=False).values_list("purpose", flat=True)
    assert set(declined) == {f"{name}" for name, value in answers.items() if value is False}
