"""PDFs with WeasyPrint: the periodic report and the Appendix 1 reply letter.

Liberation Serif (Times New Roman's metrics) carries every Vietnamese diacritic; it is set on
the page boxes too, or page numbers fall back to another font (STACK.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from workflow.models import Assignment, Draft

from . import formats
from .charts import SERIF
from .presentation import report_charts, report_tables, summary_items
from .statistics import Report, scope_label


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # heavy import, only where a PDF is made

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def letterhead(issuer: str, number: str, day: date) -> dict[str, str]:
    """The Decree 30/2020 header: issuing body, national name and motto, number, place, date."""
    return {
        "superior": formats.superior_body(),
        "issuer": issuer.upper(),
        "national_name": formats.NATIONAL_NAME,
        "motto": formats.MOTTO,
        "number": f"{formats.NUMBER_PREFIX} {number}" if number else f"{formats.NUMBER_PREFIX}",
        "place_date": formats.place_and_date(day),
    }


def periodic_context(
    report: Report, *, difficulties: str = "", number: str = "", issued_on: date | None = None
) -> dict:
    period = report.period
    issued_on = issued_on or timezone.localdate(report.generated_at)
    return {
        "head": letterhead(formats.reporting_body(), number, issued_on),
        "title": formats.REPORT_TITLE,
        "subtitle": formats.period_phrase(period.kind, period.start, period.end),
        "scope": scope_label(report.scope),
        "period_start": period.start.strftime("%d/%m/%Y"),
        "period_end": period.end.strftime("%d/%m/%Y"),
        "generated_at": timezone.localtime(report.generated_at).strftime("%d/%m/%Y %H:%M"),
        "summary": summary_items(report.summary),
        "tables": report_tables(report),
        "charts": report_charts(report, font_family=SERIF, width=600),
        "difficulties": [p for p in difficulties.splitlines() if p.strip()],
        "recipients_label": formats.RECIPIENTS,
        "recipients": [f"{settings.PROVINCE.get('people_committee', '')};", formats.ARCHIVE],
    }


def periodic_pdf(
    report: Report, *, difficulties: str = "", number: str = "", language: str = "vi",
    issued_on: date | None = None,
) -> bytes:
    with translation.override(language):
        html = render_to_string(
            "reports/pdf/periodic.html",
            periodic_context(report, difficulties=difficulties, number=number,
                             issued_on=issued_on),
        )
    return html_to_pdf(html)


@dataclass(frozen=True)
class Letter:
    head: dict[str, str]
    unit: str
    addressee: str
    opening: str
    paragraphs: list[str]
    thanks: str
    closing: str
    recipients_label: str
    recipients: list[str]
    signer_title: str
    signer: str


def approved_draft(assignment: Assignment) -> Draft | None:
    """The reply the leader approved: the latest version of an approved assignment."""
    if assignment.state != Assignment.State.APPROVED:
        return None
    return assignment.drafts.order_by("-version").first()


def reply_letter(assignment: Assignment, draft: Draft) -> Letter:
    """Appendix 1: the unit's result as an official letter. The addressee is what the unit
    wrote, never the reporter's name from the case (Art. 13.8, 17.6)."""
    unit = assignment.unit.name
    approved: datetime = assignment.approved_at or draft.created_at
    day = draft.date or timezone.localdate(approved)
    addressee = draft.addressee or formats.DEFAULT_ADDRESSEE
    recipients = [
        line.strip().lstrip("-·•").strip() for line in draft.recipients.splitlines()
        if line.strip()
    ] or list(formats.DEFAULT_RECIPIENTS)
    return Letter(
        head=letterhead(unit, draft.number, day),
        unit=unit,
        addressee=addressee,
        opening=formats.REPLY_OPENING % {"unit": unit, "addressee": addressee[:1].lower()
                                         + addressee[1:]},
        paragraphs=[p for p in draft.body.splitlines() if p.strip()],
        thanks=formats.REPLY_THANKS,
        closing=formats.REPLY_CLOSING,
        recipients_label=formats.RECIPIENTS,
        recipients=recipients,
        signer_title=(draft.signer_title or formats.DEFAULT_SIGNER_TITLE).upper(),
        signer=draft.signer,
    )


def reply_letter_pdf(assignment: Assignment, draft: Draft) -> bytes:
    letter = reply_letter(assignment, draft)
    html = render_to_string("reports/pdf/reply_letter.html",
                            {"letter": letter, "dear": formats.DEAR})
    return html_to_pdf(html)
