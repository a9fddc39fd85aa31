"""What the reporter sees of the result on their tracked page: each unit's reply letter and
evidence photos, for a public case and for a confidential one (the reporter alone), never for
a state secret; served only to the visitor tracking the case (Art. 10.3; SECURITY AC2, DP4)."""

import re

import pytest
from django.urls import reverse

from tests.feedback.support import TRACKED, track
from tests.publishing import results
from tests.workflow import drive
from workflow.models import Visibility

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


def tracked_page(client, case) -> str:
    assert track(client, case.display_code, "0912345678").status_code == 302
    response = client.get(TRACKED)
    assert response.status_code == 200
    return response.content.decode()


def photo_url(photo) -> str:
    return reverse("public:result_photo", args=[photo.pk])


def letter_url(case, unit) -> str:
    return reverse("public:result_letter", args=[drive.assignment_of(case, unit).pk])


@pytest.mark.parametrize("visibility", [Visibility.PUBLIC, Visibility.CONFIDENTIAL])
def test_the_reporter_sees_each_units_letter_and_photos_on_the_tracked_page(
        client, province, visibility):
    case = results.published(province, visibility=visibility,
                             units=[province.roads, province.power])
    html = tracked_page(client, case)
    for unit in (province.roads, province.power):
        assert f'href="{letter_url(case, unit)}"' in html
        assert f"Reply letter of {unit.name} (PDF)" in html
    for photo in results.photos_of(case):
        assert re.search(rf'<img src="{photo_url(photo)}" alt="[^"]+"', html)


def test_the_reporter_of_a_confidential_case_reads_its_letter_and_photo(client, province):
    case = results.published(province, visibility=Visibility.CONFIDENTIAL)
    tracked_page(client, case)
    letter = client.get(letter_url(case, province.roads))
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"
    assert letter["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in letter["Cache-Control"]
    [photo] = results.photos_of(case)
    response = client.get(photo_url(photo))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == f'inline; filename="photo-{photo.pk}.jpg"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_nobody_but_the_reporter_reads_a_confidential_cases_letter_or_photo(client, province):
    case = results.published(province, visibility=Visibility.CONFIDENTIAL)
    [photo] = results.photos_of(case)
    assert client.get(photo_url(photo)).status_code == 404
    assert client.get(letter_url(case, province.roads)).status_code == 404


def test_a_reporter_tracking_another_case_reads_none_of_this_ones(client, province):
    case = results.published(province, visibility=Visibility.CONFIDENTIAL)
    other = province.receive(reporter_phone="0987654321")
    assert track(client, other.display_code, "0987654321").status_code == 302
    [photo] = results.photos_of(case)
    assert client.get(photo_url(photo)).status_code == 404
    assert client.get(letter_url(case, province.roads)).status_code == 404


def test_a_state_secret_never_shows_its_letter_or_photos_even_to_its_reporter(client, province):
    case = results.published(province, visibility=Visibility.STATE_SECRET)
    html = tracked_page(client, case)
    [photo] = results.photos_of(case)
    assert "Reply letter" not in html and "/tra-cuu/ket-qua/anh/" not in html
    assert client.get(photo_url(photo)).status_code == 404
    assert client.get(letter_url(case, province.roads)).status_code == 404


def test_before_publication_the_reporter_sees_no_letter_or_photo(client, province):
    case = results.handled(province)
    html = tracked_page(client, case)
    [photo] = results.photos_of(case)
    assert "Reply letter" not in html and "/tra-cuu/ket-qua/anh/" not in html
    assert client.get(photo_url(photo)).status_code == 404
    assert client.get(letter_url(case, province.roads)).status_code == 404
