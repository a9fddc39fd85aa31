"""Outbox delivery: once per event and recipient, retried on gateway trouble, never lost."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from datetime import timedelta
from unittest import mock

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import connection
from django.utils import timezone, translation

from config.celery import app
from tests.conftest import MONDAY
from tests.workflow import drive
from tests.workflow.test_notifications import StandInGateway
from workflow import services
from workflow.models import Case, MessageTemplate, OutboxMessage
from workflow.models.cases import RejectionReason
from workflow.notifications import backends
from workflow.notifications.delivery import (
    Outcome,
    backoff,
    claim_message,
    deliver_message,
    requeue_pending,
    resend_message,
)
from workflow.tasks import deliver_message_task, deliver_messages_task, deliver_outbox_task

LOCMEM = "workflow.notifications.backends.LocmemSmsBackend"
HTTP = "workflow.notifications.backends.HttpGatewaySmsBackend"
SMS, EMAIL = OutboxMessage.Channel.SMS, OutboxMessage.Channel.EMAIL
PHONE = "0912345678"
CONTENT = "Ba bóng đèn đường trước số 12 không sáng từ tuần trước."


@pytest.fixture(autouse=True)
def sms_in_memory(settings):
    settings.SMS_BACKEND = LOCMEM
    settings.SMS_WITHOUT_DIACRITICS = True
    settings.OUTBOX_MAX_ATTEMPTS = 6
    backends.outbox.clear()
    yield backends.outbox
    backends.outbox.clear()


def _row(case, channel=SMS, template="case_received") -> OutboxMessage:
    return OutboxMessage.objects.get(case=case, channel=channel, to_reporter=True,
                                     template=template)


def _deliver_until_done(message: OutboxMessage, now, limit: int = 10) -> list[Outcome]:
    """Run delivery as the beat would: each time at the row's next attempt."""
    outcomes = []
    for _ in range(limit):
        message.refresh_from_db()
        if message.status != OutboxMessage.Status.PENDING:
            break
        now = max(now, message.next_attempt_at)
        outcomes.append(deliver_message(message.pk, now))
    message.refresh_from_db()
    return outcomes


# --- What goes out --------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_received_case_sends_the_reporter_one_sms_without_diacritics(province, sms_in_memory):
    case = province.receive()
    message = _row(case)
    assert deliver_message(message.pk, MONDAY) == Outcome.SENT
    [sms] = sms_in_memory
    assert sms.to == PHONE
    assert sms.text == (
        f"Cong 1022 Tay Ninh: Da tiep nhan phan anh cua ban, ma {case.display_code}."
        " Tra cuu tai https://1022.tayninh.gov.vn/"
    )
    message.refresh_from_db()
    assert (message.status, message.sent_at, message.attempts) == ("sent", MONDAY, 1)
    assert (message.segments, message.provider_message_id) == (1, sms.provider_id)


@pytest.mark.django_db
def test_diacritics_are_kept_when_the_option_is_off(province, sms_in_memory, settings):
    settings.SMS_WITHOUT_DIACRITICS = False
    case = province.receive()
    deliver_message(_row(case).pk, MONDAY)
    assert sms_in_memory[0].text.startswith("Cổng 1022 Tây Ninh: Đã tiếp nhận phản ánh")
    assert _row(case).segments == 2


@pytest.mark.django_db
def test_the_reporter_gets_an_email_in_vietnamese_with_diacritics(province):
    case = province.receive()
    assert deliver_message(_row(case, EMAIL).pk, MONDAY) == Outcome.SENT
    [email] = mail.outbox
    assert email.to == ["an@example.vn"]
    assert email.subject == f"Đã tiếp nhận phản ánh {case.display_code}"
    assert "Đường dây nóng: 0276.1022" in email.body
    assert email.extra_headers["Auto-Submitted"] == "auto-generated"


