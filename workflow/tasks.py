"""Celery tasks: they take ids (or nothing), reload rows and call a service; all idempotent."""

from celery import shared_task
from django.utils import timezone

from .sweep import sweep_deadlines


@shared_task(acks_late=True)
def sweep_deadlines_task() -> dict[str, int]:
    return sweep_deadlines(now=timezone.now()).as_dict()

