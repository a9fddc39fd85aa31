"""The evidence photos of a unit's draft reply on the staff case page: thumbnails for the
unit, its leader and the coordinator, served only through a permission-checked view (AC1,
AC2); another unit never sees them (the page's queries: tests/performance/)."""

import re
from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image, ImageCms

from tests.conftest import MONDAY
from tests.workflow import drive
from tests.workflow.acting import post
from workflow import services
from workflow.models import Assignment, DraftPhoto


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def jpeg() -> ContentFile:
    buffer = BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(buffer, "JPEG")
    return ContentFile(buffer.getvalue(), name="photo.jpg")


def case_url(case) -> str:
    return reverse("staff:case", args=[case.pk])


def photo_url(photo: DraftPhoto) -> str:
    return reverse("staff:draft_photo", args=[photo.pk])


def draft_with_photos(p, unit, count: int = 2, **kwargs) -> Assignment:
    """`unit`'s draft with `count` photos, waiting for its leader, on a case sent to both
    roads and power."""
    case = drive.assigned(p, MONDAY, units=[p.roads, p.power], **kwargs)
    staff = p.roads_staff if unit == p.roads else p.power_staff
    assignment = drive.assignment_of(case, unit)
    services.accept_assignment(assignment_id=assignment.pk, actor=staff, now=MONDAY + drive.STEP)
    services.submit_draft(assignment_id=assignment.pk, actor=staff, now=MONDAY + 2 * drive.STEP,
                          body="Đã xử lý xong.", photos=[jpeg() for _ in range(count)])
    assignment.refresh_from_db()
    return assignment


def photos_of(assignment: Assignment) -> list[DraftPhoto]:
    return list(DraftPhoto.objects.filter(draft__assignment=assignment).order_by("pk"))


def page(client, user, case) -> str:
    client.force_login(user)
    response = client.get(case_url(case))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("user", ["roads_staff_user", "roads_leader_user", "coordinator_user"])
def test_the_unit_its_leader_and_the_coordinator_see_the_drafts_photos(client, province, user):
    assignment = draft_with_photos(province, province.roads)
    html = page(client, getattr(province, user), assignment.case)
    for photo in photos_of(assignment):
        assert f'<img src="{photo_url(photo)}"' in html
    assert len(re.findall(r'<img src="/staff/draft-photos/\d+/"', html)) == 2


@pytest.mark.parametrize("user", ["roads_staff_user", "roads_leader_user", "coordinator_user"])
def test_the_photo_is_served_inline_as_an_image_with_nosniff(client, province, user):
    [photo, _] = photos_of(draft_with_photos(province, province.roads))
    client.force_login(getattr(province, user))
    response = client.get(photo_url(photo))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == f'inline; filename="photo-{photo.pk}.jpg"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8\xff")


def test_another_unit_on_the_same_case_sees_none_of_the_drafts_photos(client, province):
    roads = draft_with_photos(province, province.roads)
    html = page(client, province.power_staff_user, roads.case)
    assert "/staff/draft-photos/" not in html
    for photo in photos_of(roads):
        assert client.get(photo_url(photo)).status_code == 404


def test_each_unit_sees_only_its_own_photos_when_both_drafted(client, province):
    roads = draft_with_photos(province, province.roads)
    power_assignment = drive.assignment_of(roads.case, province.power)
    services.accept_assignment(assignment_id=power_assignment.pk, actor=province.power_staff,
                               now=MONDAY + drive.STEP)
    services.submit_draft(assignment_id=power_assignment.pk, actor=province.power_staff,
                          now=MONDAY + 3 * drive.STEP, body="Đã cấp điện lại.", photos=[jpeg()])
    html = page(client, province.power_leader_user, roads.case)
    [power_photo] = photos_of(power_assignment)
    assert f'<img src="{photo_url(power_photo)}"' in html
    assert all(photo_url(p) not in html for p in photos_of(roads))


def test_a_unit_with_no_part_in_the_case_gets_404_on_the_photo(client, province):
    [photo, _] = photos_of(draft_with_photos(province, province.roads))
    client.force_login(province.other_staff_user)
    assert client.get(photo_url(photo)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in_for_a_photo(client, province):
    [photo, _] = photos_of(draft_with_photos(province, province.roads))
    response = client.get(photo_url(photo))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:login"))


def test_the_supervisor_gets_404_on_a_state_secrets_photo(client, province):
    assignment = draft_with_photos(province, province.roads)
    case = assignment.case
    case.is_state_secret = True
    case.save(update_fields=["is_state_secret"])
    [photo, _] = photos_of(assignment)
    client.force_login(province.supervisor_user)
    assert client.get(photo_url(photo)).status_code == 404
    client.force_login(province.roads_staff_user)
    assert client.get(photo_url(photo)).status_code == 200  # the unit that holds it still may


def test_a_photo_is_only_read_not_changed_through_its_url(client, province):
    [photo, _] = photos_of(draft_with_photos(province, province.roads))
    client.force_login(province.coordinator_user)
    assert client.post(photo_url(photo)).status_code == 405


def test_an_evidence_photo_is_stored_without_its_gps_comment_or_colour_profile(client, province):
    assignment = drive.processing(province, MONDAY)
    exif = Image.Exif()
    exif[0x010F] = "Camera of the unit"  # Make
    exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (10.0, 45.0, 0.0), 3: "E", 4: (106.0, 7.0, 0.0)}
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(
        buffer, "JPEG", exif=exif, comment=b"taken at the office", icc_profile=profile)
    sent = SimpleUploadedFile("truoc.jpg", buffer.getvalue(), content_type="image/jpeg")
    response = post(client, province.roads_staff_user, "draft", assignment.pk,
                    {"body": "Đã vá ổ gà.", "photos": [sent]})
    assert response.status_code == 302
    [photo] = photos_of(assignment)
    with photo.image.open("rb") as fh, Image.open(fh) as image:
        assert (image.size, image.format) == ((64, 48), "JPEG")
        assert not {"exif", "icc_profile", "comment"} & set(image.info)
        assert dict(image.getexif()) == {}
