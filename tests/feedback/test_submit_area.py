"""The citizen names the commune or ward on the submit page (Art. 6.2: a clear place)."""

import re

import pytest

from tests.area_support import make_areas
from tests.feedback.support import SUBMIT, send, submission
from workflow.models import Case

pytestmark = pytest.mark.django_db


def area_options(html: str) -> list[str]:
    select = re.search(r'<select name="area".*?</select>', html, re.S).group(0)
    return [label.strip() for label in re.findall(r"<option[^>]*>([^<]*)</option>", select)]


def test_the_form_offers_every_commune_and_ward_in_vietnamese_order(client):
    make_areas()
    options = area_options(client.get(SUBMIT).content.decode())
    # Districts and the province are no place to pick; a ward keeps its district's name.
    assert options[1:] == ["Phường 1 (Thành phố Tây Ninh)", "Phường An Tịnh",
                           "Phường Ân Lộc", "Phường Gia Lộc"]


def test_the_area_list_is_a_plain_select_that_a_script_makes_searchable(client):
    make_areas()
    html = client.get(SUBMIT).content.decode()
    assert re.search(r'<select name="area"[^>]*data-area-picker', html)
    assert "js/area-picker.js" in html


def test_a_case_sent_with_its_ward_has_that_area(client, province):
    areas = make_areas()
    response = send(client, submission(area=str(areas.an_loc.pk)))
    assert response.status_code == 302
    assert Case.objects.get().area == areas.an_loc


def test_the_area_is_optional_next_to_the_location_text(client, province):
    make_areas()
    assert send(client, submission()).status_code == 302
    assert Case.objects.get().area is None


def test_a_district_or_an_unknown_area_is_refused_and_the_typed_text_kept(client, province):
    areas = make_areas()
    client.cookies["django_language"] = "en"
    for value in (str(areas.district.pk), "999999", "x"):
        response = send(client, submission(area=value))
        assert response.status_code == 400
        html = response.content.decode()
        assert "Select a valid choice" in html
        assert "Nước ngập sâu nửa mét" in html
    assert not Case.objects.exists()
