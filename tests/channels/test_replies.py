"""Replies to Facebook and Zalo reporters go through the outbox to the platform, in its window."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from feedback.channels import backends
from feedback.channels.events import ChannelMessage
from feedback.channels.services import receive_channel_message
from feedback.models import ChannelSender
from tests.conftest import MONDAY
from workflow.models import OutboxMessage
from workflow.notifications.delivery import (
    Outcome,
    deliver_message,
    requeue_pending,
    resend_message,
)

from .support import MID, PAGE_ID, PSID, ZALO_MSG_ID, ZALO_OA_ID, ZALO_TEXT, ZALO_USER_ID

pytestmark = pytest.mark.django_db

PAGE_TOKEN = "EAAGm0PX4ZCpsBAPageToken"
OA_TOKEN = "zalo-oa-access-token-123"
MESSENGER_OK = (200, {"recipient_id": PSID, "message_id": "m_reply_1"}, 0.0)
ZALO_OK = (200, {"error": 0, "message": "Success",
                 "data": {"message_id": "zmsg-1", "user_id": ZALO_USER_ID}}, 0.0)
FACEBOOK = ChannelMessage(platform="facebook", sender_id=PSID, page_id=PAGE_ID, message_id=MID,
                          text="Đèn đường hỏng trước số 12 đường 30/4")
ZALO = ChannelMessage(platform="zalo", sender_id=ZALO_USER_ID, page_id=ZALO_OA_ID,
                      message_id=ZALO_MSG_ID, text=ZALO_TEXT)
STATUS = OutboxMessage.Status


@pytest.fixture
def platform(settings, stand_in_api):
    """Messenger and the Zalo OA API, each a stand-in on loopback, behind PlatformBackend."""
    messenger, zalo = stand_in_api(MESSENGER_OK), stand_in_api(ZALO_OK)
    settings.CHANNEL_REPLY_BACKEND = "feedback.channels.backends.PlatformBackend"
    settings.FACEBOOK_GRAPH_URL = f"{messenger.base}/v21.0"
    settings.FACEBOOK_PAGE_ACCESS_TOKEN = PAGE_TOKEN
    settings.ZALO_API_URL = f"{zalo.base}/v3.0/oa/message/cs"
    settings.ZALO_OA_ACCESS_TOKEN = OA_TOKEN
    settings.CHANNEL_REPLY_CONNECT_TIMEOUT = 0.5
    settings.CHANNEL_REPLY_READ_TIMEOUT = 0.5
    settings.CHANNEL_REPLY_WINDOW_HOURS = {"facebook": 24.0, "zalo": 168.0}
    return {"facebook": messenger, "zalo": zalo}


def reply_of(message: ChannelMessage, at=MONDAY) -> OutboxMessage:
    case, _created = receive_channel_message(message, now=at)
    return OutboxMessage.objects.get(case=case, to_reporter=True)


def test_a_facebook_reporter_is_told_the_code_on_messenger(platform):
    row = reply_of(FACEBOOK)
    assert row.channel == OutboxMessage.Channel.CHANNEL
    assert deliver_message(row.pk, MONDAY + timedelta(minutes=1)) == Outcome.SENT
    [request] = platform["facebook"].requests
    assert request["path"] == "/v21.0/me/messages"
    assert request["body"]["recipient"] == {"id": PSID}
    text = request["body"]["message"]["text"]
    # With its diacritics: Messenger is not an SMS.
    assert text.startswith("Cổng 1022 Tây Ninh: Đã tiếp nhận phản ánh của bạn, mã ")
    assert row.case.display_code in text
    row.refresh_from_db()
    assert (row.status, row.provider_message_id) == (STATUS.SENT, "m_reply_1")
    assert platform["zalo"].requests == []


def test_a_zalo_reporter_is_told_through_the_official_account(platform):
    row = reply_of(ZALO)
    assert deliver_message(row.pk, MONDAY + timedelta(days=6)) == Outcome.SENT
    [request] = platform["zalo"].requests
    assert request["headers"]["access_token"] == OA_TOKEN
    assert request["body"]["recipient"] == {"user_id": ZALO_USER_ID}
    row.refresh_from_db()
    assert (row.status, row.provider_message_id) == (STATUS.SENT, "zmsg-1")


@pytest.mark.parametrize(("message", "late"), [
    (FACEBOOK, timedelta(hours=24, minutes=1)),
    (ZALO, timedelta(days=7, minutes=1)),
])
def test_outside_the_reply_window_the_reply_is_skipped_not_failed(platform, message, late):
    row = reply_of(message)
    assert deliver_message(row.pk, MONDAY + late) == Outcome.WINDOW_CLOSED
    assert platform[message.platform].requests == []
    row.refresh_from_db()
    assert (row.status, row.next_attempt_at) == (STATUS.SKIPPED, None)
    assert "window" in row.last_error
    assert row.pk not in requeue_pending(MONDAY + late + timedelta(days=1))


def test_the_windows_are_settings(platform, settings):
    settings.CHANNEL_REPLY_WINDOW_HOURS = {"facebook": 48.0, "zalo": 1.0}
    facebook, zalo = reply_of(FACEBOOK), reply_of(ZALO)
    assert deliver_message(facebook.pk, MONDAY + timedelta(hours=30)) == Outcome.SENT
    assert deliver_message(zalo.pk, MONDAY + timedelta(hours=2)) == Outcome.WINDOW_CLOSED


def test_a_newer_message_from_the_same_person_opens_the_window_again(platform):
    first = reply_of(FACEBOOK)
    later = MONDAY + timedelta(hours=30)
    reply_of(replace(FACEBOOK, message_id="m_second_message"), at=later)
    assert deliver_message(first.pk, later + timedelta(minutes=5)) == Outcome.SENT


def test_messenger_refusing_a_reply_outside_its_window_skips_it(platform):
    platform["facebook"].then(400, {"error": {"message": "(#10) This message is sent outside "
                                              "of allowed window.", "code": 10,
                                              "error_subcode": 2018278}})
    row = reply_of(FACEBOOK)
    assert deliver_message(row.pk, MONDAY) == Outcome.WINDOW_CLOSED
    row.refresh_from_db()
    assert row.status == STATUS.SKIPPED


def test_a_platform_outage_is_retried_and_then_sent_once(platform):
    platform["zalo"].then(502, "Bad Gateway").then(*ZALO_OK[:2], 1.0)  # then a time-out
    row = reply_of(ZALO)
    now, outcomes = MONDAY, []
    for _ in range(4):
        outcomes.append(deliver_message(row.pk, now))
        row.refresh_from_db()
        if row.status != STATUS.PENDING:
            break
        now = row.next_attempt_at
    assert outcomes == [Outcome.RETRY, Outcome.RETRY, Outcome.SENT]
    assert row.attempts == 3


def test_a_429_with_retry_after_is_not_tried_again_before_that(platform):
    platform["facebook"].then(429, {"error": {"code": 4}}, 0.0, {"Retry-After": "600"})
    row = reply_of(FACEBOOK)
    assert deliver_message(row.pk, MONDAY) == Outcome.RETRY
    row.refresh_from_db()
    assert row.next_attempt_at == MONDAY + timedelta(seconds=600)
    assert deliver_message(row.pk, MONDAY + timedelta(seconds=599)) == Outcome.SKIPPED
    assert deliver_message(row.pk, MONDAY + timedelta(seconds=600)) == Outcome.SENT
    assert len(platform["facebook"].requests) == 2


def test_a_reporter_whose_platform_id_was_anonymised_gets_nothing(platform):
    row = reply_of(FACEBOOK)
    ChannelSender.objects.filter(case=row.case).update(sender_id="")
    assert deliver_message(row.pk, MONDAY) == Outcome.FAILED
    assert platform["facebook"].requests == []


@pytest.mark.parametrize("message", [FACEBOOK, ZALO])
def test_a_reply_carries_the_messages_own_reference_on_every_send(settings, message):
    settings.CHANNEL_REPLY_BACKEND = "feedback.channels.backends.LocmemChannelBackend"
    backends.outbox.clear()
    row = reply_of(message)
    assert deliver_message(row.pk, MONDAY) == Outcome.SENT
    OutboxMessage.objects.filter(pk=row.pk).update(status=STATUS.FAILED)  # staff resend it
    assert resend_message(row.pk, MONDAY + timedelta(minutes=1))
    assert deliver_message(row.pk, MONDAY + timedelta(minutes=1)) == Outcome.SENT

    # One reference per (event, recipient), like an SMS's, for the platform to deduplicate on.
    assert [reply.reference for reply in backends.outbox] == [row.reference] * 2
    backends.outbox.clear()
