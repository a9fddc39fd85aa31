"""The supervision view of every unit (Art. 17): the supervisor reads every unit's figures
and opens any unit's view; a unit leader reads only the units they lead (AC1)."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.conftest import MONDAY
from tests.factories import UnitFactory
from tests.workflow import drive
from workflow import services
from workflow.selectors import unit_supervision
from workflow.views import PAGE_SIZE

UNITS = reverse("staff:units")


def unit_url(unit) -> str:
    return reverse("staff:unit", args=[unit.pk])


def get(client, user, url: str):
    client.force_login(user)
    return client.get(url)


def listed(response) -> list[str]:
    assert response.status_code == 200
    return [row.figures.unit for row in response.context["rows"]]


# --- The list of units --------------------------------------------------------------------
def test_the_supervisor_lists_every_active_unit_in_vietnamese_order(client, province):
    UnitFactory(name="Ban Dân tộc", code="dan-toc")
    UnitFactory(name="Đài Phát thanh", code="dai", is_active=False)
    assert listed(get(client, province.supervisor_user, UNITS)) == [
        "Ban Dân tộc", "Điện lực Tây Ninh", "Sở Giao thông vận tải", "UBND huyện Châu Thành"]


def test_each_units_figures_are_counted_in_the_list(client, province):
    drive.assigned(province, MONDAY, units=[province.roads, province.power])
    drive.processing(province, MONDAY)
    response = get(client, province.supervisor_user, UNITS)
    figures = {row.figures.unit: row.figures for row in response.context["rows"]}
    assert figures[province.roads.name].open == 2
    assert figures[province.power.name].open == 1
    assert figures[province.other.name].open == 0
    assert figures[province.roads.name] == unit_supervision({province.roads.pk},
                                                            timezone.now())[0]
    html = response.content.decode()
    assert f'href="{unit_url(province.roads)}"' in html


def test_the_list_of_units_filters_by_name_ignoring_accents_and_by_kind(client, province):
    assert listed(get(client, province.supervisor_user, f"{UNITS}?q=dien+luc")) == [
        province.power.name]
    assert listed(get(client, province.supervisor_user, f"{UNITS}?kind=local")) == [
        province.other.name]
    response = get(client, province.supervisor_user, f"{UNITS}?q=s%E1%BB%9F+giao")  # "sở giao"
    assert listed(response) == [province.roads.name]
    assert 'value="sở giao"' in response.content.decode()  # what was typed is kept


def test_a_kind_that_does_not_exist_is_left_out_with_a_message(client, province):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = get(client, province.supervisor_user, f"{UNITS}?kind=planet")
    assert len(listed(response)) == 3
    assert "Some filters were not understood" in response.content.decode()


def test_the_list_of_units_is_paginated(client, province):
    for n in range(PAGE_SIZE):
        UnitFactory(name=f"Phường {n + 1}", code=f"phuong-{n}")
    first = listed(get(client, province.supervisor_user, UNITS))
    second = listed(get(client, province.supervisor_user, f"{UNITS}?page=2"))
    assert len(first) == PAGE_SIZE and len(second) == 3
    assert first[:3] == ["Điện lực Tây Ninh", "Phường 1", "Phường 2"]  # by value, not "Phường 10"
    assert set(first).isdisjoint(second)


def test_a_leader_lists_only_the_units_they_lead(client, province):
    assert listed(get(client, province.roads_leader_user, UNITS)) == [province.roads.name]


@pytest.mark.parametrize("user", ["roads_staff_user", "coordinator_user"])
def test_others_may_not_open_the_list_of_units(client, province, user):
    assert get(client, getattr(province, user), UNITS).status_code == 403


def test_the_supervisors_pages_link_to_the_list_of_units(client, province):
    html = get(client, province.supervisor_user, reverse("staff:home")).content.decode()
    assert f'href="{UNITS}"' in html


# --- One unit's view ----------------------------------------------------------------------
def test_the_supervisor_opens_any_units_view_with_its_figures_and_open_cases(client, province):
    case = drive.assigned(province, MONDAY, units=[province.power], title="Mất điện khu phố 3")
    drive.assigned(province, MONDAY, units=[province.roads], title="Ổ gà")
    response = get(client, province.supervisor_user, unit_url(province.power))
    assert response.status_code == 200
    assert response.context["unit"].open == 1
    assert [row.code for row in response.context["queue"].rows] == [case.display_code]
    html = response.content.decode()
    assert re.search(rf'id="unit-{province.power.pk}-open">1<', html)
    assert "Ổ gà" not in html


def test_a_unit_leader_opens_their_own_units_view(client, province):
    drive.assigned(province, MONDAY, units=[province.roads])
    response = get(client, province.roads_leader_user, unit_url(province.roads))
    assert response.status_code == 200
    assert response.context["unit"].open == 1


def test_a_leader_of_one_unit_gets_404_on_another_units_view(client, province):
    drive.assigned(province, MONDAY, units=[province.power], title="Mất điện khu phố 3")
    response = get(client, province.roads_leader_user, unit_url(province.power))
    assert response.status_code == 404
    assert "Mất điện khu phố 3" not in response.content.decode()


@pytest.mark.parametrize("user", ["roads_staff_user", "coordinator_user"])
def test_staff_and_the_coordinator_may_not_open_a_units_view(client, province, user):
    assert get(client, getattr(province, user), unit_url(province.roads)).status_code == 403


def test_an_inactive_or_missing_unit_answers_404(client, province):
    gone = UnitFactory(name="Đã giải thể", code="gone", is_active=False)
    assert get(client, province.supervisor_user, unit_url(gone)).status_code == 404
    assert get(client, province.supervisor_user,
               reverse("staff:unit", args=[999999])).status_code == 404


def test_the_supervisor_does_not_see_a_state_secret_in_a_units_list(client, province):
    secret = province.receive(title="Vụ việc mật số 7")
    services.classify_case(case_id=secret.pk, category=province.permits,
                           actor=province.coordinator, now=MONDAY, is_state_secret=True)
    services.dispatch_case(case_id=secret.pk, unit_ids=[province.roads.pk],
                           actor=province.coordinator, now=MONDAY + drive.STEP)
    supervisor = get(client, province.supervisor_user, unit_url(province.roads))
    assert supervisor.context["queue"].rows == []
    assert "Vụ việc mật số 7" not in supervisor.content.decode()
    assert supervisor.context["unit"].open == 1  # counted, never shown
    leader = get(client, province.roads_leader_user, unit_url(province.roads))
    assert [row.code for row in leader.context["queue"].rows] == [secret.display_code]


def test_the_units_view_is_read_only(client, province):
    client.force_login(province.supervisor_user)
    assert client.post(unit_url(province.roads)).status_code == 405
    assert client.post(UNITS).status_code == 405
