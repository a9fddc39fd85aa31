"""When the periodic reports of Art. 13.7 fall due, and which days each one covers.

Art. 13.7 sets the due dates only: the monthly report before the 20th of every month, the
quarterly one before the 20th of the quarter's last month, the yearly one before 20
December. It says nothing of the days a report covers, so the national rule for the periodic
reports of state administrative bodies applies (Decree 09/2019/NĐ-CP, Art. 12, "thời gian
chốt số liệu"): a month runs from the 15th of the month before to the 14th of the month
reported on; a quarter from the 15th of the month before the quarter to the 14th of its last
month; a year from 15 December of the year before to 14 December. The figures are therefore
complete a few days before each due date, which the 20th leaves room for.

Read literally, "hàng tháng" is every month: in a quarter's last month a monthly and a
quarterly report are both due, and in December the yearly one too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings

from workflow.worktime import get_calendar

from .statistics import Period

DUE_DAY = 20  # "trước ngày 20": the report reaches the province before this day
QUARTER_LAST_MONTHS = (3, 6, 9, 12)
# A working calendar with no working day in this many days is misconfigured.
_MAX_LOOKBACK_DAYS = 120


# The periods themselves are Period's, so the dashboard, the command and the drafts count
# the same days.
def monthly_period(year: int, month: int) -> Period:
    """The monthly report of `month`: the 15th of the month before to the 14th of `month`."""
    return Period.reporting_month(year, month)


def quarterly_period(year: int, quarter: int) -> Period:
    """From the 15th of the month before the quarter to the 14th of its last month."""
    return Period.reporting_quarter(year, quarter)


def yearly_period(year: int) -> Period:
    """From 15 December of the year before to 14 December of `year`."""
    return Period.reporting_year(year)


@dataclass(frozen=True)
class DueReport:
    """One periodic report: what it covers, when it is due, and when its draft is made."""

    period: Period
    due_on: date
    prepare_on: date

    @property
    def kind(self) -> str:
        return self.period.kind


def lead_working_days() -> int:
    return int(getattr(settings, "REPORT_DRAFT_LEAD_WORKING_DAYS", 5))


def working_days_before(day: date, count: int) -> date:
    """The `count`-th working day before `day` (`day` itself not counted)."""
    calendar = get_calendar()
    found, cursor = 0, day
    while found < count:
        cursor -= timedelta(days=1)
        if (day - cursor).days > _MAX_LOOKBACK_DAYS:
            raise ValueError(f"no working day in the calendar before {day}")
        if calendar.is_working_day(cursor):
            found += 1
    return cursor


def reports_due_in(year: int, month: int) -> list[DueReport]:
    """The reports due before the 20th of `month`: monthly, then quarterly, then yearly."""
    due_on = date(year, month, DUE_DAY)
    prepare_on = working_days_before(due_on, lead_working_days())
    periods = [monthly_period(year, month)]
    if month in QUARTER_LAST_MONTHS:
        periods.append(quarterly_period(year, month // 3))
    if month == 12:
        periods.append(yearly_period(year))
    return [DueReport(period=p, due_on=due_on, prepare_on=prepare_on) for p in periods]


def reports_to_prepare(today: date) -> list[DueReport]:
    """The reports whose draft should exist on `today`: due this month or next, and within
    their lead time. A report already past its due date this month still counts, so a beat
    that was down catches up."""
    ny, nm = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    candidates = reports_due_in(today.year, today.month) + reports_due_in(ny, nm)
    return [r for r in candidates if r.prepare_on <= today]
