"""A case's area (Địa bàn) from the JSON API and from Open311: a commune or ward code."""

import pytest

from feedback.api.schema import DocumentCodes, openapi_document
from tests.api.open311_support import BASE, open311_post, schema_errors
from tests.api.support import body_json, body_xml, issue_key
from tests.api.test_json_api import fields, submit
from tests.area_support import make_areas
from workflow.models import Case

pytestmark = pytest.mark.django_db


@pytest.fixture
def key(db) -> str:
    return issue_key("Tây Ninh Smart")


# --- The JSON API --------------------------------------------------------------------------------
def test_the_app_names_the_ward_by_its_code(client, province, key):
    areas = make_areas()
    response = submit(client, key, fields(area="an-loc"))
    assert response.status_code == 201
    assert Case.objects.get().area == areas.an_loc


def test_the_app_may_leave_the_area_out(client, province, key):
    make_areas()
    assert submit(client, key, fields()).status_code == 201
    assert Case.objects.get().area is None


def test_the_app_is_told_a_district_or_unknown_code_is_no_commune_or_ward(client, province, key):
    make_areas()
    for code in ("tp-tay-ninh", "nowhere"):
        response = submit(client, key, fields(area=code))
        assert response.status_code == 400
        assert list(body_json(response)["errors"]) == ["area"]
    assert not Case.objects.exists()


def test_the_document_lists_the_commune_and_ward_codes_a_submission_takes(client, province):
    areas = make_areas()
    document = body_json(client.get("/api/v1/openapi.json"))
    area = document["components"]["schemas"]["Submission"]["properties"]["area"]
    assert sorted(area["enum"]) == sorted(a.code for a in (
        areas.an_tinh, areas.an_loc, areas.gia_loc, areas.ward_one))
    with_photos = document["components"]["schemas"]["SubmissionWithPhotos"]
    assert with_photos["properties"]["area"] == area


def test_with_no_commune_yet_the_document_lets_no_area_through():
    document = openapi_document("http://testserver/", DocumentCodes())
    assert document["components"]["schemas"]["Submission"]["properties"]["area"]["not"] == {}


# --- Open311 ---------------------------------------------------------------------------------
def test_an_open311_client_names_the_ward_as_the_area_attribute(client, province):
    areas = make_areas()
    response = open311_post(client, issue_key(), **{"attribute[area]": "phuong-1"})
    assert response.status_code == 200
    assert Case.objects.get().area == areas.ward_one


def test_an_open311_request_without_the_attribute_has_no_area(client, province):
    make_areas()
    assert open311_post(client, issue_key()).status_code == 200
    assert Case.objects.get().area is None


def test_an_open311_client_is_told_an_unknown_area_code(client, province):
    make_areas()
    response = open311_post(client, issue_key(), **{"attribute[area]": "tp-tay-ninh"})
    assert response.status_code == 400
    [error] = body_json(response)
    assert "attribute[area]" in error["description"]
    assert not Case.objects.exists()


def test_every_service_offers_the_area_attribute_with_the_communes_and_wards(client, province):
    make_areas()
    services = body_json(client.get(f"{BASE}/services.json"))
    assert {s["metadata"] for s in services} == {True}
    definition = body_json(client.get(f"{BASE}/services/permits.json"))
    assert schema_errors("service_definition", definition) == []
    [attribute] = definition["attributes"]
    assert (attribute["code"], attribute["datatype"], attribute["required"]) == (
        "area", "singlevaluelist", False)
    assert [v["key"] for v in attribute["values"]] == ["phuong-1", "an-tinh", "an-loc",
                                                      "gia-loc"]
    assert attribute["values"][0]["name"] == "Phường 1 (Thành phố Tây Ninh)"
    root = body_xml(client.get(f"{BASE}/services/permits.xml"))
    assert root.findtext("attributes/attribute/values/value/key") == "phuong-1"