@pytest.mark.django_db
def test_a_reporter_who_chose_english_gets_english(province, sms_in_memory):
    case = province.receive(language="en")
    deliver_message(_row(case).pk, MONDAY)
    assert sms_in_memory[0].text.startswith("Cong 1022 Tay Ninh: We received your report")


@pytest.mark.django_db
def test_a_rejection_tells_the_reason_in_the_reporters_language(province, sms_in_memory):
    case = province.receive()
    services.reject_case(case_id=case.pk, reason=RejectionReason.INCOMPLETE,
                         actor=province.coordinator, now=MONDAY)
    deliver_message(_row(case, template="case_rejected").pk, MONDAY)
    text = sms_in_memory[0].text
    assert "Ly do:" in text
    assert "incomplete" not in text
    assert _row(case, template="case_rejected").segments == 1


@pytest.mark.django_db
def test_the_administrators_wording_is_used(province, sms_in_memory):
    MessageTemplate.objects.create(key="case_received", language="vi",
                                   sms_text="1022: đã nhận phản ánh {code}.")
    case = province.receive()
    deliver_message(_row(case).pk, MONDAY)
    assert sms_in_memory[0].text == f"1022: da nhan phan anh {case.display_code}."


@pytest.mark.django_db
def test_staff_get_an_email_with_the_code_and_a_link_but_no_reporter_data(province):
    case = province.receive()
    message = OutboxMessage.objects.get(case=case, template="staff_case_received")
    assert deliver_message(message.pk, MONDAY) == Outcome.SENT
    [email] = mail.outbox
    assert email.to == [province.coordinator_user.email]
    assert case.display_code in email.subject
    assert f"https://1022.tayninh.gov.vn/staff/cases/{case.pk}" in email.body
    for private in ("Nguyễn Văn An", PHONE, "an@example.vn", case.content, case.title):
        assert private not in email.body + email.subject


@pytest.mark.django_db
def test_a_deadline_alert_names_the_stage_and_the_local_time(province):
    from workflow.sweep import sweep_deadlines

    case = province.receive()
    sweep_deadlines(now=MONDAY + timedelta(hours=3))
    message = OutboxMessage.objects.get(case=case, template="staff_reminder")
    deliver_message(message.pk, MONDAY + timedelta(hours=3))
    with translation.override("vi"):
        stage = str(Case.State.RECEIVED.label)
    assert f"({stage}) đến hạn lúc 14:00 02/03/2026" in mail.outbox[0].body


# --- Once only ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_running_the_delivery_twice_sends_once(province, sms_in_memory):
    message = _row(province.receive())
    assert deliver_message(message.pk, MONDAY) == Outcome.SENT
    assert deliver_message(message.pk, MONDAY + timedelta(hours=1)) == Outcome.SKIPPED
    assert len(sms_in_memory) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_delivering_the_same_message_at_once_send_it_once(province, settings):
    stand_in = StandInGateway(pause=0.3)
    settings.SMS_BACKEND = HTTP
    settings.SMS_GATEWAY = stand_in.settings(READ_TIMEOUT=2)
    message = _row(province.receive(now=timezone.now()))
    start = threading.Barrier(2)
    outcomes: list[Outcome] = []

    def worker() -> None:
        try:
            start.wait()
            outcomes.append(deliver_message(message.pk, timezone.now()))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        assert sorted(outcomes) == [Outcome.SENT, Outcome.SKIPPED]
        assert len(stand_in.carrying(message.reference)) == 1
    finally:
        stand_in.close()


@pytest.mark.django_db
def test_a_message_whose_worker_died_goes_out_once_after_its_lease_ran_out(
    province, sms_in_memory, settings
):
    settings.OUTBOX_LEASE_SECONDS = 120
    message = _row(province.receive())
    assert claim_message(message.pk, MONDAY) is not None  # ... and the worker dies
    assert deliver_message(message.pk, MONDAY + timedelta(seconds=60)) == Outcome.SKIPPED
    assert message.pk not in requeue_pending(MONDAY + timedelta(seconds=60))
    later = MONDAY + timedelta(seconds=121)
    assert message.pk in requeue_pending(later)
    assert deliver_message(message.pk, later) == Outcome.SENT
    assert deliver_message(message.pk, later + timedelta(minutes=5)) == Outcome.SKIPPED
    assert len(sms_in_memory) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 2)


