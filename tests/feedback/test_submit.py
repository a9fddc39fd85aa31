"""The public submit page (Art. 6; SECURITY DP2, DP5, IN1, IN2, IN4, AC4)."""

import io
import re

import pytest
from django.urls import reverse
from PIL import Image

from feedback.models import Attachment, Consent, Submission
from tests.feedback.support import SUBMIT, jpeg_with_gps, png_bytes, send, submission, upload
from workflow.models import Case, CaseEvent

pytestmark = pytest.mark.django_db


def english(client) -> None:
    client.cookies["django_language"] = "en"


def test_the_form_shows_the_photo_limits_and_starts_with_consent_unticked(client):
    english(client)
    html = client.get(SUBMIT).content.decode()
    assert "Up to 5 photos (JPEG, PNG or WebP), at most 10.0\xa0MB each." in html
    consent = re.search(r'<input[^>]*name="consent"[^>]*>', html).group(0)
    assert "checked" not in consent
    assert "privacy notice" in html.lower()
    assert 'name="idempotency_key"' in html


def test_a_submission_creates_one_received_case_and_shows_its_tracking_code(client, province):
    response = send(client, submission())
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.state == Case.State.RECEIVED
    assert case.channel == Case.Channel.WEB
    assert case.reporter_phone == "0912345678"
    page = client.get(response["Location"]).content.decode()
    assert case.display_code in page
    assert CaseEvent.objects.filter(case=case, kind="received").count() == 1


def test_consent_is_recorded_with_the_notice_version_and_time(client, settings):
    settings.PRIVACY_NOTICE_VERSION = "2026-test"
    send(client, submission())
    consent = Consent.objects.get(purpose=Consent.Purpose.PROCESSING)
    assert consent.purpose == Consent.Purpose.PROCESSING
    assert consent.notice_version == "2026-test"
    assert consent.given_at == consent.case.received_at


def test_without_consent_no_case_is_made_and_the_typed_text_is_kept(client):
    english(client)
    response = send(client, submission(consent=None))
    assert response.status_code == 400
    assert not Case.objects.exists()
    html = response.content.decode()
    assert "Tick this box to send your feedback" in html
    assert "Nước ngập sâu nửa mét" in html


def test_a_double_post_with_the_same_idempotency_key_makes_one_case(client):
    data = submission(idempotency_key="k" * 32)
    first = send(client, data)
    second = send(client, data)
    assert first.status_code == second.status_code == 302
    assert Case.objects.count() == 1
    assert Consent.objects.filter(purpose=Consent.Purpose.PROCESSING).count() == 1


def test_a_retry_with_photos_does_not_store_the_photos_twice(client):
    data = submission(idempotency_key="r" * 32)
    send(client, {**data, "photos": [upload(jpeg_with_gps())]})
    send(client, {**data, "photos": [upload(jpeg_with_gps())]})
    assert Attachment.objects.count() == 1


def test_a_filled_honeypot_makes_no_case(client):
    response = send(client, submission(website="http://spam.example"))
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_too_many_submissions_from_one_ip_get_a_friendly_429(client, settings):
    settings.PUBLIC_RATE_LIMITS = {**settings.PUBLIC_RATE_LIMITS, "submit:ip": (2, 3600)}
    english(client)
    for n in range(2):
        phone = f"09123456{n:02d}"
        assert send(client, submission(reporter_phone=phone)).status_code == 302
    response = send(client, submission(reporter_phone="0988000111"))
    assert response.status_code == 429
    assert response["Retry-After"]
    assert "Too many attempts" in response.content.decode()
    assert "0276.1022" in response.content.decode()
    assert Case.objects.count() == 2


