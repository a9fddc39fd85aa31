"""The sweep runs as a Celery task through a real worker and the real Redis broker."""

import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.utils import timezone

from config.celery import app
from workflow.models import Case
from workflow.tasks import sweep_deadlines_task


def test_celery_acknowledges_late_and_takes_one_task_at_a_time():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.beat_schedule["sweep-deadlines"]["task"] == sweep_deadlines_task.name


@pytest.mark.django_db(transaction=True)
def test_the_beat_task_marks_an_overdue_case_through_a_worker_on_redis(province):
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    case = province.receive(now=timezone.now() - timedelta(days=10))
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        sweep_deadlines_task.delay()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            case.refresh_from_db()
            if case.overdue_at is not None:
                break
            time.sleep(0.2)
    assert case.overdue_at is not None
    assert Case.objects.get(pk=case.pk).events.filter(kind="overdue").count() == 1
