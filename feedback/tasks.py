"""Celery tasks of the public portal: they take nothing, reload rows and call a service."""

from celery import shared_task

from .intake import build_waiting


@shared_task(acks_late=True)
def build_submissions_task() -> int:
    """Build the cases of the web form's waiting submissions (woken on commit; the beat
    runs it too, for any left behind)."""
    return build_waiting()
