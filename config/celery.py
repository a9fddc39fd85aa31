"""Celery application: tasks take ids, are idempotent and are acknowledged late; and how
the apps queue one once their transaction commits."""

import logging
import os
from collections.abc import Sequence
from typing import Any

from celery import Celery, Task
from django.db import transaction

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("cong1022")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

log = logging.getLogger("config.celery")


def enqueue(task: Task, args: Sequence[Any] = (), *, log_as: str) -> None:
    """Publish `task` with `args` now, best effort: no publish retries, as a request must
    not wait for a broker that is down. A failure is logged as `log_as` (ids only, never
    personal data) with the error's type; the beat's sweep picks the work up later.
    """
    try:
        task.apply_async(tuple(args), retry=False)
    except Exception as exc:  # noqa: BLE001 — a broker that is down must not fail the request
        log.warning("%s: not queued (%s); the beat will take it up", log_as, type(exc).__name__)


def enqueue_on_commit(task: Task, args: Sequence[Any] = (), *, log_as: str) -> None:
    """Publish `task` with `args` once the current transaction commits (enqueue), and not
    at all if it rolls back."""
    transaction.on_commit(lambda: enqueue(task, args, log_as=log_as), robust=True)
