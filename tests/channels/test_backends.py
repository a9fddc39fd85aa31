"""Replies through Messenger and Zalo, the HTTP backends against a stand-in API on loopback."""

from __future__ import annotations

import io

import pytest

from feedback.channels import backends
from feedback.channels.backends import (
    ConsoleChannelBackend,
    LocmemChannelBackend,
    MessengerBackend,
    PermanentFailure,
    PlatformBackend,
    TemporaryFailure,
    ZaloOaBackend,
    get_channel_backend,
)
from workflow.notifications import backends as sms_backends

from .support import PSID, ZALO_USER_ID

TEXT = "Phản ánh của bạn đã được tiếp nhận, mã 7KQ2M-X9PDA."
PAGE_TOKEN = "EAAGm0PX4ZCpsBAPageToken"
OA_TOKEN = "zalo-oa-access-token-123"
TIMEOUTS = {"connect_timeout": 0.5, "read_timeout": 0.3}
MESSENGER_OK = (200, {"recipient_id": PSID, "message_id": "m_reply_1"}, 0.0)
ZALO_OK = (200, {"error": 0, "message": "Success",
                 "data": {"message_id": "zmsg-1", "user_id": ZALO_USER_ID}}, 0.0)


def messenger(api, **options) -> MessengerBackend:
    return MessengerBackend(graph_url=f"{api.base}/v21.0", page_access_token=PAGE_TOKEN,
                            **{**TIMEOUTS, **options})


def zalo(api, **options) -> ZaloOaBackend:
    return ZaloOaBackend(api_url=f"{api.base}/v3.0/oa/message/cs", access_token=OA_TOKEN,
                         **{**TIMEOUTS, **options})


def test_the_failures_are_the_sms_backends_own():
    assert TemporaryFailure is sms_backends.TemporaryFailure
    assert PermanentFailure is sms_backends.PermanentFailure


# --- Messenger --------------------------------------------------------------------------------
def test_messenger_posts_the_reply_with_the_page_token_and_returns_its_id(stand_in_api):
    api = stand_in_api(MESSENGER_OK)
    assert messenger(api).send("facebook", PSID, TEXT) == "m_reply_1"
    (request,) = api.requests
    assert request["path"] == "/v21.0/me/messages"
    assert request["headers"]["Authorization"] == f"Bearer {PAGE_TOKEN}"
    assert request["body"] == {"recipient": {"id": PSID}, "messaging_type": "RESPONSE",
                               "message": {"text": TEXT}}


@pytest.mark.parametrize(("status", "payload", "failure"), [
    (500, "Internal Server Error", TemporaryFailure),
    (503, {"error": {"message": "Service unavailable", "code": 2}}, TemporaryFailure),
    (429, {"error": {"code": 4}}, TemporaryFailure),
    (400, {"error": {"message": "(#100) No matching user found", "code": 100,
                     "error_subcode": 2018001}}, PermanentFailure),
    (400, {"error": {"message": "Temporary issue", "code": 2, "is_transient": True}},
     TemporaryFailure),
    (403, {"error": {"code": 10, "error_subcode": 2018278}}, PermanentFailure),
    (200, "<html>not json</html>", TemporaryFailure),
], ids=["500", "503", "429", "400", "400-transient", "outside-window", "unreadable"])
def test_messenger_failures_are_temporary_or_permanent(stand_in_api, status, payload, failure):
    api = stand_in_api((status, payload, 0.0))
    with pytest.raises(failure) as caught:
        messenger(api).send("facebook", PSID, TEXT)
    for secret in (PSID, TEXT, PAGE_TOKEN):
        assert secret not in str(caught.value)


def test_a_messenger_time_out_is_temporary(stand_in_api):
    api = stand_in_api((*MESSENGER_OK[:2], 1.0))
    with pytest.raises(TemporaryFailure, match="time-out"):
        messenger(api).send("facebook", PSID, TEXT)


def test_an_unreachable_api_is_temporary(stand_in_api):
    api = stand_in_api(MESSENGER_OK)
    backend = messenger(api)
    api.close()
    with pytest.raises(TemporaryFailure):
        backend.send("facebook", PSID, TEXT)


