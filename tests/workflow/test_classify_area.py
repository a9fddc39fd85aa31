"""The coordinator sets or corrects a case's area (Địa bàn) when classifying it."""

import re

import pytest

from tests.area_support import make_areas
from tests.workflow.acting import case_url, post, reload
from workflow.models import Case

pytestmark = pytest.mark.django_db


def test_the_coordinator_sets_the_area_of_a_case_that_came_without_one(client, province):
    areas = make_areas()
    case = province.receive()
    response = post(client, province.coordinator_user, "classify", case.pk,
                    {"category": province.permits.pk, "area": areas.gia_loc.pk})
    assert response.status_code == 302
    case = reload(case)
    assert (case.state, case.area) == (Case.State.CLASSIFIED, areas.gia_loc)
    assert case.events.get(kind="classified").data["area"] == areas.gia_loc.pk


def test_the_coordinator_corrects_the_area_the_reporter_chose(client, province):
    areas = make_areas()
    case = province.receive(area=areas.an_tinh)
    post(client, province.coordinator_user, "classify", case.pk,
         {"category": province.permits.pk, "area": areas.ward_one.pk})
    assert reload(case).area == areas.ward_one


def test_the_classify_form_starts_on_the_reporters_area_in_vietnamese_order(client, province):
    areas = make_areas()
    case = province.receive(area=areas.an_loc)
    client.force_login(province.coordinator_user)
    html = client.get(case_url(case)).content.decode()
    select = re.search(r'<select name="area".*?</select>', html, re.S).group(0)
    assert re.search(rf'<option value="{areas.an_loc.pk}" selected>', select)
    labels = re.findall(r"<option[^>]*>([^<]*)</option>", select)
    assert labels[1:] == ["Phường 1 (Thành phố Tây Ninh)", "Phường An Tịnh", "Phường Ân Lộc",
                          "Phường Gia Lộc"]


def test_a_district_is_no_area_for_a_case(client, province):
    areas = make_areas()
    case = province.receive()
    response = post(client, province.coordinator_user, "classify", case.pk,
                    {"category": province.permits.pk, "area": areas.district.pk})
    assert response.status_code == 400
    assert reload(case).state == Case.State.RECEIVED


def test_classifying_without_an_area_keeps_the_one_the_reporter_gave(client, province):
    areas = make_areas()
    case = province.receive(area=areas.an_loc)
    post(client, province.coordinator_user, "classify", case.pk,
         {"category": province.permits.pk})
    assert reload(case).area == areas.an_loc


def test_the_area_list_is_searchable_on_the_case_page_only_with_the_classify_form(client,
                                                                               province):
    make_areas()
    client.force_login(province.coordinator_user)
    received = province.receive()
    assert "js/area-picker.js" in client.get(case_url(received)).content.decode()
    post(client, province.coordinator_user, "classify", received.pk,
         {"category": province.permits.pk})
    assert "js/area-picker.js" not in client.get(case_url(received)).content.decode()
