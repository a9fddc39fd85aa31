"""Tracking, the reporter's conversation and rating, and the attachment view (Art. 11; AC2–AC4)."""

import re

import pytest
from django.urls import reverse

from feedback.models import Attachment, Comment, Rating
from tests.conftest import MONDAY
from tests.feedback.support import TRACKED, jpeg_with_gps, send, submission, track, upload
from tests.workflow import drive
from workflow import services
from workflow.models import Case

pytestmark = pytest.mark.django_db

NOT_FOUND = "We found no feedback with this tracking code and phone number."


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


def test_the_right_code_and_phone_show_the_status_and_timeline(client, province):
    case = drive.published(province, MONDAY)
    response = track(client, case.display_code.lower(), "0912 345 678")
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "Published" in html
    assert "02/03/2026 08:00" in html and "Received" in html
    assert "Dispatched to Sở Giao thông vận tải" in html
    assert "Handled by Sở Giao thông vận tải" in html
    assert "Reply published" in html
    assert "Đã thay bóng đèn." in html
    assert "not a legal basis for settling civil relations" in html


def error_summary(response) -> str:
    html = response.content.decode()
    return re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)


def test_a_wrong_phone_and_an_unknown_code_get_the_same_answer(client, province):
    case = province.receive()
    wrong_phone = track(client, case.tracking_code, "0999999999")
    unknown_code = track(client, "ZZZZZ-ZZZZZ", "0912345678")
    assert wrong_phone.status_code == unknown_code.status_code == 200
    assert NOT_FOUND in error_summary(wrong_phone)
    assert error_summary(wrong_phone) == error_summary(unknown_code)


def test_twenty_wrong_tries_from_one_address_get_throttled(client, province):
    case = province.receive()
    for n in range(20):
        response = track(client, f"AAAAA{n:05d}", "0912345678")
        assert response.status_code == 200
    response = track(client, case.tracking_code, "0912345678")  # even the right pair now
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


def test_twenty_wrong_phones_for_one_code_get_throttled_from_any_address(client, province):
    case = province.receive()
    for n in range(20):
        track(client, case.tracking_code, f"09000000{n:02d}", REMOTE_ADDR=f"10.1.0.{n}")
    response = track(client, case.tracking_code, "0912345678", REMOTE_ADDR="10.2.0.1")
    assert response.status_code == 429


def test_the_tracked_page_needs_a_tracked_session(client):
    response = client.get(TRACKED)
    assert response.status_code == 302
    assert response["Location"] == reverse("public:track")


def test_a_confidential_case_shows_its_private_reply_to_the_reporter(client, province):
    case = drive.approved(province, MONDAY, is_confidential=True)
    services.publish_case(case_id=case.pk, visibility="confidential", reply_text="Trả lời riêng.",
                          actor=province.coordinator, now=MONDAY)
    track(client, case.tracking_code, "0912345678")
    html = client.get(TRACKED).content.decode()
    assert "Trả lời riêng." in html
    assert "Reply sent to the reporter only" in html


def test_a_state_secret_shows_its_status_but_not_its_content(client, province):
    case = drive.approved(province, MONDAY, title="Tiêu đề bí mật")
    services.publish_case(case_id=case.pk, visibility="state_secret", reply_text="Nội dung mật.",
                          actor=province.coordinator, now=MONDAY)
    track(client, case.tracking_code, "0912345678")
    html = client.get(TRACKED).content.decode()
    assert "Published" in html
    assert "Tiêu đề bí mật" not in html and "Nội dung mật." not in html


def test_rating_unsatisfied_through_the_page_reopens_the_case(client, province):
    case = drive.published(province, MONDAY)
    track(client, case.tracking_code, "0912345678")
    response = client.post(reverse("public:rate"), {"value": "unsatisfied", "note": "Vẫn tối."})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == Case.State.REOPENED
    assert Rating.objects.get(case=case).value == "unsatisfied"
    html = client.get(TRACKED).content.decode()
    assert "Reopened after an unsatisfied rating" in html
    assert 'action="/tra-cuu/ket-qua/danh-gia/"' not in html


def test_a_rating_without_a_tracked_session_changes_nothing(client, province):
    case = drive.published(province, MONDAY)
    response = client.post(reverse("public:rate"), {"value": "unsatisfied"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == Case.State.PUBLISHED


def test_the_reporter_asks_about_the_reply(client, province):
    case = drive.published(province, MONDAY)
    track(client, case.tracking_code, "0912345678")
    response = client.post(reverse("public:comment"), {"body": "<script>x</script> Khi nào?"})
    assert response.status_code == 302
    assert Comment.objects.get(case=case).body == "<script>x</script> Khi nào?"
    html = client.get(TRACKED).content.decode()
    assert "&lt;script&gt;x&lt;/script&gt; Khi nào?" in html
    assert "<script>x" not in html


def test_a_comment_before_publication_is_refused(client, province):
    case = province.receive()
    track(client, case.tracking_code, "0912345678")
    response = client.post(reverse("public:comment"), {"body": "Câu hỏi của tôi"})
    assert response.status_code == 400
    assert "Comments open once the result is published." in response.content.decode()
    assert not Comment.objects.exists()


def test_an_empty_question_is_refused_on_the_page(client, province):
    case = drive.published(province, MONDAY)
    track(client, case.tracking_code, "0912345678")
    response = client.post(reverse("public:comment"), {"body": "   "})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


# --- Attachments (AC2) ----------------------------------------------------------------------------
def submitted_with_photo(client) -> Attachment:
    send(client, {**submission(), "photos": [upload(jpeg_with_gps(), 'x".html')]})
    return Attachment.objects.get()


def test_the_reporter_sees_their_photo_with_safe_headers(client):
    attachment = submitted_with_photo(client)
    track(client, attachment.case.tracking_code, "0912345678")
    html = client.get(TRACKED).content.decode()
    url = reverse("public:attachment", args=[attachment.pk])
    assert url in html
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == f'inline; filename="photo-{attachment.pk}.jpg"'
    assert "private" in response["Cache-Control"]


def test_a_photo_is_not_served_to_anyone_else(client, province):
    attachment = submitted_with_photo(client)
    client.cookies.clear()
    url = reverse("public:attachment", args=[attachment.pk])
    assert client.get(url).status_code == 404
    client.force_login(province.other_staff_user)
    assert client.get(url).status_code == 404


def test_the_coordinator_sees_a_photo(client, province):
    attachment = submitted_with_photo(client)
    client.force_login(province.coordinator_user)
    response = client.get(reverse("public:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
