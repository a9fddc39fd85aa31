"""What the reports app does: prepare periodic report drafts, tell the supervisors and keep
the department's text."""

from __future__ import annotations

import hashlib
import logging
import smtplib
from datetime import date, datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import BadHeaderError, EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from routing.models import ProvinceRole
from routing.selectors import Actor

from .formats import period_phrase
from .models import ReportDraft, ReportDraftNotice
from .schedule import reports_to_prepare

logger = logging.getLogger("reports")


class ReportError(Exception):
    """A refused change, with a message for the person who asked."""


# --- Periodic report drafts ---------------------------------------------------------------
def supervisor_ids() -> list[int]:
    return list(
        ProvinceRole.objects.filter(role=ProvinceRole.Role.SUPERVISOR, user__is_active=True)
        .values_list("user_id", flat=True)
    )


def prepare_report_drafts(*, today: date, now: datetime) -> list[ReportDraft]:
    """Create the draft of every report due soon (Art. 13.7) that has none yet, and tell
    every supervisor of each new one. Safe to run any number of times a day, or twice at
    once: the unique constraint makes one draft, and one notice per supervisor."""
    created = []
    for due in reports_to_prepare(today):
        with transaction.atomic():
            draft, new = ReportDraft.objects.get_or_create(
                kind=due.kind, period_start=due.period.start, period_end=due.period.end,
                defaults={"due_on": due.due_on, "generated_at": now},
            )
            if new:
                ReportDraftNotice.objects.bulk_create(
                    [ReportDraftNotice(draft=draft, user_id=user_id, created_at=now)
                     for user_id in supervisor_ids()],
                    ignore_conflicts=True,
                )
                created.append(draft)
    return created


def update_draft(*, draft_id: int, difficulties: str, number: str, actor: Actor,
                 now: datetime) -> ReportDraft:
    """Keep the department's section on difficulties and proposals, and the document
    number. Refused once the report is final. Text arrives normalised (the form's job)."""
    with transaction.atomic():
        draft = ReportDraft.objects.select_for_update().get(pk=draft_id)
        if draft.is_final:
            raise ReportError(_("This report is final and can no longer be changed."))
        draft.difficulties, draft.number = difficulties, number
        draft.updated_at, draft.updated_by = now, actor.user
        draft.save(update_fields=["difficulties", "number", "updated_at", "updated_by"])
    return draft


def finalise_draft(*, draft_id: int, actor: Actor, now: datetime) -> ReportDraft:
    """Mark the report as sent: its text is locked, and its PDF and workbook are made once,
    in the official language, from the figures as they stand at `now`, then stored."""
    from .pdf import periodic_pdf
    from .statistics import Period, Scope, build_report
    from .xlsx import periodic_workbook

    with transaction.atomic():
        draft = ReportDraft.objects.select_for_update().get(pk=draft_id)
        if draft.is_final:
            raise ReportError(_("This report is already final."))
        report = build_report(Period(draft.period_start, draft.period_end, draft.kind),
                              Scope(), now)
        kwargs = {"difficulties": draft.difficulties, "number": draft.number,
                  "language": settings.LANGUAGE_CODE}
        pdf = periodic_pdf(report, **kwargs)
        draft.pdf_file.save("report.pdf", ContentFile(pdf), save=False)
        draft.xlsx_file.save("report.xlsx", ContentFile(periodic_workbook(report, **kwargs)),
                             save=False)
        draft.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
        draft.status, draft.finalised_at = ReportDraft.Status.FINAL, now
        draft.updated_at, draft.updated_by = now, actor.user
        try:
            draft.save(update_fields=["status", "finalised_at", "updated_at", "updated_by",
                                      "pdf_file", "pdf_sha256", "xlsx_file"])
        except Exception:
            draft.pdf_file.delete(save=False)
            draft.xlsx_file.delete(save=False)
            raise
    return draft


def _notice_email(notice: ReportDraftNotice) -> EmailMessage:
    draft = notice.draft
    with translation.override(settings.LANGUAGE_CODE):
        kind = str(ReportDraft.Kind(draft.kind).label).lower()
        params = {
            "kind": kind,
            "period": period_phrase(draft.kind, draft.period_start, draft.period_end),
            "due": f"{draft.due_on:%d/%m/%Y}",
            "url": settings.PROVINCE["portal_url"].rstrip("/")
            + reverse("reports:draft", args=[draft.pk]),
            "portal": settings.PROVINCE["portal_name"],
        }
        subject = _("[%(portal)s] The %(kind)s report (%(period)s) is ready to complete") % params
        body = _(
            "The draft of the %(kind)s report (%(period)s) was prepared. It is due before "
            "%(due)s. Please write the section on difficulties and proposals, then download "
            "the report:\n\n%(url)s\n\n%(portal)s"
        ) % params
    return EmailMessage(subject=subject, body=body, to=[notice.user.email],
                        headers={"Auto-Submitted": "auto-generated"})


def deliver_report_notices(*, now: datetime, limit: int = 100) -> int:
    """E-mail every notice not yet sent, each once; a failure is tried again at the next run,
    up to OUTBOX_MAX_ATTEMPTS times. Rows are locked with SKIP LOCKED, so two runs at once
    send each notice once. Returns how many went out."""
    sent = 0
    with transaction.atomic():
        notices = list(
            ReportDraftNotice.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(emailed_at__isnull=True, attempts__lt=settings.OUTBOX_MAX_ATTEMPTS,
                    user__is_active=True)
            .exclude(user__email="")
            .select_related("draft", "user").order_by("created_at", "pk")[:limit]
        )
        for notice in notices:
            notice.attempts += 1
            try:
                _notice_email(notice).send(fail_silently=False)
            except (smtplib.SMTPException, OSError, BadHeaderError, ValueError) as exc:
                notice.last_error = type(exc).__name__
                logger.warning("report notice %s not sent (%s)", notice.pk, notice.last_error)
            else:
                notice.emailed_at, notice.last_error = now, ""
                sent += 1
            notice.save(update_fields=["attempts", "emailed_at", "last_error"])
    return sent
