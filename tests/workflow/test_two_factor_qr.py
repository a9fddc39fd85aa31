"""Enrolment shows its key as a QR code made on the server (SECURITY AC5): the image is read
back with a real decoder, and only the person enrolling ever gets it."""

import io
import re

import cairosvg
import pytest
import zxingcpp
from django.urls import reverse
from PIL import Image

from routing.models import TwoFactorDevice, TwoFactorEnrolment
from tests.factories import UserFactory
from workflow import auth

from .test_auth import ENROL, allow_enrolment, code_for, log_in

QR = reverse("staff:two_factor_qr")


@pytest.fixture(autouse=True)
def _counters(empty_lockout_counters):  # noqa: PT004 — the shared fixture, for every test
    yield


def decoded(svg: bytes) -> list[str]:
    png = cairosvg.svg2png(bytestring=svg, output_width=400, output_height=400)
    return [found.text for found in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def enrolling(client, user) -> TwoFactorDevice:
    """`user` on the enrolment page of a log-in, the device made and not yet confirmed."""
    allow_enrolment(user)
    assert log_in(client, user.get_username())["Location"] == ENROL
    assert client.get(ENROL).status_code == 200
    return TwoFactorDevice.objects.get(user=user)


def test_the_enrolment_page_shows_a_qr_code_of_its_key(client, province, now):
    device = enrolling(client, province.coordinator_user)
    page = client.get(ENROL).content.decode()
    assert re.search(rf'<img [^>]*src="{re.escape(QR)}"[^>]*alt="[^"]+"', page)
    response = client.get(QR)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "no-store" in response["Cache-Control"]
    uri = auth.otpauth_uri(device.secret, "coord", auth.issuer_name())
    assert decoded(response.content) == [uri]
    assert f"secret={device.secret}" in uri


def test_the_qr_code_has_no_script_and_no_inline_style(client, province, now):
    enrolling(client, province.coordinator_user)
    svg = client.get(QR).content.decode()
    assert "<script" not in svg and "style" not in svg and "href" not in svg


def test_the_qr_code_is_not_for_anyone_without_a_log_in_under_way(client, db):
    assert client.get(QR).status_code == 404


def test_the_qr_code_is_not_for_someone_else_logged_in(client, province, now):
    enrolling(client, province.coordinator_user)
    other = UserFactory(username="another")
    client.force_login(other)
    assert client.get(QR).status_code == 404


def test_the_qr_code_is_gone_once_the_authenticator_is_confirmed(client, province, now):
    device = enrolling(client, province.coordinator_user)
    client.post(ENROL, {"code": code_for(device, now.value)})
    assert client.get(QR).status_code == 404


def test_the_qr_code_is_gone_when_the_enrolment_window_closes(client, province, now):
    enrolling(client, province.coordinator_user)
    assert client.get(QR).status_code == 200
    TwoFactorEnrolment.objects.filter(user=province.coordinator_user).delete()
    assert client.get(QR).status_code == 404


def test_the_qr_code_is_gone_when_the_pending_log_in_expires(client, province, now):
    enrolling(client, province.coordinator_user)
    now.advance(5 * 60 + 1)
    assert client.get(QR).status_code == 404
