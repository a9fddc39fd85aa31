"""What keeps an SMS from going out twice (workflow/notifications/delivery.py, "Sending
twice"): one reference per message for the gateway to deduplicate on, a send that cannot
outlast its lease, and start-up checks of the time-outs."""

from __future__ import annotations

import socket
import threading
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from tests.conftest import MONDAY
from workflow.models import Case, OutboxMessage
from workflow.notifications.backends import HttpGatewaySmsBackend, TemporaryFailure
from workflow.notifications.checks import check_sms_gateway_timeouts
from workflow.notifications.delivery import deliver_message, resend_message

HTTP = "workflow.notifications.backends.HttpGatewaySmsBackend"


def sms_of(case: Case) -> OutboxMessage:
    return OutboxMessage.objects.get(case=case, channel=OutboxMessage.Channel.SMS,
                                     template="case_received")


# --- The reference ------------------------------------------------------------------------
@pytest.mark.django_db
def test_every_attempt_and_a_resend_carry_the_same_reference(province, gateway):
    gateway.script = ["500", "400", "ok"]
    message = sms_of(province.receive())
    deliver_message(message.pk, MONDAY)
    message.refresh_from_db()
    deliver_message(message.pk, message.next_attempt_at)  # refused: failed
    resend_message(message.pk, MONDAY + timedelta(hours=1))
    deliver_message(message.pk, MONDAY + timedelta(hours=1))

    references = {request["body"]["RequestId"] for request in gateway.requests}
    assert references == {message.reference}
    assert len(gateway.requests) == 3


@pytest.mark.django_db
def test_each_message_has_its_own_reference_which_tells_nothing(province):
    first, second = sms_of(province.receive()), sms_of(province.receive())
    assert first.reference != second.reference
    for message in (first, second):
        assert message.case.tracking_code not in message.reference
        assert len(message.reference) <= 32


@pytest.mark.django_db
def test_a_restored_database_that_reuses_ids_does_not_reuse_references(province):
    """A backup restored (or a staging copy on the same gateway account) starts its ids
    again: the same event id and key in another case must not look like a repeat."""
    message = sms_of(province.receive())
    reused = OutboxMessage(key=message.key, case=Case(tracking_code="ABCDE12345"))
    assert reused.reference != message.reference


# --- A send cannot outlast its lease ------------------------------------------------------
class TricklingGateway:
    """Answers the headers at once, then one byte of its body every `pause` seconds: each
    read is quick, the whole answer is not."""

    def __init__(self, body_bytes: int = 100, pause: float = 0.1) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.body_bytes, self.pause = body_bytes, pause
        self.sent = 0  # bytes of the answer that reached the client before it hung up
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}/send"

    def serve(self) -> None:
        conn, _address = self.listener.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         b"Content-Length: %d\r\n\r\n" % self.body_bytes)
            try:
                for _ in range(self.body_bytes):
                    time.sleep(self.pause)
                    conn.sendall(b" ")
                    self.sent += 1
            except OSError:  # the client hung up, as it should
                pass
            finally:
                self.done.set()

    def close(self) -> None:
        self.listener.close()


def test_a_gateway_trickling_its_answer_is_cut_off_at_the_read_time_out():
    trickling = TricklingGateway(body_bytes=100, pause=0.1)  # ten seconds in all
    backend = HttpGatewaySmsBackend(URL=trickling.url, CONNECT_TIMEOUT=0.5, READ_TIMEOUT=0.5,
                                    FIELDS={}, EXTRA={})
    try:
        with pytest.raises(TemporaryFailure, match="time-out"):
            backend.send("0912345678", "Xin chao", reference="c1022-test")
        assert trickling.done.wait(timeout=30)
    finally:
        trickling.close()
    # A read time-out per read would have taken the whole answer, a byte at a time.
    assert trickling.sent < trickling.body_bytes // 2
    assert backend.longest_send_seconds() == 0.5 * 2 + 0.5


# --- Start-up checks ----------------------------------------------------------------------
def gateway_settings(settings, **overrides) -> None:
    settings.SMS_BACKEND = HTTP
    settings.SMS_GATEWAY = {"URL": "https://sms.example.vn/send", "CONNECT_TIMEOUT": 3.0,
                            "READ_TIMEOUT": 10.0, **overrides}


def check_ids() -> list[str]:
    return [message.id for message in check_sms_gateway_timeouts()]


def test_the_default_lease_and_time_outs_pass_the_checks(settings):
    gateway_settings(settings)
    settings.OUTBOX_LEASE_SECONDS = 120
    assert check_ids() == []


def test_a_lease_shorter_than_the_longest_send_stops_the_start(settings):
    gateway_settings(settings, CONNECT_TIMEOUT=10.0, READ_TIMEOUT=30.0)
    settings.OUTBOX_LEASE_SECONDS = 60  # a send may last 50 s: too close
    assert check_ids() == ["workflow.E102"]
    with pytest.raises(SystemCheckError, match="OUTBOX_LEASE_SECONDS"):
        call_command("check")


def test_a_read_time_out_shorter_than_the_gateways_own_is_warned_of(settings):
    gateway_settings(settings, READ_TIMEOUT=10.0, PROVIDER_TIMEOUT=30.0)
    settings.OUTBOX_LEASE_SECONDS = 120
    assert check_ids() == ["workflow.W103"]


def test_backends_without_a_gateway_are_not_checked(settings):
    settings.SMS_BACKEND = "workflow.notifications.backends.LocmemSmsBackend"
    settings.OUTBOX_LEASE_SECONDS = 1
    assert check_ids() == []
