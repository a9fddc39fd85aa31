"""The coordinator's pages for personal data requests (SECURITY DP7), and who may see them."""

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse

from routing.models import AuditEvent
from routing.selectors import REPORTER
from tests.conftest import MONDAY
from tests.workflow import drive
from workflow.models import DataRequest
from workflow.privacy import requests as privacy
from workflow.privacy.retention import ANONYMOUS_NAME

pytestmark = pytest.mark.django_db

LIST = reverse("staff:data_requests")
NEW = reverse("staff:data_request_new")


def filed(case, kind=DataRequest.Kind.ACCESS, **kwargs):
    return privacy.file_request(case=case, kind=kind, channel=DataRequest.Channel.WEB,
                                actor=REPORTER, now=MONDAY + timedelta(hours=1), **kwargs)


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.parametrize("who", ["roads_staff_user", "roads_leader_user", "supervisor_user"])
def test_nobody_but_the_coordinator_reaches_the_requests(client, province, who):
    data_request = filed(province.receive())
    client.force_login(getattr(province, who))

    assert client.get(LIST).status_code == 403
    assert client.get(reverse("staff:data_request", args=[data_request.pk])).status_code == 404
    export = client.post(reverse("staff:data_request_export", args=[data_request.pk]))
    assert export.status_code == 404
    erase = client.post(reverse("staff:data_request_step", args=[data_request.pk, "erase"]))
    assert erase.status_code == 404
    assert not AuditEvent.objects.filter(detail__step="exported").exists()


def test_a_wrong_code_or_phone_is_shown_next_to_the_field_and_keeps_what_was_typed(
        english, province):
    case = province.receive()
    english.force_login(province.coordinator_user)

    response = english.post(NEW, {"tracking_code": case.tracking_code, "phone": "0900000000",
                                  "kind": "correct", "channel": "hotline",
                                  "reporter_address": "12 đường 30/4"})

    assert response.status_code == 400
    form = response.context["form"]
    assert "No case has this tracking code" in form.errors["tracking_code"][0]
    assert 'value="12 đường 30/4"' in response.content.decode()
    assert not DataRequest.objects.exists()


def test_a_hotline_correction_is_recorded_then_applied(client, province):
    case = province.receive()
    client.force_login(province.coordinator_user)

    response = client.post(NEW, {"tracking_code": case.tracking_code.lower(),
                                 "phone": "0912 345 678", "kind": "correct",
                                 "channel": "hotline", "reporter_email": "an.moi@example.vn"})
    data_request = DataRequest.objects.get()
    assert response.status_code == 302
    assert (data_request.channel, data_request.corrections) == (
        "hotline", {"reporter_email": "an.moi@example.vn"})

    client.post(reverse("staff:data_request_step", args=[data_request.pk, "correct"]),
                {"correct-note": "Đã gọi lại xác nhận."})

    case.refresh_from_db()
    data_request.refresh_from_db()
    assert case.reporter_email == "an.moi@example.vn"
    assert data_request.status == "done" and data_request.outcome_note == "Đã gọi lại xác nhận."


def test_the_export_downloads_as_json_and_is_audited(client, province):
    data_request = filed(province.receive())
    client.force_login(province.coordinator_user)

    response = client.post(reverse("staff:data_request_export", args=[data_request.pk]))

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "no-store"
    document = json.loads(response.content)
    assert document["cases"][0]["reporter_name"] == "Nguyễn Văn An"
    exported = AuditEvent.objects.get(detail__step="exported")
    assert exported.actor == province.coordinator_user


def test_erasing_while_a_case_is_open_is_refused_on_the_page_with_the_reason(
        english, province):
    data_request = filed(drive.assigned(province, MONDAY), DataRequest.Kind.DELETE)
    english.force_login(province.coordinator_user)

    response = english.post(reverse("staff:data_request_step",
                                    args=[data_request.pk, "erase"]))

    assert response.status_code == 409
    assert "still being handled" in response.content.decode()


def test_erasing_a_published_case_from_the_page(client, province):
    case = drive.published(province, MONDAY)
    data_request = filed(case, DataRequest.Kind.DELETE)
    client.force_login(province.coordinator_user)

    page = client.get(reverse("staff:data_request", args=[data_request.pk]))
    client.post(reverse("staff:data_request_step", args=[data_request.pk, "erase"]))

    assert case.tracking_code in page.content.decode()
    case.refresh_from_db()
    assert case.reporter_name == ANONYMOUS_NAME and case.reporter_phone == ""


def test_a_refusal_without_a_reason_stays_on_the_page(english, province):
    data_request = filed(province.receive(), DataRequest.Kind.DELETE)
    english.force_login(province.coordinator_user)

    response = english.post(reverse("staff:data_request_step",
                                    args=[data_request.pk, "refuse"]), {"reason": " "})

    assert response.status_code == 400
    assert response.context["refuse_form"].errors["reason"]
    data_request.refresh_from_db()
    assert data_request.is_open