@pytest.mark.django_db
def test_a_message_whose_last_attempt_never_finished_is_marked_failed(
    province, sms_in_memory, settings
):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    message = _row(province.receive())
    claim_message(message.pk, MONDAY)
    claim_message(message.pk, MONDAY + timedelta(minutes=3))
    assert deliver_message(message.pk, MONDAY + timedelta(minutes=6)) == Outcome.SKIPPED
    message.refresh_from_db()
    assert message.status == "failed"
    assert "worker lost" in message.last_error
    assert sms_in_memory == []


# --- Gateway trouble ------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_gateway_that_fails_three_times_then_succeeds_delivers_exactly_once(province, gateway):
    gateway.script = ["500", "slow", "429"]
    message = _row(province.receive())
    outcomes = _deliver_until_done(message, MONDAY)
    assert outcomes == [Outcome.RETRY, Outcome.RETRY, Outcome.RETRY, Outcome.SENT]
    assert len(gateway.carrying(message.reference)) == 4  # one of which was answered
    assert (message.status, message.attempts, message.provider_message_id) == ("sent", 4, "gw-4")
    # Later runs of the beat find nothing to do.
    assert deliver_message(message.pk, MONDAY + timedelta(days=1)) == Outcome.SKIPPED
    assert len(gateway.carrying(message.reference)) == 4


