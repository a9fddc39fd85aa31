"""The Facebook page webhook: handshake, signature, events, repeats, limits."""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from django.urls import reverse

from feedback.channels.services import idempotency_key
from feedback.models import ChannelSender
from workflow.models import Case, OutboxMessage

from .support import (
    FACEBOOK_DELIVERY_AND_READ,
    FACEBOOK_ECHO,
    FACEBOOK_MESSAGE,
    FACEBOOK_VERIFY_TOKEN,
    FB_TEXT,
    MID,
    PAGE_ID,
    PSID,
    encode,
    facebook_signature,
    variant,
)

URL = reverse("channels:facebook")
pytestmark = pytest.mark.django_db


def deliver(client: Client, body: bytes, signature: str | None = "sign"):
    headers = {}
    if signature == "sign":
        signature = facebook_signature(body)
    if signature is not None:
        headers["X-Hub-Signature-256"] = signature
    return client.post(URL, data=body, content_type="application/json", headers=headers)


def nothing_created() -> bool:
    return not Case.objects.exists() and not ChannelSender.objects.exists()


# --- Subscription handshake -------------------------------------------------------------------
def test_the_handshake_with_our_verify_token_echoes_the_challenge(client):
    response = client.get(URL, {"hub.mode": "subscribe", "hub.challenge": "1158201444",
                                "hub.verify_token": FACEBOOK_VERIFY_TOKEN})
    assert response.status_code == 200
    assert response.content == b"1158201444"
    assert response["Content-Type"].startswith("text/plain")


def test_the_handshake_with_another_token_is_refused(client):
    response = client.get(URL, {"hub.mode": "subscribe", "hub.challenge": "1158201444",
                                "hub.verify_token": "guess"})
    assert response.status_code == 403
    assert b"1158201444" not in response.content


def test_the_handshake_is_refused_while_no_verify_token_is_configured(client, settings):
    settings.FACEBOOK_VERIFY_TOKEN = ""
    response = client.get(URL, {"hub.mode": "subscribe", "hub.challenge": "1158201444",
                                "hub.verify_token": ""})
    assert response.status_code == 403


# --- Signed deliveries ------------------------------------------------------------------------
def test_a_signed_message_becomes_one_received_facebook_case_with_its_sender(client):
    response = deliver(client, encode(FACEBOOK_MESSAGE))
    assert response.status_code == 200
    assert response.content == b"EVENT_RECEIVED"
    case = Case.objects.get()
    assert case.channel == Case.Channel.FACEBOOK
    assert case.state == Case.State.RECEIVED
    assert case.title == "Đèn đường hỏng trước số 12 đường 30/4"
    assert case.content == FB_TEXT
    assert case.reporter_name == "Facebook 4321"
    assert (case.reporter_phone, case.reporter_email) == ("", "")
    assert case.idempotency_key == idempotency_key("facebook", MID)
    sender = ChannelSender.objects.get()
    assert (sender.case, sender.platform, sender.sender_id, sender.page_id) == (
        case, "facebook", PSID, PAGE_ID)
    assert sender.raw_payload["message"]["mid"] == MID


def test_a_case_from_facebook_queues_a_reply_on_facebook_and_no_sms_or_e_mail(client):
    deliver(client, encode(FACEBOOK_MESSAGE))
    [reply] = OutboxMessage.objects.filter(to_reporter=True)
    assert (reply.channel, reply.template) == (OutboxMessage.Channel.CHANNEL, "case_received")


def test_the_same_delivery_replayed_makes_one_case(client):
    body = encode(FACEBOOK_MESSAGE)
    assert deliver(client, body).status_code == 200
    assert deliver(client, body).status_code == 200
    assert Case.objects.count() == 1
    assert ChannelSender.objects.count() == 1


def test_the_same_message_in_a_later_batch_makes_one_case(client):
    deliver(client, encode(FACEBOOK_MESSAGE))
    batch = variant(FACEBOOK_MESSAGE)
    batch["entry"][0]["time"] += 30_000
    batch["entry"][0]["messaging"].append(
        variant(FACEBOOK_MESSAGE, mid="m_second", text="Ổ gà ở ngã tư")["entry"][0]
        ["messaging"][0]
    )
    deliver(client, encode(batch))
    assert sorted(Case.objects.values_list("title", flat=True)) == [
        "Đèn đường hỏng trước số 12 đường 30/4", "Ổ gà ở ngã tư"]


def test_a_webhook_needs_no_csrf_token_since_its_signature_authenticates_it():
    response = deliver(Client(enforce_csrf_checks=True), encode(FACEBOOK_MESSAGE))
    assert response.status_code == 200
    assert Case.objects.count() == 1


def test_a_long_first_line_is_cut_to_sixty_characters_for_the_title(client):
    text = "Đường " + "rất " * 40 + "hỏng\nchi tiết"
    deliver(client, encode(variant(FACEBOOK_MESSAGE, text=text)))
    case = Case.objects.get()
    assert len(case.title) <= 60
    assert case.content == text


