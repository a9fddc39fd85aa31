"""The SMS gateway's circuit breaker: a long gateway outage fails nothing (SECURITY RE4).

Messages wait without spending attempts while the gateway fails, a probe that sends nothing
checks it, and delivery resumes by itself, each message sent once.
"""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest

from tests.conftest import MONDAY
from tests.workflow.test_notifications import StandInGateway
from workflow.models import GatewayBreaker, OutboxMessage
from workflow.notifications.breaker import probe_gateway
from workflow.notifications.delivery import Outcome, deliver_message, requeue_pending
from workflow.tasks import deliver_outbox_task, probe_sms_gateway_task

HTTP = "workflow.notifications.backends.HttpGatewaySmsBackend"
UNREACHABLE = "http://127.0.0.1:1/api/sms/send"  # nothing listens on port 1
MINUTE = timedelta(minutes=1)


class ProbedGateway(StandInGateway):
    """The stand-in gateway, also answering the breaker's probe (a GET) from `probe_script`."""

    def __init__(self, *script: str) -> None:
        super().__init__(*script)
        self.probe_script: list[str] = []
        self.probes = 0
        gateway = self

        class Handler(self.server.RequestHandlerClass):  # type: ignore[name-defined]
            def do_GET(self) -> None:
                with gateway.lock:
                    gateway.probes += 1
                    answer = gateway.probe_script.pop(0) if gateway.probe_script else "ok"
                gateway.answer(self, answer, 0)

        self.server.RequestHandlerClass = Handler


@pytest.fixture
def gateway(settings):
    stand_in = ProbedGateway()
    settings.SMS_BACKEND = HTTP
    settings.SMS_GATEWAY = stand_in.settings()
    settings.OUTBOX_MAX_ATTEMPTS = 6
    settings.OUTBOX_BREAKER_FAILURES = 3
    settings.OUTBOX_BREAKER_PROBE_SECONDS = 60
    yield stand_in
    stand_in.close()


def gateway_down(settings, gateway: ProbedGateway) -> None:
    settings.SMS_GATEWAY = gateway.settings(URL=UNREACHABLE)


def gateway_back(settings, gateway: ProbedGateway) -> None:
    settings.SMS_GATEWAY = gateway.settings()


def sms_rows(province, count: int) -> list[OutboxMessage]:
    cases = [province.receive(reporter_phone=f"09123450{n:02d}") for n in range(count)]
    return list(OutboxMessage.objects.filter(case__in=cases, channel=OutboxMessage.Channel.SMS,
                                             template="case_received"))


def run_the_beat(rows: list[OutboxMessage], now) -> list[Outcome]:
    """One beat: the probe, then every due SMS of `rows` delivered."""
    probe_gateway(now)
    ids = {row.pk for row in rows}
    return [deliver_message(pk, now) for pk in requeue_pending(now) if pk in ids]


def breaker() -> GatewayBreaker:
    return GatewayBreaker.objects.get(name="sms")


@pytest.mark.django_db
def test_sms_wait_through_a_two_hour_gateway_outage_and_each_goes_out_once_after(
        province, gateway, settings):
    gateway_down(settings, gateway)
    rows = sms_rows(province, 4)
    now = MONDAY
    for _ in range(120):
        run_the_beat(rows, now)
        now += MINUTE
    statuses = OutboxMessage.objects.filter(pk__in=[r.pk for r in rows])
    assert set(statuses.values_list("status", flat=True)) == {"pending"}
    # Only the failures that opened the breaker spent attempts; none since.
    assert sum(statuses.values_list("attempts", flat=True)) == 3
    assert breaker().is_open

    gateway_back(settings, gateway)
    for _ in range(3):
        run_the_beat(rows, now)
        now += MINUTE

    assert set(statuses.values_list("status", flat=True)) == {"sent"}
    for row in rows:
        assert len(gateway.carrying(row.reference)) == 1
    assert not breaker().is_open


@pytest.mark.django_db
def test_a_held_message_says_why_it_waits(province, gateway, settings):
    gateway_down(settings, gateway)
    [row] = sms_rows(province, 1)
    outcomes = [deliver_message(row.pk, MONDAY + n * 10 * MINUTE) for n in range(5)]

    assert outcomes == [Outcome.RETRY] * 3 + [Outcome.HELD] * 2
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 3)
    assert row.last_error.startswith("waiting:")


@pytest.mark.django_db
def test_the_breaker_opens_only_on_failures_in_a_row(province, gateway):
    gateway.script = ["500", "500", "ok", "500", "500", "400", "500"]
    rows = sms_rows(province, 7)
    for row in rows:
        deliver_message(row.pk, MONDAY)
    assert not breaker().is_open  # an answer, a refusal too, starts the count again


@pytest.mark.django_db
def test_the_probe_sends_no_message_and_waits_its_turn(province, gateway, settings):
    gateway.script = ["500"] * 3
    rows = sms_rows(province, 3)
    for row in rows:
        deliver_message(row.pk, MONDAY)
    assert breaker().is_open
    sent_before = len(gateway.requests)
    gateway.probe_script = ["503"]

    assert probe_gateway(MONDAY + 30 * timedelta(seconds=1)) is False  # not yet due
    assert probe_gateway(MONDAY + MINUTE) is False  # 503: still down
    assert probe_gateway(MONDAY + MINUTE) is False  # the next probe is a minute later
    assert probe_gateway(MONDAY + 2 * MINUTE) is True

    assert gateway.probes == 2
    assert len(gateway.requests) == sent_before  # no message went with a probe
    assert not breaker().is_open


@pytest.mark.django_db
def test_after_the_gateway_returns_the_first_failure_opens_the_breaker_again(
        province, gateway, settings):
    gateway.script = ["500"] * 3
    rows = sms_rows(province, 4)
    for row in rows[:3]:
        deliver_message(row.pk, MONDAY)
    assert probe_gateway(MONDAY + MINUTE) is True
    gateway.script = ["500"]

    assert deliver_message(rows[3].pk, MONDAY + MINUTE) == Outcome.RETRY
    assert breaker().is_open


@pytest.mark.django_db
def test_the_held_messages_are_queued_as_soon_as_the_probe_finds_the_gateway(
        province, gateway, settings):
    gateway.script = ["500"] * 3
    for row in sms_rows(province, 3):
        deliver_message(row.pk, MONDAY)
    GatewayBreaker.objects.update(probe_at=MONDAY)  # the probe is due

    with mock.patch.object(deliver_outbox_task, "delay") as queued:
        assert probe_sms_gateway_task() is True
        assert probe_sms_gateway_task() is False  # closed: nothing to probe
    queued.assert_called_once_with()


def test_the_beat_probes_the_gateway(settings):
    from config.celery import app

    [entry] = [e for e in settings.CELERY_BEAT_SCHEDULE.values()
               if e["task"] == "workflow.tasks.probe_sms_gateway_task"]
    assert entry["task"] in app.tasks
    assert entry["schedule"] == settings.OUTBOX_BREAKER_PROBE_SECONDS


@pytest.mark.django_db
def test_while_the_breaker_is_open_the_sweep_queues_no_sms_but_the_rest(province, gateway):
    gateway.script = ["500"] * 3
    rows = sms_rows(province, 4)
    for row in rows[:3]:
        deliver_message(row.pk, MONDAY)

    due = requeue_pending(MONDAY + 10 * MINUTE)

    assert not {row.pk for row in rows} & set(due)
    assert set(OutboxMessage.objects.filter(pk__in=due).values_list("channel", flat=True)) == {
        "email"}
