"""Cases that came in with an area, or were given one by the coordinator, count under it."""

import pytest
from django.utils import timezone

from reports.statistics import Period, Scope, received
from tests.api.open311_support import open311_post
from tests.api.support import issue_key
from tests.api.test_json_api import fields
from tests.area_support import make_areas
from tests.feedback.support import (
    public_isolation,  # noqa: F401 — a fixture
    send,
    submission,
)
from tests.workflow.acting import post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _isolated(public_isolation):  # noqa: F811
    pass


def today() -> Period:
    day = timezone.localdate()
    return Period(day, day)


def test_cases_from_the_web_the_app_and_open311_count_under_their_ward(client, province):
    areas = make_areas()
    key = issue_key("Tây Ninh Smart")
    send(client, submission(area=str(areas.an_loc.pk)))
    client.post("/api/v1/cases", fields(area="an-loc"), headers={"X-Api-Key": key})
    open311_post(client, issue_key(), **{"attribute[area]": "phuong-1"})
    send(client, submission())  # no area: the coordinator sets it when classifying
    unplaced = province.receive(now=timezone.now())
    post(client, province.coordinator_user, "classify", unplaced.pk,
         {"category": province.permits.pk, "area": areas.ward_one.pk})

    figures = received(today(), Scope())
    assert {row.key: row.count for row in figures.by_area} == {
        "an-loc": 2, "phuong-1": 2, "": 1}
    # The district's figure holds its wards' cases.
    assert received(today(), Scope(area=areas.district)).total == 2
