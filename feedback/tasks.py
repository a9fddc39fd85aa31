"""Celery tasks of the public portal: they take nothing, reload rows and call a service."""

from celery import shared_task
from django.conf import settings
from django.core.cache import cache

from .channels.email_intake import fetch_new_messages
from .intake import build_waiting

# The mailbox is read by one run at a time; a run takes seconds, the lock expires anyway.
EMAIL_LOCK_SECONDS = 600


@shared_task(acks_late=True)
def build_submissions_task() -> int:
    """Build the cases of the web form's waiting submissions (woken on commit; the beat
    runs it too, for any left behind)."""
    return build_waiting()


@shared_task(acks_late=True)
def fetch_email_task() -> dict[str, int]:
    """Read the 1022 mailbox: each new message one received case, once (EMAIL_INTAKE_*)."""
    if not settings.EMAIL_INTAKE_HOST:
        return {}
    if not cache.add("fetch-email:running", 1, EMAIL_LOCK_SECONDS):
        return {}
    try:
        return fetch_new_messages().as_dict()
    finally:
        cache.delete("fetch-email:running")
