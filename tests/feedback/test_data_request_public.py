"""A reporter asks about their personal data from the page of their tracked feedback (DP7)."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.feedback.support import TRACK, TRACKED, track
from workflow.models import DataRequest

pytestmark = pytest.mark.django_db

REQUEST = reverse("public:data_request")


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_form_needs_a_tracked_feedback(client):
    response = client.get(REQUEST)

    assert response.status_code == 302 and response["Location"] == TRACK


def test_the_tracked_page_links_to_the_personal_data_form(client, province):
    case = province.receive()
    track(client, case.tracking_code, "0912345678")

    assert REQUEST in client.get(TRACKED).content.decode()


def test_a_reporter_asks_to_delete_their_data_and_is_told_when_they_will_hear(english,
                                                                            province):
    case = province.receive()
    track(english, case.tracking_code, "0912345678")

    response = english.post(REQUEST, {"kind": "delete", "details": "Xin xoá số điện thoại."})

    data_request = DataRequest.objects.get()
    assert (data_request.kind, data_request.channel, data_request.case) == ("delete", "web",
                                                                            case)
    assert data_request.details == "Xin xoá số điện thoại."
    assert data_request.answer_by.strftime("%d/%m/%Y") in response.content.decode()
    assert "Your request was received" in response.content.decode()


def test_a_bad_correction_is_shown_next_to_its_field_and_what_was_typed_stays(english,
                                                                              province):
    case = province.receive()
    track(english, case.tracking_code, "0912345678")

    response = english.post(REQUEST, {"kind": "correct", "reporter_email": "khong-phai-email",
                                      "reporter_address": "Số 5 đường Cách Mạng Tháng Tám"})

    assert response.status_code == 400
    assert response.context["form"].errors["reporter_email"]
    assert 'value="Số 5 đường Cách Mạng Tháng Tám"' in response.content.decode()
    assert not DataRequest.objects.exists()


def test_the_page_lists_the_reporters_earlier_requests_and_their_status(english, province):
    case = province.receive()
    track(english, case.tracking_code, "0912345678")
    english.post(REQUEST, {"kind": "access"})

    page = english.get(REQUEST).content.decode()

    assert "See my personal data" in page and "<strong>Open</strong>" in page
    assert DataRequest.objects.count() == 1
