"""What the public sees of a public case's result on its answer page: each unit's reply
letter (the signed PDF once uploaded, else the generated one) and the evidence photos of
its approved reply, served by a view that shows only photos of published public cases
(Art. 8.3, 10.3; SECURITY AC2, DP4)."""

import re

import pytest
from django.urls import reverse

from routing.selectors import REPORTER
from tests.conftest import MONDAY
from tests.publishing import results
from tests.workflow import drive
from workflow import services
from workflow.models import Visibility
from workflow.signed_letters import upload_signed_letter

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n/Type /Sig /ByteRange [0 1 2 3]\n%%EOF\n"


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


def answer_page(client, case) -> str:
    response = client.get(reverse("publishing:answer", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def photo_url(photo) -> str:
    return reverse("publishing:photo", args=[photo.pk])


def letter_url(case, unit) -> str:
    return reverse("publishing:letter", args=[drive.assignment_of(case, unit).pk])


def test_the_answer_page_links_each_units_reply_letter(client, province):
    case = results.published(province, units=[province.roads, province.power])
    html = answer_page(client, case)
    for unit in (province.roads, province.power):
        assert f'href="{letter_url(case, unit)}"' in html
        assert f"Reply letter of {unit.name} (PDF)" in html


def test_the_letter_link_serves_the_generated_letter(client, province):
    case = results.published(province)
    response = client.get(letter_url(case, province.roads))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_once_the_unit_uploads_its_signed_letter_the_page_links_that_with_its_hash(
        client, province):
    case = results.published(province)
    answer_page(client, case)  # kept in the cache
    assignment = drive.assignment_of(case, province.roads)
    letter = upload_signed_letter(assignment_id=assignment.pk, data=PDF,
                                           actor=province.roads_leader, now=MONDAY)
    html = answer_page(client, case)
    assert f"Signed reply letter of {province.roads.name} (PDF)" in html
    assert letter.sha256 in html
    assert client.get(letter_url(case, province.roads)).getvalue() == PDF


def test_the_answer_page_shows_every_units_evidence_photos_with_alt_text(client, province):
    case = results.published(province, units=[province.roads, province.power], photos=2)
    html = answer_page(client, case)
    photos = results.photos_of(case)
    assert len(photos) == 4
    for photo in photos:
        assert f'src="{photo_url(photo)}"' in html
    alts = re.findall(r'<img src="/tra-loi/anh/\d+/" alt="([^"]*)"', html)
    assert len(alts) == 4 and all(alts)
    assert f"Photo 1 of the result from {province.power.name}" in alts


def test_a_public_photo_is_served_inline_as_an_image_with_nosniff(client, province):
    [photo] = results.photos_of(results.published(province))
    response = client.get(photo_url(photo))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == f'inline; filename="photo-{photo.pk}.jpg"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"


def test_the_photos_of_a_case_not_yet_published_have_no_public_url(client, province):
    [photo] = results.photos_of(results.handled(province))
    assert client.get(photo_url(photo)).status_code == 404


@pytest.mark.parametrize("visibility", [Visibility.CONFIDENTIAL, Visibility.STATE_SECRET])
def test_the_photos_and_letters_of_a_case_not_public_have_no_public_url(client, province,
                                                                        visibility):
    case = results.published(province, visibility=visibility)
    [photo] = results.photos_of(case)
    assert client.get(photo_url(photo)).status_code == 404
    assert client.get(letter_url(case, province.roads)).status_code == 404


def test_the_photos_of_a_draft_the_leader_sent_back_never_become_public(client, province):
    assignment = drive.processing(province, MONDAY)
    services.submit_draft(assignment_id=assignment.pk, actor=province.roads_staff,
                          now=MONDAY + 4 * drive.STEP, body="Bản nháp đầu.",
                          photos=[results.jpeg()])
    [first] = results.photos_of(assignment.case)
    services.return_to_staff(assignment_id=assignment.pk, note="Ảnh chưa đúng chỗ.",
                             actor=province.roads_leader, now=MONDAY + 5 * drive.STEP)
    services.submit_draft(assignment_id=assignment.pk, actor=province.roads_staff,
                          now=MONDAY + 6 * drive.STEP, body="Bản đã sửa.",
                          photos=[results.jpeg((200, 10, 10))])
    services.approve_assignment(assignment_id=assignment.pk, actor=province.roads_leader,
                                now=MONDAY + 7 * drive.STEP)
    case = services.publish_case(case_id=assignment.case_id, visibility="public",
                                 reply_text=results.REPLY, actor=province.coordinator,
                                 now=MONDAY + 8 * drive.STEP)
    second = results.photos_of(case)[-1]
    html = answer_page(client, case)
    assert photo_url(second) in html and photo_url(first) not in html
    assert client.get(photo_url(first)).status_code == 404
    assert client.get(photo_url(second)).status_code == 200


def test_a_photo_stops_being_served_when_its_case_is_reopened_for_rework(client, province):
    case = results.published(province)
    [photo] = results.photos_of(case)
    services.reopen_case(case_id=case.pk, actor=REPORTER, now=MONDAY + 9 * drive.STEP)
    assert client.get(photo_url(photo)).status_code == 404