@pytest.mark.django_db
def test_retries_wait_longer_each_time(province, gateway, settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 30
    gateway.script = ["500"] * 4
    message = _row(province.receive())
    waits, now = [], MONDAY
    for _ in range(4):
        deliver_message(message.pk, now)
        message.refresh_from_db()
        waits.append((message.next_attempt_at - now).total_seconds())
        now = message.next_attempt_at
    for attempt, wait in enumerate(waits, start=1):
        assert 15 * 2 ** (attempt - 1) <= wait <= 30 * 2 ** (attempt - 1)


def test_the_backoff_is_capped_and_jittered(settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 30
    settings.OUTBOX_RETRY_MAX_SECONDS = 3600
    waits = {backoff(20).total_seconds() for _ in range(20)}
    assert all(1800 <= w <= 3600 for w in waits)
    assert len(waits) > 1


@pytest.mark.django_db
def test_a_429_with_retry_after_is_not_sent_again_before_that_time(province, gateway, settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 30
    gateway.script = ["429+300"]
    message = _row(province.receive())
    assert deliver_message(message.pk, MONDAY) == Outcome.RETRY
    message.refresh_from_db()
    assert message.next_attempt_at == MONDAY + timedelta(seconds=300)  # not our 15–30 s
    assert deliver_message(message.pk, MONDAY + timedelta(seconds=299)) == Outcome.SKIPPED
    assert deliver_message(message.pk, MONDAY + timedelta(seconds=300)) == Outcome.SENT
    assert len(gateway.requests) == 2


@pytest.mark.django_db
def test_a_503_with_retry_after_as_a_date_waits_until_that_date(province, gateway):
    gateway.script = ["503+date:900"]
    message = _row(province.receive())
    now = timezone.now()
    assert deliver_message(message.pk, now) == Outcome.RETRY
    message.refresh_from_db()
    wait = (message.next_attempt_at - now).total_seconds()
    assert 895 <= wait <= 901  # the HTTP-date has whole seconds


@pytest.mark.django_db
def test_a_retry_after_longer_than_the_cap_is_cut_to_the_cap(province, gateway, settings):
    settings.OUTBOX_RETRY_AFTER_MAX_SECONDS = 600
    gateway.script = ["429+86400"]
    message = _row(province.receive())
    deliver_message(message.pk, MONDAY)
    message.refresh_from_db()
    assert message.next_attempt_at == MONDAY + timedelta(seconds=600)


@pytest.mark.django_db
def test_a_retry_after_shorter_than_our_backoff_does_not_hurry_us(province, gateway, settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 30
    gateway.script = ["500", "429+1"]
    message = _row(province.receive())
    deliver_message(message.pk, MONDAY)
    message.refresh_from_db()
    second = message.next_attempt_at
    deliver_message(message.pk, second)
    message.refresh_from_db()
    assert 30 <= (message.next_attempt_at - second).total_seconds() <= 60


@pytest.mark.django_db
def test_a_4xx_fails_the_message_at_once_without_a_retry(province, gateway):
    gateway.script = ["400"]
    message = _row(province.receive())
    assert _deliver_until_done(message, MONDAY) == [Outcome.FAILED]
    assert len(gateway.requests) == 1
    assert (message.status, message.next_attempt_at) == ("failed", None)
    assert "HTTP 400" in message.last_error
    assert message.pk not in requeue_pending(MONDAY + timedelta(days=1))


@pytest.mark.django_db
def test_a_malformed_reply_is_retried(province, gateway):
    gateway.script = ["malformed"]
    message = _row(province.receive())
    assert _deliver_until_done(message, MONDAY) == [Outcome.RETRY, Outcome.SENT]


@pytest.mark.django_db
def test_a_message_fails_after_the_last_allowed_attempt(province, gateway, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    gateway.script = ["500"] * 10
    message = _row(province.receive())
    assert _deliver_until_done(message, MONDAY) == [Outcome.RETRY, Outcome.RETRY, Outcome.FAILED]
    assert (message.status, message.attempts) == ("failed", 3)
    assert "HTTP 500" in message.last_error


@pytest.mark.django_db
def test_a_failed_message_can_be_sent_again(province, gateway, django_capture_on_commit_callbacks):
    gateway.script = ["400"]
    message = _row(province.receive())
    deliver_message(message.pk, MONDAY)
    later = MONDAY + timedelta(hours=1)
    with mock.patch.object(deliver_messages_task, "apply_async") as queued, \
            django_capture_on_commit_callbacks(execute=True):
        assert resend_message(message.pk, later) is True
    queued.assert_called_once_with(([message.pk],), retry=False)
    assert deliver_message(message.pk, later) == Outcome.SENT
    assert resend_message(message.pk, later) is False  # only a failed message
    assert len(gateway.carrying(message.reference)) == 2


@pytest.mark.django_db
def test_a_reporter_without_a_phone_any_more_fails_the_sms(province, sms_in_memory):
    case = province.receive()
    Case.objects.filter(pk=case.pk).update(reporter_phone="")
    message = _row(case)
    assert deliver_message(message.pk, MONDAY) == Outcome.FAILED
    assert sms_in_memory == []


@pytest.mark.django_db
def test_a_mail_server_that_is_down_is_retried(province, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 1
    message = _row(province.receive(), EMAIL)
    assert deliver_message(message.pk, MONDAY) == Outcome.RETRY
    message.refresh_from_db()
    assert "mail server unavailable" in message.last_error


# --- Queueing -------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_new_outbox_rows_are_queued_in_one_task_once_the_transaction_commits(
    province, django_capture_on_commit_callbacks
):
    with mock.patch.object(deliver_messages_task, "apply_async") as queued, \
            django_capture_on_commit_callbacks(execute=True):
        case = province.receive()
        assert not queued.called
    rows = OutboxMessage.objects.filter(case=case)
    assert rows.count() == 3  # SMS and e-mail to the reporter, e-mail to the coordinator
    queued.assert_called_once()
    assert sorted(queued.call_args.args[0][0]) == sorted(rows.values_list("pk", flat=True))


@pytest.mark.django_db
def test_the_batch_task_sends_each_row_once_and_a_repeat_sends_nothing(province, sms_in_memory):
    case = province.receive()
    ids = list(OutboxMessage.objects.filter(case=case).values_list("pk", flat=True))
    assert deliver_messages_task(ids) == ["sent"] * len(ids)
    assert deliver_messages_task(ids) == ["skipped"] * len(ids)
    assert len(sms_in_memory) == 1
    assert set(OutboxMessage.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
        "sent"}


@pytest.mark.django_db
def test_the_beat_queues_pending_messages_that_are_due_and_nothing_else(province):
    case = drive.assigned(province, MONDAY)
    rows = OutboxMessage.objects.filter(case=case)
    sent = rows.first()
    rows.filter(pk=sent.pk).update(status="sent")
    later = rows.exclude(pk=sent.pk).first()
    rows.filter(pk=later.pk).update(next_attempt_at=timezone.now() + timedelta(minutes=5))
    with mock.patch.object(deliver_message_task, "apply_async") as queued:
        count = deliver_outbox_task()
    expected = set(rows.values_list("pk", flat=True)) - {sent.pk, later.pk}
    assert count == len(expected)
    assert {c.args[0][0] for c in queued.call_args_list} == expected


def test_the_beat_runs_the_outbox_every_minute():
    entry = app.conf.beat_schedule["deliver-outbox"]
    assert entry["task"] == deliver_outbox_task.name
    assert entry["schedule"] == 60.0


@contextlib.contextmanager
def redis_stopped():
    """Point Celery at a closed port, as if Redis were stopped, and back afterwards.

    Celery reads CELERY_BROKER_URL from the environment before its settings.
    """
    def reset_pools() -> None:
        # Celery offers no public way to forget its pools (app.close() keeps the producers'
        # and unregisters the app), so the next send connects to the URL set here anew.
        app._pool = None
        app.amqp._producer_pool = None

    try:
        with mock.patch.dict(os.environ, CELERY_BROKER_URL="redis://127.0.0.1:1/0"):
            reset_pools()
            yield
    finally:
        reset_pools()


@pytest.mark.django_db(transaction=True)
def test_a_submission_while_redis_is_down_succeeds_and_its_messages_go_out_when_it_returns(
    province, sms_in_memory, caplog
):
    caplog.set_level(logging.WARNING, logger="config.celery")
    with redis_stopped():
        started = time.monotonic()
        case = province.receive(now=timezone.now())
        assert time.monotonic() - started < 3
    rows = OutboxMessage.objects.filter(case=case)
    assert set(rows.values_list("status", "attempts")) == {("pending", 0)}
    assert "not queued (OperationalError)" in caplog.text
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        deliver_outbox_task.delay()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and rows.filter(status="pending").exists():
            time.sleep(0.2)
    assert set(rows.values_list("status", flat=True)) == {"sent"}
    assert [m.to for m in sms_in_memory if m.reference == _row(case).reference] == [PHONE]
    assert len(mail.outbox) == 2


# --- What the logs hold ---------------------------------------------------------------------
@pytest.mark.django_db
def test_the_logs_hold_message_ids_and_statuses_only(province, gateway, caplog):
    caplog.set_level(logging.DEBUG)
    gateway.script = ["500", "ok"]
    case = province.receive()
    for message in OutboxMessage.objects.filter(case=case):
        _deliver_until_done(message, MONDAY)
    failing = _row(province.receive(reporter_phone="0987654321", reporter_email=""))
    gateway.script = ["400"]
    _deliver_until_done(failing, MONDAY)
    assert f"outbox {failing.pk}: failed" in caplog.text
    texts = [r["body"]["Content"] for r in gateway.requests]
    emails = [e.body for e in mail.outbox] + [e.subject for e in mail.outbox]
    for private in [PHONE, "84912345678", "0987654321", "84987654321", "an@example.vn",
                    "Nguyễn Văn An", CONTENT, case.title, *texts, *emails]:
        assert private not in caplog.text
    for row in OutboxMessage.objects.all():
        assert PHONE not in row.last_error and "987654321" not in row.last_error
