"""A report's figures as ready-made tables and charts, shared by the dashboard, PDF and
workbook, so the three always show the same numbers under the same headings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import formats, timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from .charts import SANS, Bar, bar_chart
from .numbers import decimal_text, one_decimal, percent, workbook_rate
from .statistics import Report, Row, StageTime, Summary

Value = int | float | str | None


@dataclass(frozen=True)
class Cell:
    value: Value  # what the workbook stores
    text: str  # what a page shows
    numeric: bool = False
    percent: bool = False
    tenths: bool = False  # one decimal (an average, hours)
    url: str = ""  # the dashboard links a figure to the cases behind it


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    wide: bool = False  # printed on a landscape page
    note: str = ""  # a line under the table, e.g. how many rows were left out


def num(value: int) -> Cell:
    return Cell(value, formats.number_format(value, 0, force_grouping=True), numeric=True)


def rate(value: float | None) -> Cell:
    """A rate: the workbook stores the rounded fraction, shown with one decimal as the page
    and the PDF show it (reports.numbers)."""
    return Cell(workbook_rate(value), percent(value), numeric=True, percent=True)


def tenths(value: float | None) -> Cell:
    """An average or a duration, rounded half-up to one decimal everywhere."""
    return Cell(None if value is None else float(one_decimal(value)), decimal_text(value),
                numeric=True, tenths=True)


def text(value: str) -> Cell:
    return Cell(value, value)


def local_time(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def summary_items(s: Summary) -> list[tuple[str, Cell]]:
    """The headline figures in the order the report reads them."""
    return [
        (_("Received"), num(s.received)),
        (_("Rejected (Art. 6.5)"), num(s.rejected)),
        (_("Published replies"), num(s.published)),
        (_("Still open"), num(s.open)),
        (_("Handled by units"), num(s.handled)),
        (_("Handled on time"), num(s.on_time)),
        (_("Handled late"), num(s.late)),
        (_("Extended"), num(s.extended)),
        (_("On-time rate"), rate(s.on_time_rate)),
        (_("Overdue now"), num(s.overdue_now)),
        (_("Returned by units (Art. 8.2b)"), num(s.returned)),
        (_("Redistributed (Art. 10.4)"), num(s.redistributed)),
        (_("Revision requests (Art. 10.4)"), num(s.revisions)),
        (_("Reprocessed after an unsatisfied rating"), num(s.reprocessed)),
        (_("Satisfied"), num(s.satisfied)),
        (_("Accepted"), num(s.accepted)),
        (_("Unsatisfied"), num(s.unsatisfied)),
        (_("Satisfaction rate"), rate(s.satisfaction_rate)),
    ]


def _breakdown(key: str, title: str, head: str, rows: list[Row], total: int) -> Table:
    return Table(
        key=key, title=title, headers=[head, _("Cases"), _("Share")],
        rows=[
            [text(r.label), num(r.count), rate(r.count / total if total else None)]
            for r in rows
        ],
    )


def stage_table(stages: list[StageTime]) -> Table:
    """Average working hours per stage; a capped stage says it read a sample only."""
    rows = []
    for s in stages:
        label = s.label
        if s.capped:
            label = _("%(stage)s (latest %(count)s only)") % {
                "stage": s.label, "count": formats.number_format(s.count, 0, force_grouping=True)
            }
        hours = None if s.average_minutes is None else s.average_minutes / 60
        rows.append([text(label), num(s.count), tenths(hours)])
    return Table(key="stages", title=_("Average working time per stage"),
                 headers=[_("Stage"), _("Cases"), _("Working hours")], rows=rows)


def report_tables(report: Report) -> list[Table]:
    rec = report.received
    units = Table(
        key="units",
        title=_("Unit ranking by on-time rate and satisfaction"),
        headers=[
            _("Rank"), _("Unit"), _("Received"), _("Handled"), _("On time"), _("Late"),
            _("Extended"), _("Open"), _("Overdue now"), _("Returned"), _("Redistributed"),
            _("Satisfied"), _("Accepted"), _("Unsatisfied"), _("On-time rate"),
            _("Satisfaction rate"),
        ],
        rows=[
            [
                num(u.rank), text(u.name), num(u.received), num(u.handled), num(u.on_time),
                num(u.late), num(u.extended), num(u.open), num(u.overdue_now),
                num(u.returned), num(u.redistributed), num(u.satisfied), num(u.accepted),
                num(u.unsatisfied), rate(u.on_time_rate), rate(u.satisfaction_rate),
            ]
            for u in report.units
        ],
        wide=True,
    )
    overdue = Table(
        key="overdue",
        title=_("Overdue now"),
        headers=[_("Case"), _("Title"), _("Unit"), _("Stage"), _("Due at"),
                 _("Working hours late")],
        rows=[
            [
                text(o.code), text(o.title), text(o.unit), text(o.stage),
                Cell(local_time(o.due_at), local_time(o.due_at)),
                tenths(o.working_hours_late),
            ]
            for o in report.overdue
        ],
    )
    return [
        _breakdown("channels", _("Received by channel"), _("Channel"), rec.by_channel,
                   rec.total),
        _breakdown("categories", _("Received by category"), _("Category"), rec.by_category,
                   rec.total),
        _breakdown("areas", _("Received by area"), _("Area"), rec.by_area, rec.total),
        _breakdown("units_received", _("Received by unit"), _("Unit"), rec.by_unit, rec.total),
        units,
        stage_table(report.stages),
        overdue,
    ]


def report_charts(report: Report, font_family: str = SANS, width: int = 640) -> list[SafeString]:
    rec = report.received
    return [
        bar_chart([Bar(r.label, (r.count,)) for r in rec.by_channel],
                  title=_("Received by channel"), font_family=font_family, width=width),
        bar_chart([Bar(r.label, (r.count,)) for r in rec.by_category[:12]],
                  title=_("Received by category"), font_family=font_family, width=width),
        bar_chart(
            [Bar(u.name, (u.on_time, u.late)) for u in report.units if u.handled][:15],
            title=_("Handled on time and late, by unit"),
            series=[_("On time"), _("Late")], font_family=font_family, width=width,
        ),
        bar_chart(
            [Bar(label, (value,)) for label, value in (
                (_("Satisfied"), report.summary.satisfied),
                (_("Accepted"), report.summary.accepted),
                (_("Unsatisfied"), report.summary.unsatisfied),
            )],
            title=_("Ratings"), font_family=font_family, width=width,
        ),
    ]