def test_a_short_message_id_is_the_idempotency_key_itself():
    assert idempotency_key("facebook", "m_123") == "facebook:m_123"
    assert len(idempotency_key("facebook", MID)) <= 64
    assert idempotency_key("facebook", MID) != idempotency_key("facebook", MID + "x")


# --- Refusals ---------------------------------------------------------------------------------
def test_a_forged_signature_is_refused_and_creates_nothing(client):
    body = encode(FACEBOOK_MESSAGE)
    response = deliver(client, body, facebook_signature(body, secret="not-our-secret"))
    assert response.status_code == 403
    assert nothing_created()


def test_a_signature_of_another_body_is_refused(client):
    signed = encode(FACEBOOK_MESSAGE)
    tampered = encode(variant(FACEBOOK_MESSAGE, text="Nội dung bị sửa"))
    response = deliver(client, tampered, facebook_signature(signed))
    assert response.status_code == 403
    assert nothing_created()


def test_a_delivery_without_a_signature_is_refused(client):
    response = deliver(client, encode(FACEBOOK_MESSAGE), signature=None)
    assert response.status_code == 403
    assert nothing_created()


def test_a_signature_in_the_old_sha1_header_format_is_refused(client):
    body = encode(FACEBOOK_MESSAGE)
    response = deliver(client, body, facebook_signature(body).replace("sha256=", "sha1="))
    assert response.status_code == 403
    assert nothing_created()


def test_every_delivery_is_refused_while_the_app_secret_is_empty(client, settings):
    settings.FACEBOOK_APP_SECRET = ""
    body = encode(FACEBOOK_MESSAGE)
    response = deliver(client, body, facebook_signature(body, secret=""))
    assert response.status_code == 403
    assert nothing_created()


def test_a_sender_that_keeps_failing_the_signature_is_held_off(client, settings):
    settings.PUBLIC_RATE_LIMITS = {**settings.PUBLIC_RATE_LIMITS, "webhook:ip": (2, 900)}
    body = encode(FACEBOOK_MESSAGE)
    for _ in range(2):
        assert deliver(client, body, "sha256=00").status_code == 403
    assert deliver(client, body).status_code == 429
    assert nothing_created()


def test_a_flood_of_signed_deliveries_is_answered_429_for_the_platform_to_retry(
    client, settings
):
    settings.PUBLIC_RATE_LIMITS = {**settings.PUBLIC_RATE_LIMITS, "webhook:facebook": (1, 60)}
    assert deliver(client, encode(FACEBOOK_MESSAGE)).status_code == 200
    second = encode(variant(FACEBOOK_MESSAGE, mid="m_second"))
    assert deliver(client, second).status_code == 429
    assert Case.objects.count() == 1


def test_an_oversize_body_is_refused_with_413_and_creates_nothing(client):
    padded = variant(FACEBOOK_MESSAGE, text="x" * (256 * 1024))
    body = encode(padded)
    response = deliver(client, body)
    assert response.status_code == 413
    assert nothing_created()


def test_a_signed_body_that_is_not_json_is_a_bad_request(client):
    response = deliver(client, b"{not json")
    assert response.status_code == 400
    assert nothing_created()


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_are_not_allowed(client, method):
    assert getattr(client, method)(URL).status_code == 405


# --- Events that are not a person's text ------------------------------------------------------
@pytest.mark.parametrize("document", [
    FACEBOOK_ECHO,
    FACEBOOK_DELIVERY_AND_READ,
    variant(FACEBOOK_MESSAGE, text="   \n "),
    {"object": "instagram", "entry": FACEBOOK_MESSAGE["entry"]},
    {"object": "page", "entry": [{"id": PAGE_ID, "messaging": [{"sender": "x"}]}]},
    {"object": "page", "entry": "nothing"},
    [],
], ids=["echo", "delivery-and-read", "blank-text", "not-a-page", "odd-event", "odd-entry",
        "a-list"])
def test_events_other_than_a_persons_text_are_acknowledged_and_ignored(client, document):
    response = deliver(client, encode(document))
    assert response.status_code == 200
    assert nothing_created()


def test_a_message_that_normalises_to_nothing_is_skipped(client):
    response = deliver(client, encode(variant(FACEBOOK_MESSAGE, text="\u200b\u200b")))
    assert response.status_code == 200
    assert nothing_created()


# --- Logs (SECURITY AU3) ----------------------------------------------------------------------
def test_the_logs_hold_no_sender_id_and_no_message_text(client, caplog):
    caplog.set_level(logging.DEBUG)
    body = encode(FACEBOOK_MESSAGE)
    deliver(client, body)
    deliver(client, body)
    deliver(client, body, "sha256=forged")
    client.get(URL, {"hub.mode": "subscribe", "hub.challenge": "1", "hub.verify_token": "x"})
    assert "facebook webhook" in caplog.text
    for secret in (PSID, MID, "Đèn đường", FACEBOOK_VERIFY_TOKEN):
        assert secret not in caplog.text
