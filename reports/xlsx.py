"""The periodic report as an .xlsx workbook: a summary sheet, then one sheet per table.

Cells hold numbers, not formatted text, so the figures can be summed and charted again;
rates are fractions shown as percentages. Rates and averages hold the values the page and the
PDF show, rounded half-up to one decimal (reports.numbers), so the three never disagree.
"""

from __future__ import annotations

import re
from io import BytesIO

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from . import formats
from .presentation import Cell, report_tables, summary_items
from .statistics import Report, scope_label

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
BOLD = Font(bold=True)


def sheet_title(title: str, taken: set[str]) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of []:*?/\\, unique."""
    base = _SHEET_FORBIDDEN.sub(" ", title).strip()[:31] or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def _write(ws, row: int, column: int, cell: Cell) -> None:
    target = ws.cell(row=row, column=column, value=cell.value)
    if cell.percent:
        target.number_format = "0.0%"
    elif cell.tenths:
        target.number_format = "0.0"


def _widths(ws, widths: dict[int, int]) -> None:
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 8), 60)


def periodic_workbook(
    report: Report, *, difficulties: str = "", number: str = "", language: str = "vi"
) -> bytes:
    with translation.override(language):
        wb = Workbook()
        taken: set[str] = set()
        ws = wb.active
        ws.title = sheet_title(_("Summary"), taken)
        period = report.period
        head = [
            formats.superior_body(),
            formats.reporting_body().upper(),
            f"{formats.NATIONAL_NAME} – {formats.MOTTO}",
            f"{formats.NUMBER_PREFIX} {number}".strip(),
            formats.place_and_date(timezone.localdate(report.generated_at)),
            " ".join((formats.REPORT_TITLE,
                      formats.period_phrase(period.kind, period.start, period.end))),
        ]
        if period.kind != "range":  # a range's title already names its days
            head.append(formats.period_dates(period.start, period.end))
        for line in head:
            ws.append([line])
        ws.append([_("Scope"), scope_label(report.scope)])
        ws.append([_("Period"), f"{period.start:%d/%m/%Y} – {period.end:%d/%m/%Y}"])
        ws.append([])
        ws.append([_("Figure"), _("Value")])
        for c in ws[ws.max_row]:
            c.font = BOLD
        for label, cell in summary_items(report.summary):
            ws.append([label])
            _write(ws, ws.max_row, 2, cell)
        ws.append([])
        ws.append([_("Difficulties and proposals")])
        ws.cell(row=ws.max_row, column=1).font = BOLD
        ws.append([difficulties or _("None.")])
        ws.cell(row=ws.max_row, column=1).alignment = Alignment(wrap_text=True)
        _widths(ws, {1: 45, 2: 40})

        for table in report_tables(report):
            sheet = wb.create_sheet(sheet_title(table.title, taken))
            sheet.append(table.headers)
            for c in sheet[1]:
                c.font = BOLD
            widths = {i: len(h) for i, h in enumerate(table.headers, start=1)}
            for r, row in enumerate(table.rows, start=2):
                for col, cell in enumerate(row, start=1):
                    _write(sheet, r, col, cell)
                    widths[col] = max(widths.get(col, 0), len(cell.text))
            sheet.freeze_panes = "A2"
            _widths(sheet, widths)
        out = BytesIO()
        wb.save(out)
        return out.getvalue()
