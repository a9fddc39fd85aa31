"""The periodic report as a PDF, with the rendering and the Decree 30/2020 letterhead of
workflow.documents (shared with the units' reply letters)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import ngettext

from workflow.documents import html_to_pdf, letterhead

from . import formats
from .charts import SERIF
from .presentation import Table, report_charts, report_tables, summary_items
from .statistics import OVERDUE_LIST_LIMIT, Report, scope_label

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
