"""The Zalo official-account webhook: the MAC, the events, repeats, limits."""

from __future__ import annotations

import copy
import logging

import pytest
from django.test import Client
from django.urls import reverse

from feedback.models import ChannelSender
from workflow.models import Case

from .support import (
    ZALO_APP_ID,
    ZALO_FOLLOW_EVENT,
    ZALO_MSG_ID,
    ZALO_OA_ID,
    ZALO_TEXT,
    ZALO_TEXT_EVENT,
    ZALO_USER_ID,
    encode,
    now_ms,
    zalo_signature,
)

URL = reverse("channels:zalo")
pytestmark = pytest.mark.django_db


def fresh(document: dict) -> dict:
    """The recorded delivery as Zalo would send it now: its signed timestamp is today's."""
    return {**document, "timestamp": now_ms()}


def deliver(client: Client, document, signature: str | None = "sign", body: bytes | None = None,
            stamp: bool = True):
    if stamp and body is None:
        document = fresh(document)
    body = encode(document) if body is None else body
    headers = {}
    if signature == "sign":
        signature = zalo_signature(body, document)
    if signature is not None:
        headers["X-ZEvent-Signature"] = signature
    return client.post(URL, data=body, content_type="application/json", headers=headers)


def nothing_created() -> bool:
    return not Case.objects.exists() and not ChannelSender.objects.exists()


def test_a_signed_text_message_becomes_one_received_zalo_case_with_its_sender(client):
    event = fresh(ZALO_TEXT_EVENT)
    response = deliver(client, event, stamp=False)
    assert response.status_code == 200
    case = Case.objects.get()
    assert case.channel == Case.Channel.ZALO
    assert case.state == Case.State.RECEIVED
    assert case.title == ZALO_TEXT[:60].rstrip()
    assert case.content == ZALO_TEXT
    assert case.reporter_name == "Zalo 8750"
    assert case.idempotency_key == f"zalo:{ZALO_MSG_ID}"
    sender = ChannelSender.objects.get()
    assert (sender.case, sender.platform, sender.sender_id, sender.page_id) == (
        case, "zalo", ZALO_USER_ID, ZALO_OA_ID)
    assert sender.raw_payload == event


def test_the_same_event_replayed_makes_one_case(client):
    assert deliver(client, ZALO_TEXT_EVENT).status_code == 200
    assert deliver(client, ZALO_TEXT_EVENT).status_code == 200
    assert Case.objects.count() == 1
    assert ChannelSender.objects.count() == 1


def test_a_webhook_needs_no_csrf_token_since_its_mac_authenticates_it():
    assert deliver(Client(enforce_csrf_checks=True), ZALO_TEXT_EVENT).status_code == 200
    assert Case.objects.count() == 1


def test_a_numeric_timestamp_is_signed_as_its_digits(client):
    stamp = int(now_ms())
    event = {**ZALO_TEXT_EVENT, "timestamp": stamp}
    body = encode(event)
    signature = zalo_signature(body, {**event, "timestamp": str(stamp)})
    assert deliver(client, event, signature, body=body).status_code == 200
    assert Case.objects.count() == 1


def test_a_forged_mac_is_refused_and_creates_nothing(client):
    body = encode(ZALO_TEXT_EVENT)
    forged = zalo_signature(body, ZALO_TEXT_EVENT, secret="not-our-secret")
    response = deliver(client, ZALO_TEXT_EVENT, forged)
    assert response.status_code == 403
    assert nothing_created()


def test_a_changed_timestamp_breaks_the_mac(client):
    signed_event = fresh(ZALO_TEXT_EVENT)
    replayed = {**signed_event, "timestamp": now_ms(1)}
    response = deliver(client, replayed, zalo_signature(encode(signed_event), signed_event),
                       stamp=False)
    assert response.status_code == 403
    assert nothing_created()


def test_an_event_without_a_mac_is_refused(client):
    assert deliver(client, ZALO_TEXT_EVENT, signature=None).status_code == 403
    assert nothing_created()


@pytest.mark.parametrize("form", ["mac={}", "{}", "MAC={}", "mac = {}", " {} "],
                         ids=["prefixed", "bare", "upper-case", "spaced", "padded"])
def test_the_mac_is_accepted_with_or_without_its_documented_prefix(client, form):
    event = fresh(ZALO_TEXT_EVENT)
    body = encode(event)
    digest = zalo_signature(body, event).removeprefix("mac=")
    header = form.format(digest.upper() if form.startswith("MAC") else digest)
    assert deliver(client, event, header, body=body).status_code == 200
    assert Case.objects.count() == 1


