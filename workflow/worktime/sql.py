"""The working calendar's SQL counterpart: working minutes counted by the database.

``WorkingCalendar.working_minutes_between`` counts one pair of instants in Python. A report
averages the working time of thousands of stages, so the database counts them instead, in
one query, from the same calendar: the days it covers go to the query as two arrays.

W(t), the working time from local midnight of ``first`` to t, is the day's ``cumulative``
plus, on a working day, the working time of that day up to t's time of day. The working
minutes from s to e are ``(W(e) - W(s)) // 60 s``, 0 when e <= s: exactly what the Python
calendar counts (tests/workflow/test_worktime_sql.py holds the two side by side).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection

from .calendar import WorkingCalendar
from .shared import get_calendar

MICROSECONDS = 1_000_000
MINUTE = 60 * MICROSECONDS


@dataclass(frozen=True)
class WorkingClock:
    """The working calendar of the days from ``first`` to ``last``, in whole microseconds.

    A moment before ``first`` counts as its midnight, one after ``last`` as last's midnight:
    cover every day the counted instants fall on."""

    first: date
    cumulative: list[int]  # working microseconds before each day from `first` on
    working: list[int]  # 1 for a working day
    blocks: tuple[tuple[int, int], ...]  # working hours, microseconds from midnight
    tz: str

    @classmethod
    def covering(cls, first: date, last: date,
                 calendar: WorkingCalendar | None = None) -> WorkingClock:
        """The clock of `calendar` (the shared one by default) from `first` to `last`."""
        calendar = calendar or get_calendar()
        blocks = tuple(
            (int(start.total_seconds()) * MICROSECONDS, int(end.total_seconds()) * MICROSECONDS)
            for start, end in calendar.blocks
        )
        day_length = sum(end - start for start, end in blocks)
        cumulative, working, total = [], [], 0
        day = first
        while day <= last:
            works = calendar.is_working_day(day)
            cumulative.append(total)
            working.append(int(works))
            total += day_length if works else 0
            day += timedelta(days=1)
        return cls(first, cumulative, working, blocks, calendar.tz.key)

    @property
    def last(self) -> date:
        return self.first + timedelta(days=len(self.cumulative) - 1)

    def _local(self, column: str) -> str:
        """The moment in local time, kept inside the days covered."""
        return f"LEAST(GREATEST(({column} AT TIME ZONE %s), %s::timestamp), %s::timestamp)"

    def _local_params(self) -> list:
        return [self.tz, self.first, self.last]

    def _worked(self, since_midnight: str) -> str:
        """SQL: the working microseconds of a working day up to `since_midnight`."""
        return " + ".join(
            f"LEAST(GREATEST({since_midnight} - {start}, 0), {end - start})"
            for start, end in self.blocks
        )

    def minutes_sql(self, rows_sql: str, rows_params: Sequence) -> tuple[str, list]:
        """A query of ``(minutes, end_at, row_key)``: the working minutes of each row of
        `rows_sql`, a query of ``(start, end, key)`` rows; a row without a start is skipped.
        ``end_at`` is the end in local time, to order by.

        Each row's local start and end are looked up in the day arrays by their day's index."""
        minutes = (
            "GREATEST(((clock.cumulative[l.end_day] + clock.working[l.end_day] * "
            f"({self._worked('l.end_us')})) - "
            "(clock.cumulative[l.start_day] + clock.working[l.start_day] * "
            f"({self._worked('l.start_us')}))) / {MINUTE}, 0)"
        )
        since_midnight = "ROUND(date_part('epoch', {}::time) * 1000000)::bigint"
        # Only our own identifiers and numbers are formatted in; every value is a parameter.
        sql = (
            "WITH clock AS MATERIALIZED (SELECT %s::bigint[] AS cumulative, "  # noqa: S608
            "%s::int[] AS working) "
            f"SELECT {minutes} AS minutes, l.end_at, l.row_key "
            "FROM (SELECT m.start_at::date - %s::date + 1 AS start_day, "
            "m.end_at::date - %s::date + 1 AS end_day, "
            f"{since_midnight.format('m.start_at')} AS start_us, "
            f"{since_midnight.format('m.end_at')} AS end_us, m.end_at, m.row_key "
            f"FROM (SELECT {self._local('p.start_at')} AS start_at, "
            f"{self._local('p.end_at')} AS end_at, p.row_key "
            f"FROM ({rows_sql}) p (start_at, end_at, row_key) "
            "WHERE p.start_at IS NOT NULL OFFSET 0) m) l "
            "CROSS JOIN clock"
        )
        return sql, [self.cumulative, self.working, self.first, self.first,
                     *self._local_params(), *self._local_params(), *rows_params]

    def working_minutes(self, pairs: Sequence[tuple[datetime, datetime]]) -> list[int]:
        """The working minutes from each start to its end, counted by the database at once."""
        if not pairs:
            return []
        rows = "SELECT * FROM unnest(%s::timestamptz[], %s::timestamptz[], %s::int[])"
        sql, params = self.minutes_sql(rows, [[start for start, _end in pairs],
                                              [end for _start, end in pairs],
                                              list(range(len(pairs)))])
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT w.minutes FROM ({sql}) w ORDER BY w.row_key", params)  # noqa: S608
            return [int(minutes) for (minutes,) in cursor.fetchall()]