def test_too_many_submissions_for_one_phone_get_a_429(client, settings):
    settings.PUBLIC_RATE_LIMITS = {**settings.PUBLIC_RATE_LIMITS, "submit:phone": (1, 3600)}
    assert send(client, submission(), REMOTE_ADDR="10.0.0.1").status_code == 302
    response = send(client, submission(), REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 429
    assert Case.objects.count() == 1


def test_a_jpeg_carrying_gps_exif_is_stored_without_any_metadata(client):
    send(client, {**submission(), "photos": [upload(jpeg_with_gps(), "../../evil.jpg")]})
    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/jpeg"
    assert "evil" not in attachment.file.name and ".." not in attachment.file.name
    with attachment.file.open("rb") as f:
        data = f.read()
    assert b"LeakCam" not in data and b"taken at home" not in data and b"Exif" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert not image.getexif()
        assert not image.getexif().get_ifd(0x8825)
        assert not {"exif", "comment", "xmp", "icc_profile"} & set(image.info)
    assert attachment.size == len(data)


def test_a_transparent_png_stays_a_png_without_metadata(client):
    send(client, {**submission(), "photos": [upload(png_bytes(), "a.png", "image/png")]})
    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/png"
    with attachment.file.open("rb") as f, Image.open(f) as image:
        assert image.format == "PNG"
        assert not image.getexif()


def test_a_fake_image_is_refused_with_a_translated_message_and_the_text_kept(client):
    fake = upload(b"<html><script>alert(1)</script></html>", "photo.jpg", "image/jpeg")
    response = send(client, {**submission(), "photos": [fake]})
    assert response.status_code == 400
    assert not Case.objects.exists()
    html = response.content.decode()
    assert "Có tệp không phải là hình ảnh đọc được." in html
    assert "Đường ngập sau mưa ở phường 3" in html


def test_the_refusal_is_in_english_after_the_language_switch(client):
    english(client)
    response = send(client, {**submission(), "photos": [upload(b"GIF89a nonsense")]})
    assert "A file is not a photo we can read. Send JPEG, PNG or WebP photos." in \
        response.content.decode()


def test_an_oversize_photo_is_refused(client, settings):
    settings.PUBLIC_PHOTO_MAX_BYTES = 1_000
    english(client)
    response = send(client, {**submission(), "photos": [upload(jpeg_with_gps((400, 400)))]})
    assert response.status_code == 400
    assert "A photo is larger than" in response.content.decode()
    assert not Case.objects.exists()


def test_a_decompression_bomb_is_refused(client, settings):
    settings.PUBLIC_PHOTO_MAX_PIXELS = 100 * 100
    english(client)
    response = send(client, {**submission(), "photos": [upload(jpeg_with_gps((200, 200)))]})
    assert response.status_code == 400
    assert "too many pixels" in response.content.decode()


def test_more_than_five_photos_are_refused(client):
    english(client)
    photos = [upload(png_bytes(), f"{n}.png", "image/png") for n in range(6)]
    response = send(client, {**submission(), "photos": photos})
    assert response.status_code == 400
    assert "Send at most 5 photos." in response.content.decode()


def test_script_in_every_field_is_escaped_on_the_refused_form(client):
    script = "<script>alert('x')</script>"
    data = submission(**{k: script for k in ("title", "content", "location_text",
                                             "reporter_name", "reporter_address")},
                      reporter_email="not-an-email", consent=None)
    html = send(client, data).content.decode()
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_content_without_diacritics_is_warned_about_once_then_accepted(client):
    english(client)
    data = submission(content="Duong bi ngap nuoc sau moi tran mua lon o phuong 3")
    warned = send(client, data)
    assert warned.status_code == 200
    assert "Your text has no Vietnamese diacritics" in warned.content.decode()
    assert not Case.objects.exists()
    assert send(client, {**data, "diacritics_confirmed": "1"}).status_code == 302
    assert Case.objects.count() == 1


def test_the_success_page_without_a_submission_goes_back_to_the_form(client):
    response = client.get(reverse("public:submitted"))
    assert response.status_code == 302
    assert response["Location"] == SUBMIT


def test_a_phone_with_country_code_is_stored_the_local_way(client):
    send(client, submission(reporter_phone="+84 912 345 678"))
    assert Case.objects.get().reporter_phone == "0912345678"


def test_a_title_of_invisible_characters_is_missing_and_nothing_is_accepted(client):
    response = send(client, submission(title="\u200b\u200b", reporter_name="\u2060"))
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["title"] == form.errors["reporter_name"] == [
        str(form.fields["title"].error_messages["required"])]
    assert not Submission.objects.exists()