@pytest.mark.parametrize("header", ["sha256={}", "mac={}00", "mac=mac={}", "mac={}, mac={}"])
def test_a_mac_in_any_other_form_is_refused(client, header):
    event = fresh(ZALO_TEXT_EVENT)
    body = encode(event)
    digest = zalo_signature(body, event).removeprefix("mac=")
    assert deliver(client, event, header.format(digest, digest), body=body).status_code == 403
    assert nothing_created()


@pytest.mark.parametrize("offset", [-301, 301, -86_400], ids=["stale", "ahead", "a-day-old"])
def test_a_rightly_signed_delivery_outside_the_five_minute_window_is_refused(client, offset):
    event = {**ZALO_TEXT_EVENT, "timestamp": now_ms(offset)}
    assert deliver(client, event, stamp=False).status_code == 403
    assert nothing_created()


@pytest.mark.parametrize("offset", [-290, 290])
def test_a_delivery_inside_the_window_is_taken(client, offset):
    event = {**ZALO_TEXT_EVENT, "timestamp": now_ms(offset)}
    assert deliver(client, event, stamp=False).status_code == 200
    assert Case.objects.count() == 1


def test_the_replay_window_is_a_setting(client, settings):
    settings.ZALO_WEBHOOK_MAX_AGE_SECONDS = 3600
    event = {**ZALO_TEXT_EVENT, "timestamp": now_ms(-1800)}
    assert deliver(client, event, stamp=False).status_code == 200
    settings.ZALO_WEBHOOK_MAX_AGE_SECONDS = 60
    event = {**ZALO_TEXT_EVENT, "timestamp": now_ms(-120),
             "message": {"msg_id": "another-message", "text": ZALO_TEXT}}
    assert deliver(client, event, stamp=False).status_code == 403
    assert Case.objects.count() == 1


@pytest.mark.parametrize("timestamp", ["", "soon", "-1", "1.5e12", "1772413199876 "])
def test_a_rightly_signed_timestamp_that_is_no_time_is_refused(client, timestamp):
    event = {**ZALO_TEXT_EVENT, "timestamp": timestamp}
    assert deliver(client, event, stamp=False).status_code == 403
    assert nothing_created()


def test_the_recorded_delivery_replayed_months_later_is_refused(client):
    # ZALO_TEXT_EVENT keeps the timestamp Zalo signed it with, in March 2026.
    assert deliver(client, ZALO_TEXT_EVENT, stamp=False).status_code == 403
    assert nothing_created()


def test_every_event_is_refused_while_the_secret_key_is_empty(client, settings):
    settings.ZALO_OA_SECRET_KEY = ""
    event = fresh(ZALO_TEXT_EVENT)
    body = encode(event)
    response = deliver(client, event, zalo_signature(body, event, ""), body=body)
    assert response.status_code == 403
    assert nothing_created()


def test_an_event_for_another_app_is_refused_even_with_a_right_mac(client):
    event = {**ZALO_TEXT_EVENT, "app_id": "9999999999999999999"}
    assert deliver(client, event).status_code == 403
    assert nothing_created()


def test_a_body_that_is_not_json_is_refused_since_it_cannot_be_verified(client):
    response = client.post(URL, data=b"{nope", content_type="application/json",
                           headers={"X-ZEvent-Signature": "mac=00"})
    assert response.status_code == 403
    assert nothing_created()


def test_an_oversize_body_is_refused_with_413_and_creates_nothing(client):
    event = copy.deepcopy(ZALO_TEXT_EVENT)
    event["message"]["text"] = "x" * (256 * 1024)
    assert deliver(client, event).status_code == 413
    assert nothing_created()


def test_a_get_is_not_allowed(client):
    assert client.get(URL).status_code == 405


@pytest.mark.parametrize("event", [
    ZALO_FOLLOW_EVENT,
    {**ZALO_TEXT_EVENT, "event_name": "user_send_image"},
    {**ZALO_TEXT_EVENT, "message": {"msg_id": ZALO_MSG_ID, "text": "  "}},
    {**ZALO_TEXT_EVENT, "sender": "someone"},
], ids=["follow", "image", "blank-text", "odd-sender"])
def test_events_other_than_a_persons_text_are_acknowledged_and_ignored(client, event):
    assert deliver(client, event).status_code == 200
    assert nothing_created()


def test_the_logs_hold_no_sender_id_and_no_message_text(client, caplog):
    caplog.set_level(logging.DEBUG)
    deliver(client, ZALO_TEXT_EVENT)
    deliver(client, ZALO_TEXT_EVENT, "mac=forged")
    assert "zalo webhook" in caplog.text
    for secret in (ZALO_USER_ID, ZALO_MSG_ID, ZALO_TEXT[:20], ZALO_APP_ID):
        assert secret not in caplog.text
