"""Under /open311/v2/ every answer is GeoReport's, errors included: an unknown path or
format is 404 and an undeclared method 405, as the error list in JSON (or XML when the
path asks for it), never the site's HTML pages."""

import pytest
from django.test import Client

from tests.api.open311_support import BASE
from tests.api.support import body_json, body_xml

pytestmark = pytest.mark.django_db

SAFE_ROUTES = ["discovery.json", "services.json", "services/permits.json",
               "requests/1.json", "tokens/1.json", ""]


@pytest.mark.parametrize("path", ["requests.csv", "services.html", "requests.JSON",
                                  "requests/1.csv", "requests.json/", "nothing/here.json",
                                  "services/permits/extra.json"])
def test_an_unknown_resource_or_format_is_404_as_the_error_list(client, province, path):
    response = client.get(f"{BASE}/{path}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json; charset=utf-8"
    [error] = body_json(response)
    assert error["code"] == 404 and "discovery.json" in error["description"]


def test_an_unknown_resource_asked_in_xml_answers_in_xml(client, province):
    root = body_xml(client.get(f"{BASE}/nothing-here.xml"))
    assert root.tag == "errors" and root.findtext("error/code") == "404"


@pytest.mark.parametrize("method", ["put", "delete", "patch", "options"])
@pytest.mark.parametrize("path", SAFE_ROUTES + ["requests.json"])
def test_an_undeclared_method_is_405_as_the_error_list(client, province, method, path):
    response = getattr(client, method)(f"{BASE}/{path}")
    assert response.status_code == 405
    assert response["Allow"] in ("GET, HEAD", "GET, HEAD, POST")
    [error] = body_json(response)
    assert error["code"] == 405 and response["Allow"] in error["description"]


@pytest.mark.parametrize("path", SAFE_ROUTES)
def test_a_post_to_a_read_only_route_is_405_not_a_csrf_page(province, path):
    response = Client(enforce_csrf_checks=True).post(f"{BASE}/{path}")
    assert response.status_code == 405
    assert body_json(response)[0]["code"] == 405


def test_a_405_for_an_xml_path_answers_in_xml(client, province):
    response = client.delete(f"{BASE}/requests/1.xml")
    assert response.status_code == 405
    assert body_xml(response).findtext("error/code") == "405"


def test_an_unknown_path_with_a_write_method_is_404_not_a_csrf_page(province):
    response = Client(enforce_csrf_checks=True).put(f"{BASE}/requests.csv")
    assert response.status_code == 404
    assert body_json(response)[0]["code"] == 404


def test_head_still_answers_every_read_route(client, province):
    for path in SAFE_ROUTES[:3]:
        assert client.head(f"{BASE}/{path}").status_code == 200
