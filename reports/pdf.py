"""PDFs with WeasyPrint: the periodic report and the Appendix 1 reply letter.

Liberation Serif (Times New Roman's metrics) carries every Vietnamese diacritic; it is set on
the page boxes too, or page numbers fall back to another font (STACK.md).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import ngettext

from workflow.models import Assignment, Draft

from . import formats
from .charts import SERIF
from .presentation import Table, report_charts, report_tables, summary_items
from .statistics import OVERDUE_LIST_LIMIT, Report, scope_label


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


# The PDF prints the longest-late rows of the overdue list; the workbook keeps them all. A
# table of hundreds of rows is what made a province's PDF take seconds to lay out.
PDF_OVERDUE_ROWS = 30


def pdf_tables(report: Report) -> list[Table]:
    """The report's tables, the overdue list cut to PDF_OVERDUE_ROWS with a line saying
    how many more there are (the summary's count of all overdue assignments)."""
    tables = []
    for table in report_tables(report):
        if table.key == "overdue":
            more = max(report.summary.overdue_now, len(table.rows)) - PDF_OVERDUE_ROWS
            if more > 0:
                table = replace(table, rows=table.rows[:PDF_OVERDUE_ROWS], note=ngettext(
                    "… and %(count)s more overdue assignment; the workbook (xlsx) lists up "
                    "to %(limit)s.",
                    "… and %(count)s more overdue assignments; the workbook (xlsx) lists up "
                    "to %(limit)s.", more,
                ) % {"count": number_format(more, 0, force_grouping=True),
                     "limit": OVERDUE_LIST_LIMIT})
        tables.append(table)
    return tables


def periodic_context(
    report: Report, *, difficulties: str = "", number: str = "", issued_on: date | None = None
) -> dict:
    period = report.period
    issued_on = issued_on or timezone.localdate(report.generated_at)
    return {
        "head": letterhead(formats.reporting_body(), number, issued_on),
        "title": formats.REPORT_TITLE,
        "subtitle": formats.period_phrase(period.kind, period.start, period.end),
        # A range's title already names its days.
        "period_dates": ("" if period.kind == "range"
                         else formats.period_dates(period.start, period.end)),
        "scope": scope_label(report.scope),
        "period_start": period.start.strftime("%d/%m/%Y"),
        "period_end": period.end.strftime("%d/%m/%Y"),
        "generated_at": timezone.localtime(report.generated_at).strftime("%d/%m/%Y %H:%M"),
        "summary": summary_items(report.summary),
        "tables": pdf_tables(report),
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


def public_body(assignment: Assignment, draft: Draft) -> str:
    """The body of the public copy: what the coordinator published, never text they took out.

    The coordinator may edit the reply before publishing it (Art. 10), and the public page
    shows that text (``Case.reply_text``), so:

    - a case handled by one unit (returned assignments aside): the published reply;
    - a case handled by several units: the unit's own approved draft when the coordinator
      published it unchanged (it appears in the published reply, spacing aside), so each
      unit's letter carries its own answer; when they edited it, the published reply as a
      whole, as an edit cannot be traced back to one unit's part.

    A case published without text (not possible through the services) keeps the draft.
    """
    case = assignment.case
    published = case.reply_text
    if not published.strip():
        return draft.body
    others = case.assignments.exclude(state=Assignment.State.RETURNED).exclude(
        pk=assignment.pk
    )
    if not others.exists():
        return published
    if " ".join(draft.body.split()) in " ".join(published.split()):
        return draft.body
    return published


def reply_letter(assignment: Assignment, draft: Draft, *, public: bool = False) -> Letter:
    """Appendix 1: the unit's result as an official letter. The addressee is what the unit
    wrote, never the reporter's name from the case (Art. 13.8, 17.6). The public copy is
    always addressed to the neutral default: a unit that was shown the reporter's contact
    may have written their name there, and a public page never names a reporter (DP3). Its
    body is the published reply (see `public_body`); the staff copy's is the approved draft."""
    unit = assignment.unit.name
    approved: datetime = assignment.approved_at or draft.created_at
    day = draft.date or timezone.localdate(approved)
    addressee = (not public and draft.addressee) or formats.DEFAULT_ADDRESSEE
    body = public_body(assignment, draft) if public else draft.body
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
        paragraphs=[p for p in body.splitlines() if p.strip()],
        thanks=formats.REPLY_THANKS,
        closing=formats.REPLY_CLOSING,
        recipients_label=formats.RECIPIENTS,
        recipients=recipients,
        signer_title=(draft.signer_title or formats.DEFAULT_SIGNER_TITLE).upper(),
        signer=draft.signer,
    )


def letter_digest(letter: Letter) -> str:
    """A hash of everything a letter prints: the same digest, the same PDF."""
    text = json.dumps(asdict(letter), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def letter_pdf(letter: Letter) -> bytes:
    html = render_to_string("reports/pdf/reply_letter.html",
                            {"letter": letter, "dear": formats.DEAR})
    return html_to_pdf(html)


def reply_letter_pdf(assignment: Assignment, draft: Draft, *, public: bool = False) -> bytes:
    return letter_pdf(reply_letter(assignment, draft, public=public))
