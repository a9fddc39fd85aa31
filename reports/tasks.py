"""Celery tasks of the reports: they take nothing, read the clock and call a service."""

from celery import shared_task
from django.utils import timezone

from .services import deliver_report_notices, prepare_report_drafts


@shared_task(acks_late=True)
def prepare_report_drafts_task() -> dict[str, int]:
    """Daily: make the drafts of the reports due soon (once each), then e-mail the
    supervisors every notice not yet sent (a failed one again the next day)."""
    now = timezone.now()
    created = prepare_report_drafts(today=timezone.localdate(now), now=now)
    return {"created": len(created), "emailed": deliver_report_notices(now=now)}