def test_messenger_does_not_send_to_zalo(stand_in_api):
    api = stand_in_api(MESSENGER_OK)
    with pytest.raises(PermanentFailure):
        messenger(api).send("zalo", ZALO_USER_ID, TEXT)
    assert api.requests == []


def test_messenger_needs_a_graph_url(settings):
    settings.FACEBOOK_GRAPH_URL = ""
    with pytest.raises(ValueError, match="FACEBOOK_GRAPH_URL"):
        MessengerBackend()


# --- Zalo -------------------------------------------------------------------------------------
def test_zalo_posts_the_reply_with_the_oa_token_and_returns_its_id(stand_in_api):
    api = stand_in_api(ZALO_OK)
    assert zalo(api).send("zalo", ZALO_USER_ID, TEXT) == "zmsg-1"
    (request,) = api.requests
    assert request["path"] == "/v3.0/oa/message/cs"
    assert request["headers"]["access_token"] == OA_TOKEN
    assert request["body"] == {"recipient": {"user_id": ZALO_USER_ID}, "message": {"text": TEXT}}


@pytest.mark.parametrize(("status", "payload", "failure"), [
    (500, "Internal Server Error", TemporaryFailure),
    (429, {"error": -32, "message": "exceed rate limit"}, TemporaryFailure),
    (400, {"error": -201, "message": "Parameters invalid"}, PermanentFailure),
    (200, {"error": -213, "message": "User has not followed OA"}, PermanentFailure),
    (200, {"message": "no error field"}, TemporaryFailure),
], ids=["500", "429", "400", "refused", "unreadable"])
def test_zalo_failures_are_temporary_or_permanent(stand_in_api, status, payload, failure):
    api = stand_in_api((status, payload, 0.0))
    with pytest.raises(failure) as caught:
        zalo(api).send("zalo", ZALO_USER_ID, TEXT)
    for secret in (ZALO_USER_ID, TEXT, OA_TOKEN):
        assert secret not in str(caught.value)


def test_a_zalo_time_out_is_temporary(stand_in_api):
    api = stand_in_api((*ZALO_OK[:2], 1.0))
    with pytest.raises(TemporaryFailure, match="time-out"):
        zalo(api).send("zalo", ZALO_USER_ID, TEXT)


# --- Choosing a backend -----------------------------------------------------------------------
def test_the_platform_backend_sends_each_reply_through_its_platform(stand_in_api, settings):
    facebook_api, zalo_api = stand_in_api(MESSENGER_OK), stand_in_api(ZALO_OK)
    settings.FACEBOOK_GRAPH_URL = f"{facebook_api.base}/v21.0"
    settings.ZALO_API_URL = f"{zalo_api.base}/v3.0/oa/message/cs"
    backend = get_channel_backend("feedback.channels.backends.PlatformBackend", **TIMEOUTS)
    assert isinstance(backend, PlatformBackend)
    assert backend.send("facebook", PSID, TEXT) == "m_reply_1"
    assert backend.send("zalo", ZALO_USER_ID, TEXT) == "zmsg-1"
    assert (len(facebook_api.requests), len(zalo_api.requests)) == (1, 1)
    with pytest.raises(PermanentFailure):
        backend.send("sms", "0912345678", TEXT)


def test_the_console_backend_says_a_reply_went_but_not_to_whom_or_what():
    stream = io.StringIO()
    provider_id = ConsoleChannelBackend(stream=stream).send("facebook", PSID, TEXT,
                                                            reference="event:1")
    assert provider_id.startswith("console-")
    assert provider_id in stream.getvalue()
    assert PSID[-4:] not in stream.getvalue()
    assert TEXT not in stream.getvalue()


def test_the_locmem_backend_keeps_replies_in_its_outbox():
    backends.outbox.clear()
    provider_id = LocmemChannelBackend().send("zalo", ZALO_USER_ID, TEXT, reference="event:2")
    (reply,) = backends.outbox
    assert (reply.platform, reply.recipient_id, reply.text, reply.reference) == (
        "zalo", ZALO_USER_ID, TEXT, "event:2")
    assert reply.provider_id == provider_id
    backends.outbox.clear()
