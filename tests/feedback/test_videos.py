"""Videos on the public submit form (Art. 6; SECURITY DP5, IN2, IN5, AC2)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from feedback import services
from feedback.models import Attachment
from feedback.videos import clean_video
from tests.feedback.support import (
    FRAMES,
    GPS_ISO6709,
    SUBMIT,
    TRACKED,
    box,
    mp4_bytes,
    send,
    submission,
    track,
    upload,
    webm_bytes,
)
from workflow.models import Case

pytestmark = pytest.mark.django_db

NOT_A_VIDEO = "A file is not a video we can read. Send MP4 or WebM videos."
CHOOSE_AGAIN = "browsers do not keep chosen files: please choose your photos and videos again."


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


def video(content: bytes, name: str = "clip.bin", content_type: str = "application/octet-stream"):
    # A neutral name and type: only the bytes may decide what the file is.
    return upload(content, name, content_type)


def stored_bytes(attachment: Attachment) -> bytes:
    with attachment.file.open("rb") as f:
        return f.read()


def test_the_form_shows_the_video_limits_before_anything_is_sent(client):
    html = client.get(SUBMIT).content.decode()
    assert "Up to 2 videos (MP4 or WebM), at most 50.0\xa0MB each." in html
    assert 'accept="video/mp4,video/webm"' in html


def test_the_video_limits_follow_the_settings(client, settings):
    settings.PUBLIC_VIDEO_MAX_BYTES = 20 * 1024 * 1024
    settings.PUBLIC_VIDEO_MAX_COUNT = 1
    assert "Up to 1 videos (MP4 or WebM), at most 20.0\xa0MB each." in \
        client.get(SUBMIT).content.decode()


def test_an_mp4_is_stored_as_a_video_with_its_location_blanked(client):
    original = mp4_bytes()
    response = send(client, {**submission(), "videos": [video(original, "../../x.html")]})
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.kind == Attachment.Kind.VIDEO
    assert attachment.content_type == "video/mp4"
    assert "x.html" not in attachment.file.name and ".." not in attachment.file.name
    data = stored_bytes(attachment)
    assert GPS_ISO6709 not in data and b"quicktime.location" not in data
    assert b"LeakCam" not in data
    # Same length, same video: the offsets into mdat still point at the frames.
    assert len(data) == len(original) == attachment.size
    assert box(b"mdat", FRAMES) in data and data.startswith(original[:32])
    assert clean_video(video(data)).size == len(data)  # still a well-formed MP4


def test_a_webm_from_a_browser_recording_is_stored_with_its_tags_blanked(client):
    original = webm_bytes()
    send(client, {**submission(), "videos": [video(original, "rec.webm", "video/webm")]})
    attachment = Attachment.objects.get()
    assert attachment.content_type == "video/webm"
    data = stored_bytes(attachment)
    assert GPS_ISO6709 not in data and b"LOCATION" not in data
    assert len(data) == len(original)
    assert FRAMES in data
    assert clean_video(video(data)).size == len(data)  # still a well-formed WebM


def test_photos_and_videos_go_together(client):
    from tests.feedback.support import jpeg_with_gps

    send(client, {**submission(), "photos": [upload(jpeg_with_gps())],
                         "videos": [video(mp4_bytes()), video(webm_bytes())]})
    assert sorted(Attachment.objects.values_list("kind", flat=True)) == ["photo", "video",
                                                                        "video"]


@pytest.mark.parametrize("content", [
    b"<html><script>alert(1)</script></html>",
    b"\x00\x00\x00\x18ftypqt  \x00\x00\x02\x00qt  " + box(b"moov") + box(b"mdat"),  # QuickTime
    mp4_bytes(trailer=b"<html><script>alert(1)</script></html>"),  # a page riding after it
    mp4_bytes()[:200],  # cut short
    webm_bytes(doctype=b"matroska"),
    webm_bytes(trailer=b"<script>alert(1)</script>"),
    b"\x1a\x45\xdf\xa3\x80",  # an empty EBML header
    b"\x00\x00\x00\x08ftyp",
])
def test_anything_but_a_well_formed_mp4_or_webm_is_refused_keeping_the_text(client, content):
    response = send(client, {**submission(),
                                    "videos": [video(content, "clip.mp4", "video/mp4")]})
    assert response.status_code == 400
    assert not Case.objects.exists()
    html = response.content.decode()
    assert NOT_A_VIDEO in html
    assert CHOOSE_AGAIN in html
    assert "Nước ngập sâu nửa mét" in html and "Nguyễn Thị Hoa" in html


def test_a_box_nested_too_deep_is_refused_not_a_crash(client):
    nested = box(b"mdia")
    for _level in range(40):
        nested = box(b"trak", nested)
    content = box(b"ftyp", b"isom\0\0\0\0isom") + box(b"moov", nested) + box(b"mdat")
    response = send(client, {**submission(), "videos": [video(content)]})
    assert response.status_code == 400
    assert NOT_A_VIDEO in response.content.decode()


def test_an_oversize_video_is_refused_before_it_is_read(client, settings):
    settings.PUBLIC_VIDEO_MAX_BYTES = 100
    response = send(client, {**submission(), "videos": [video(mp4_bytes())]})
    assert response.status_code == 400
    html = response.content.decode()
    assert "A video is larger than 100\xa0bytes." in html
    assert CHOOSE_AGAIN in html
    assert "Đường ngập sau mưa ở phường 3" in html


def test_too_many_videos_are_refused(client):
    response = send(client, {**submission(),
                                    "videos": [video(mp4_bytes()) for _n in range(3)]})
    assert response.status_code == 400
    assert "Send at most 2 videos." in response.content.decode()
    assert not Case.objects.exists()


def test_a_good_video_with_a_missing_phone_asks_for_the_phone_and_to_choose_files_again(client):
    response = send(client, {**submission(reporter_phone=""),
                                    "videos": [video(mp4_bytes())]})
    assert response.status_code == 400
    assert not Case.objects.exists() and not Attachment.objects.exists()
    html = response.content.decode()
    assert 'id="id_reporter_phone_error1"' in html
    assert CHOOSE_AGAIN in html
    assert "Nước ngập sâu nửa mét" in html


def test_the_refusal_is_translated_for_a_vietnamese_reader(client):
    client.cookies.clear()
    response = send(client, {**submission(), "videos": [video(b"not a video")]})
    assert response.status_code == 400
    assert 'lang="vi"' in response.content.decode()
    assert 'id="id_videos_error1"' in response.content.decode()


def test_a_retry_does_not_store_the_video_twice(client):
    data = submission(idempotency_key="v" * 32)
    send(client, {**data, "videos": [video(mp4_bytes())]})
    send(client, {**data, "videos": [video(mp4_bytes())]})
    assert Attachment.objects.count() == 1


def test_the_submission_service_takes_videos_for_the_json_api():
    clean = clean_video(video(webm_bytes()))
    case, created = services.submit_case(
        title="Rác thải ven kênh", content="Rác đổ ven kênh Tây Ninh nhiều ngày.",
        reporter_name="Trần Văn Bình", reporter_phone="0987654321", videos=[clean],
        notice_version="2026-11", idempotency_key="api-video-0000001", channel=Case.Channel.APP,
        now=timezone.now(),
    )
    assert created
    attachment = case.attachments.get()
    assert (attachment.kind, attachment.content_type) == ("video", "video/webm")
    assert GPS_ISO6709 not in stored_bytes(attachment)


# --- Serving (AC2) -----------------------------------------------------------------------------
def submitted_with_video(client) -> Attachment:
    send(client, {**submission(), "videos": [video(mp4_bytes(), 'x".html', "text/html")]})
    return Attachment.objects.get()


def test_the_reporter_plays_their_video_with_safe_headers(client):
    attachment = submitted_with_video(client)
    track(client, attachment.case.tracking_code, "0912345678")
    url = reverse("public:attachment", args=[attachment.pk])
    assert url in client.get(TRACKED).content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "video/mp4"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == f'inline; filename="video-{attachment.pk}.mp4"'
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == stored_bytes(attachment)


def test_the_video_is_served_in_pieces_as_players_ask(client):
    attachment = submitted_with_video(client)
    track(client, attachment.case.tracking_code, "0912345678")
    url = reverse("public:attachment", args=[attachment.pk])
    data = stored_bytes(attachment)
    first = client.get(url, HTTP_RANGE="bytes=0-1")
    assert first.status_code == 206
    assert first["Content-Range"] == f"bytes 0-1/{len(data)}"
    assert b"".join(first.streaming_content) == data[:2]
    assert first["X-Content-Type-Options"] == "nosniff"
    assert first["Content-Type"] == "video/mp4"
    tail = client.get(url, HTTP_RANGE="bytes=-10")
    assert b"".join(tail.streaming_content) == data[-10:]
    rest = client.get(url, HTTP_RANGE="bytes=100-")
    assert b"".join(rest.streaming_content) == data[100:]
    beyond = client.get(url, HTTP_RANGE=f"bytes={len(data)}-")
    assert beyond.status_code == 416
    assert beyond["Content-Range"] == f"bytes */{len(data)}"
    assert client.get(url, HTTP_RANGE="bytes=0-1,5-9").status_code == 200  # one piece only


def test_a_range_request_does_not_open_the_door_to_others(client, province):
    attachment = submitted_with_video(client)
    client.cookies.clear()
    url = reverse("public:attachment", args=[attachment.pk])
    assert client.get(url, HTTP_RANGE="bytes=0-1").status_code == 404


def test_a_video_is_not_served_to_anyone_else(client, province):
    attachment = submitted_with_video(client)
    client.cookies.clear()
    url = reverse("public:attachment", args=[attachment.pk])
    assert client.get(url).status_code == 404
    client.force_login(province.other_staff_user)
    assert client.get(url).status_code == 404


def test_the_staff_list_of_attachments_shows_photos_and_videos(client, province):
    from django.template.loader import render_to_string

    from tests.feedback.support import jpeg_with_gps

    send(client, {**submission(), "photos": [upload(jpeg_with_gps())],
                         "videos": [video(webm_bytes())]})
    photo, clip = Attachment.objects.order_by("pk")
    html = render_to_string("partials/attachment_list.html",
                            {"attachments": Attachment.objects.order_by("pk")})
    assert f'<img src="{reverse("public:attachment", args=[photo.pk])}"' in html
    assert f'<source src="{reverse("public:attachment", args=[clip.pk])}" type="video/webm">' \
        in html


# --- Whatever the bytes, an answer and never a crash (IN5) ----------------------------------
@given(seed=st.sampled_from([mp4_bytes(), webm_bytes()]),
       cut=st.integers(min_value=0, max_value=2_000),
       flips=st.lists(st.tuples(st.integers(min_value=0, max_value=2_000),
                                st.integers(min_value=0, max_value=255)), max_size=6))
@hypothesis_settings(max_examples=300, deadline=None)
def test_a_damaged_video_is_either_accepted_or_refused_with_a_message(seed, cut, flips):
    data = bytearray(seed[:max(cut, 1)] if cut < len(seed) else seed)
    for position, value in flips:
        if position < len(data):
            data[position] = value
    try:
        clean = clean_video(video(bytes(data)))
    except ValidationError as error:
        assert error.messages == [NOT_A_VIDEO]
    else:
        clean.file.seek(0)
        assert len(clean.file.read()) == clean.size == len(data)
