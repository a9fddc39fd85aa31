"""The average working time of each stage of the cases, counted on the working calendar by
the database (workflow.worktime's SQL counterpart), one aggregate query per stage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from workflow.models import Assignment, Case, CaseEvent
from workflow.worktime import WorkingClock

from .figures import _handled, _sql
from .periods import Period, Scope


@dataclass(frozen=True)
class StageTime:
    """The average working time of one stage ended in the period, over `count` stages."""

    key: str
    label: str
    count: int
    average_minutes: float | None
    capped: bool = False  # only the latest `count` stages were read


# Working time is counted from at most this many years before the period: a stage that
# started earlier counts from 1 January of that year.
STAGE_HISTORY_YEARS = 10


def _stage_pairs(period: Period, scope: Scope,
                 sample: bool = False) -> list[tuple[str, str, QuerySet]]:
    """Per stage: key, label and a query of (start, end, key) rows, newest end first; a
    row without a start is no stage (`_stage_sql` skips it; a `sample` has none).

    Each reads the stages ended in the period through an index on their end."""
    first_dispatch = Subquery(
        CaseEvent.objects.filter(case=OuterRef("case"), kind=CaseEvent.Kind.DISPATCHED)
        .order_by("at", "pk").values("pk")[:1]
    )
    approved = Subquery(
        CaseEvent.objects.filter(
            case=OuterRef("pk"), kind=CaseEvent.Kind.MARK_APPROVED,
            at__lte=OuterRef("published_at"),
        ).order_by("-at").values("at")[:1]
    )
    cases = Case.objects.filter(scope.cases())
    assignments = Assignment.objects.filter(scope.assignments())
    # A case published without an approval mark has no publication stage: the stage query
    # skips rows without a start, so the subquery need not run twice, except for a sample.
    published = (
        cases.filter(period.lookup("published_at")).annotate(stage_start=approved)
        .values_list("stage_start", "published_at", "pk").order_by("-published_at", "-pk")
    )
    return [
        # A case's first dispatch, read from the period's dispatches (not from every case).
        ("intake", _("Intake (received to dispatched)"),
         CaseEvent.objects.filter(period.lookup("at"), scope.cases("case__"),
                                  kind=CaseEvent.Kind.DISPATCHED)
         .filter(pk=first_dispatch)
         .values_list("case__received_at", "at", "case_id").order_by("-at", "-case_id")),
        ("acceptance", _("Acceptance by the unit"),
         assignments.filter(period.lookup("accepted_at"))
         .values_list("assigned_at", "accepted_at", "pk").order_by("-accepted_at", "-pk")),
        ("handling", _("Handling (accepted to draft submitted)"),
         assignments.filter(period.lookup("submitted_at"), accepted_at__isnull=False)
         .values_list("accepted_at", "submitted_at", "pk").order_by("-submitted_at", "-pk")),
        ("approval", _("Approval by the unit leader"),
         _handled(period, scope).filter(submitted_at__isnull=False)
         .values_list("submitted_at", "approved_at", "pk").order_by("-approved_at", "-pk")),
        ("publication", _("Publication (approved to published)"),
         published.filter(stage_start__isnull=False) if sample else published),
    ]


def _stage_sql(clock: WorkingClock, pairs: QuerySet, limit: int | None) -> tuple[str, list]:
    """COUNT, SUM of working minutes and the number of rows there were, in one query."""
    inner, inner_params = _sql(pairs.order_by() if limit is None else pairs[: limit + 1])
    minutes, params = clock.minutes_sql(inner, inner_params)
    if limit is None:
        rows, kept = "", "TRUE"
    else:
        rows = ", ROW_NUMBER() OVER (ORDER BY w.end_at DESC, w.row_key DESC) AS n"
        kept = f"q.n <= {int(limit)}"
    # Only our own identifiers and numbers are formatted in; every value is a parameter.
    sql = (
        f"SELECT COUNT(*) FILTER (WHERE {kept}), SUM(q.minutes) FILTER (WHERE {kept}), "  # noqa: S608
        f"COUNT(*) FROM (SELECT w.minutes{rows} FROM ({minutes}) w) q"
    )
    return sql, params


def stage_times(period: Period, scope: Scope, limit: int | None = None) -> list[StageTime]:
    """Average working minutes of each stage that ended in the period: one aggregate query
    per stage, the working time of each stage counted on the working calendar by the
    database. With `limit`, only the latest `limit` stages of each kind are averaged."""
    # One day past the period: its midnight closes the period's last day.
    clock = WorkingClock.covering(date(period.start.year - STAGE_HISTORY_YEARS, 1, 1),
                                  period.end + timedelta(days=1))
    result = []
    with connection.cursor() as cursor:
        for key, label, pairs in _stage_pairs(period, scope, sample=limit is not None):
            cursor.execute(*_stage_sql(clock, pairs, limit))
            count, total, rows = cursor.fetchone()
            result.append(StageTime(
                key=key, label=label, count=count,
                average_minutes=int(total) / count if count else None,
                capped=limit is not None and rows > limit,
            ))
    return result
