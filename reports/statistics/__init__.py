"""The statistics of the periodic reports (Art. 13.7, 14, 15), computed by the database.

Every figure is a COUNT with a filter, a conditional aggregate or a correlated subquery, so
a report over a year of cases costs the same handful of queries as one over three cases.
Python only walks the grouped rows (a channel, a unit), never the cases.

Definitions, in the words the report uses:

- *received*: cases whose ``received_at`` falls in the period (rejected ones included, and
  counted apart);
- *handled*: a unit's assignments approved by its leader in the period;
- *late*: a handled assignment with an overdue mark charged to it before the period's end
  (the sweep's lateness ledger, ``DeadlineAlert`` of kind overdue); *on time* is the rest;
- *extended*: a handled assignment whose unit asked for an extension (Art. 8.2a); an
  extended assignment is also on time or late;
- *open*: cases received before the period's end that are not yet closed;
- *overdue now*: assignments marked overdue and still with the unit;
- *returned* and *redistributed*: the events of the period (Art. 8.2b, 10.4);
- *satisfaction*: satisfied plus accepted ratings over all ratings of the period (Art. 11.3).

The package by subject: ``periods`` (Period, Scope and their parsing), ``figures`` (the
summary, the cases received, the unit ranking, the overdue list), ``stages`` (working time
per stage), ``report`` (all of it read once) and ``public`` (the public page's figures,
kept in the cache).
"""

from .figures import (
    OVERDUE_LIST_LIMIT,
    OverdueRow,
    Received,
    Row,
    Summary,
    UnitRow,
    overdue_now,
    received,
    summary,
    unit_ranking,
)
from .periods import (
    BASES,
    CALENDAR,
    PERIOD_KIND_LABELS,
    REPORTING,
    Period,
    PeriodError,
    Scope,
    scope_label,
)
from .report import Report, build_report
from .stages import StageTime, stage_times

__all__ = [
    "BASES", "CALENDAR", "OVERDUE_LIST_LIMIT", "PERIOD_KIND_LABELS", "REPORTING", "OverdueRow",
    "Period", "PeriodError", "Received", "Report", "Row", "Scope", "StageTime", "Summary",
    "UnitRow", "build_report", "overdue_now", "received", "scope_label", "stage_times",
    "summary", "unit_ranking",
]
