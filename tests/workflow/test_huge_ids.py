"""Ids beyond 64 bits, wherever a URL or a filter takes a number, answer 404 or 400 for every
role and the admin, never a 500 (SECURITY IN5)."""

from __future__ import annotations

import pytest
from django.contrib import admin

from tests.properties import HUGE_IDS, ID_ROUTES, with_id

pytestmark = pytest.mark.django_db

BIG = "99999999999999999999"


@pytest.mark.parametrize("who", ["anonymous", "roads_staff_user", "roads_leader_user",
                                 "supervisor_user", "power_staff_user"])
def test_every_id_route_answers_a_huge_id_without_a_500_for_every_role(client, province, who):
    if who != "anonymous":
        client.force_login(getattr(province, who))
    for route in ID_ROUTES:
        path = with_id(route, BIG)
        for response in (client.get(path), client.post(path, {"note": "x"})):
            assert response.status_code < 500, (who, path, response.status_code)


def test_the_admin_answers_huge_ids_on_every_change_page_without_a_500(admin_client):
    for model in admin.site._registry:
        meta = model._meta
        path = f"/admin/{meta.app_label}/{meta.model_name}/{BIG}/change/"
        assert admin_client.get(path).status_code < 500, path


@pytest.mark.parametrize("year", ["99999", "0", HUGE_IDS[2], "٢٠٢٦"])
def test_the_calendar_admin_filters_a_year_out_of_range_without_a_500(admin_client, year):
    response = admin_client.get("/admin/workflow/calendarday/", {"year": year})
    assert response.status_code < 500
