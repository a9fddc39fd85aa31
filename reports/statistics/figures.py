"""The figures of a periodic report: the headline summary, the cases received by group, the
units' ranking and the list of work overdue now, each a handful of aggregate queries
(see the package's docstring for what each figure counts)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from feedback.models import Rating
from routing.models import Unit, category_label
from workflow.models import Assignment, Case, CaseEvent, DeadlineAlert
from workflow.worktime import get_calendar

from .periods import Period, Scope

OVERDUE_LIST_LIMIT = 200


# --- Result rows ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Row:
    """One group of a breakdown: a channel, a category, an area or a unit."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class Summary:
    received: int = 0
    rejected: int = 0
    published: int = 0
    open: int = 0
    handled: int = 0
    on_time: int = 0
    late: int = 0
    extended: int = 0
    overdue_now: int = 0
    returned: int = 0
    redistributed: int = 0
    revisions: int = 0
    reprocessed: int = 0
    satisfied: int = 0
    accepted: int = 0
    unsatisfied: int = 0

    @property
    def rated(self) -> int:
        return self.satisfied + self.accepted + self.unsatisfied

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.handled if self.handled else None

    @property
    def satisfaction_rate(self) -> float | None:
        return (self.satisfied + self.accepted) / self.rated if self.rated else None


@dataclass(frozen=True)
class UnitRow:
    rank: int
    unit_id: int
    code: str
    name: str
    received: int
    handled: int
    on_time: int
    late: int
    extended: int
    open: int
    overdue_now: int
    returned: int
    redistributed: int
    satisfied: int
    accepted: int
    unsatisfied: int
    on_time_rate: float | None
    satisfaction_rate: float | None


@dataclass(frozen=True)
class OverdueRow:
    assignment_id: int
    case_id: int
    code: str
    title: str
    unit: str
    stage: str
    due_at: datetime
    working_hours_late: float


@dataclass(frozen=True)
class Received:
    total: int
    by_channel: list[Row] = field(default_factory=list)
    by_category: list[Row] = field(default_factory=list)
    by_area: list[Row] = field(default_factory=list)
    by_unit: list[Row] = field(default_factory=list)


# --- Queries -------------------------------------------------------------------------------
def _late(period: Period) -> Exists:
    """The assignment carries an overdue mark of the sweep from before the period's end."""
    return Exists(
        DeadlineAlert.objects.filter(
            assignment=OuterRef("pk"), kind=DeadlineAlert.Kind.OVERDUE,
            at__lt=period.bounds[1],
        )
    )


def _handled(period: Period, scope: Scope) -> QuerySet[Assignment]:
    return Assignment.objects.filter(
        period.lookup("approved_at"), scope.assignments(), state=Assignment.State.APPROVED
    )


def _events(period: Period, scope: Scope) -> QuerySet[CaseEvent]:
    q = period.lookup("at")
    if scope.unit is not None:
        q &= Q(unit=scope.unit)
    elif scope.area is not None:
        q &= scope.cases("case__")
    return CaseEvent.objects.filter(q)


def _late_ids(period: Period) -> QuerySet[DeadlineAlert]:
    """The assignments `_late` says are late, as a set the database hashes once (an
    ``IN (…)`` instead of one probe of the ledger per handled assignment)."""
    return DeadlineAlert.objects.filter(
        kind=DeadlineAlert.Kind.OVERDUE, at__lt=period.bounds[1], assignment__isnull=False
    ).values("assignment_id")


SUMMARY_EVENTS = (CaseEvent.Kind.RETURNED, CaseEvent.Kind.SENT_BACK_REDISTRIBUTION,
                  CaseEvent.Kind.SENT_BACK_REVISION, CaseEvent.Kind.SENT_BACK_REPROCESS)


def summary(period: Period, scope: Scope) -> Summary:
    """The report's headline figures, in five aggregate queries.

    Each query reads only the rows its counts can see, through an index: the cases
    received or published in the period or still open, the assignments approved in it,
    the events of the kinds counted."""
    end = period.bounds[1]
    in_period = period.lookup("received_at")
    published = period.lookup("published_at")
    still_open = Q(received_at__lt=end, state__in=Case.OPEN_STATES)
    cases = Case.objects.filter(scope.cases()).filter(in_period | published | still_open).aggregate(
        received=Count("pk", filter=in_period),
        rejected=Count("pk", filter=in_period & Q(state=Case.State.REJECTED)),
        published=Count("pk", filter=published),
        open=Count("pk", filter=still_open),
    )
    handled = _handled(period, scope).aggregate(
        handled=Count("pk"),
        late=Count("pk", filter=Q(pk__in=_late_ids(period))),
        extended=Count("pk", filter=Q(is_extended=True)),
    )
    overdue_now = Assignment.objects.filter(
        scope.assignments(), state__in=Assignment.UNIT_WORK_STATES, overdue_at__isnull=False
    ).count()
    events = _events(period, scope).filter(kind__in=SUMMARY_EVENTS).aggregate(
        returned=Count("pk", filter=Q(kind=CaseEvent.Kind.RETURNED)),
        redistributed=Count("pk", filter=Q(kind=CaseEvent.Kind.SENT_BACK_REDISTRIBUTION)),
        revisions=Count("pk", filter=Q(kind=CaseEvent.Kind.SENT_BACK_REVISION)),
        reprocessed=Count("pk", filter=Q(kind=CaseEvent.Kind.SENT_BACK_REPROCESS)),
    )
    ratings = Rating.objects.filter(period.lookup("created_at"), scope.cases("case__")).aggregate(
        satisfied=Count("pk", filter=Q(value=Rating.Value.SATISFIED)),
        accepted=Count("pk", filter=Q(value=Rating.Value.ACCEPTED)),
        unsatisfied=Count("pk", filter=Q(value=Rating.Value.UNSATISFIED)),
    )
    return Summary(
        **cases,
        handled=handled["handled"],
        on_time=handled["handled"] - handled["late"],
        late=handled["late"],
        extended=handled["extended"],
        overdue_now=overdue_now,
        **events,
        **ratings,
    )


def received(period: Period, scope: Scope) -> Received:
    """Cases received in the period by channel, category, area and unit (4 queries + 1)."""
    cases = Case.objects.filter(scope.cases(), period.lookup("received_at"))
    channels = dict(Case.Channel.choices)
    by_channel = [
        Row(r["channel"], str(channels.get(r["channel"], r["channel"])), r["n"])
        for r in cases.order_by().values("channel").annotate(n=Count("pk"))
        .order_by("-n", "channel")
    ]
    unclassified = _("Not classified")
    by_category = [
        Row(r["category__code"] or "",
            category_label(r["category__name"], r["category__name_en"]) if r["category__code"]
            else unclassified, r["n"])
        for r in cases.order_by().values("category__code", "category__name", "category__name_en")
        .annotate(n=Count("pk")).order_by("-n", "category__name")
    ]
    by_area = [
        Row(r["area__code"] or "", r["area__name"] or _("No area given"), r["n"])
        for r in cases.order_by().values("area__code", "area__name")
        .annotate(n=Count("pk")).order_by("-n", "area__name")
    ]
    by_unit = [
        Row(r["unit__code"], r["unit__name"], r["n"])
        for r in Assignment.objects.filter(scope.assignments(), period.lookup("case__received_at"))
        .exclude(state=Assignment.State.RETURNED)
        .order_by().values("unit__code", "unit__name")
        # A unit holds a case at most once (assignment_one_active_per_unit): no DISTINCT.
        .annotate(n=Count("case")).order_by("-n", "unit__name")
    ]
    return Received(total=cases.count(), by_channel=by_channel, by_category=by_category,
                    by_area=by_area, by_unit=by_unit)


def _sql(qs: QuerySet) -> tuple[str, tuple]:
    """A queryset's SQL and parameters, to join as a derived table."""
    sql, params = qs.query.get_compiler(using=qs.db).as_sql()
    return sql, tuple(params)


# The unit ranking's figures: each one the column of a grouped derived table (by unit_id).
UNIT_FIGURES = (
    "received", "handled", "late", "extended", "open", "overdue_now", "returned",
    "redistributed", "satisfied", "accepted", "unsatisfied",
)


def _unit_groups(period: Period, scope: Scope) -> list[QuerySet]:
    """Four grouped aggregates, one row per unit: its assignments, the cases it received,
    the events charged to it and the ratings of the cases it held. Each reads only the
    period's rows (or the open work) through an index, once for every unit together."""
    start, end = period.bounds
    mine = Assignment.objects.filter(scope.assignments())
    handled = period.lookup("approved_at") & Q(state=Assignment.State.APPROVED)
    at_work = Q(state__in=Assignment.UNIT_WORK_STATES)
    assignments = (
        mine.filter(handled | at_work).order_by().values("unit_id").annotate(
            handled=Count("pk", filter=handled),
            late=Count("pk", filter=handled & Q(pk__in=_late_ids(period))),
            extended=Count("pk", filter=handled & Q(is_extended=True)),
            open=Count("pk", filter=at_work & Q(assigned_at__lt=end)),
            overdue_now=Count("pk", filter=at_work & Q(overdue_at__isnull=False)),
        )
    )
    # A unit holds a case at most once (assignment_one_active_per_unit): no DISTINCT needed.
    held = mine.exclude(state=Assignment.State.RETURNED)
    received_cases = (
        held.filter(period.lookup("case__received_at")).order_by().values("unit_id")
        .annotate(received=Count("case_id"))
    )
    events = CaseEvent.objects.filter(
        period.lookup("at"),
        kind__in=(CaseEvent.Kind.RETURNED, CaseEvent.Kind.SENT_BACK_REDISTRIBUTION),
        unit__isnull=False,
    )
    if scope.area is not None:
        events = events.filter(scope.cases("case__"))
    event_counts = events.order_by().values("unit_id").annotate(
        returned=Count("pk", filter=Q(kind=CaseEvent.Kind.RETURNED)),
        redistributed=Count("pk", filter=Q(kind=CaseEvent.Kind.SENT_BACK_REDISTRIBUTION)),
    )
    # A rating counts for every unit that held the case (one join: same filter call).
    ratings = (
        held.filter(period.lookup("case__ratings__created_at"),
                    case__ratings__value__in=Rating.Value.values)
        .order_by().values("unit_id").annotate(**{
            name: Count("case__ratings", filter=Q(case__ratings__value=value))
            for name, value in (("satisfied", Rating.Value.SATISFIED),
                                ("accepted", Rating.Value.ACCEPTED),
                                ("unsatisfied", Rating.Value.UNSATISFIED))
        })
    )
    return [assignments, received_cases, event_counts, ratings]


def unit_ranking(period: Period, scope: Scope) -> list[UnitRow]:
    """Every unit's figures in one query, best on-time rate first, then best satisfaction
    (Art. 14–15). Units with no handled case rank after the rest, by name.

    The units are joined to four grouped aggregates (``_unit_groups``), so the query reads
    the period's rows once for all units instead of once per unit and figure."""
    groups = _unit_groups(period, scope)
    column = {}  # figure -> the derived table's alias that holds it
    joins, params = [], []
    for n, qs in enumerate(groups):
        alias = f"g{n}"
        for name in qs.query.annotations:
            column[name] = alias
        sql, group_params = _sql(qs)
        joins.append(f'LEFT JOIN ({sql}) {alias} ON {alias}."unit_id" = u."id"')
        params.extend(group_params)
    figure = {name: f'COALESCE({column[name]}."{name}", 0)' for name in UNIT_FIGURES}
    on_time = f"({figure['handled']} - {figure['late']})"
    good = f"({figure['satisfied']} + {figure['accepted']})"
    # CAST, not ::, so that the first run's SQLite reads the same query.
    on_time_rate = (f"CAST({on_time} AS DOUBLE PRECISION) / "
                    f"NULLIF(CAST({figure['handled']} AS DOUBLE PRECISION), 0.0)")
    satisfaction_rate = (
        f"CAST({good} AS DOUBLE PRECISION) / "
        f"NULLIF(CAST(({good} + {figure['unsatisfied']}) AS DOUBLE PRECISION), 0.0)"
    )
    if scope.unit is not None:
        where, where_params = 'u."id" = %s', [scope.unit.pk]
    else:
        # Inactive units and, in an area, units with nothing there drop out.
        activity = " OR ".join(
            f"{figure[name]} > 0" for name in ("received", "handled", "open", "returned")
        )
        where = activity if scope.area is not None else f'{activity} OR u."is_active"'
        where_params = []
    # Only our own identifiers are formatted in; every value is a parameter.
    select = ", ".join(figure[name] for name in UNIT_FIGURES[:3])
    rest = ", ".join(figure[name] for name in UNIT_FIGURES[3:])
    sql = (
        f'SELECT u."id", u."code", u."name", {select}, {on_time}, {rest}, '  # noqa: S608
        f"{on_time_rate} AS on_time_rate, {satisfaction_rate} AS satisfaction_rate "
        f'FROM {Unit._meta.db_table} u {" ".join(joins)} '
        f"WHERE {where} "
        f'ORDER BY on_time_rate DESC NULLS LAST, satisfaction_rate DESC NULLS LAST, u."name"'
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *where_params])
        rows = cursor.fetchall()
    result = []
    for rank, (pk, code, name, received_, handled, late, on_time, extended, open_,
               overdue, returned, redistributed, satisfied, accepted, unsatisfied,
               on_time_rate, satisfaction_rate) in enumerate(rows, start=1):
        result.append(UnitRow(
            rank=rank, unit_id=pk, code=code, name=name, received=received_,
            handled=handled, on_time=on_time, late=late, extended=extended, open=open_,
            overdue_now=overdue, returned=returned, redistributed=redistributed,
            satisfied=satisfied, accepted=accepted, unsatisfied=unsatisfied,
            on_time_rate=on_time_rate, satisfaction_rate=satisfaction_rate,
        ))
    return result


def overdue_now(scope: Scope, now: datetime, limit: int = OVERDUE_LIST_LIMIT) -> list[OverdueRow]:
    """Assignments past their deadline and still with the unit, the longest late first.

    One query; working hours late are counted on the working calendar for at most `limit`
    rows. A state secret's title is not shown (Art. 10.3c)."""
    rows = (
        Assignment.objects.filter(
            scope.assignments(), state__in=Assignment.UNIT_WORK_STATES, overdue_at__isnull=False
        )
        .select_related("case", "unit")
        .only("state", "due_at", "case__tracking_code", "case__title", "case__is_state_secret",
              "unit__name")
        .order_by(F("due_at").asc(nulls_last=True), "pk")[:limit]
    )
    working_calendar = get_calendar()
    hidden = _("(state secret)")
    return [
        OverdueRow(
            assignment_id=a.pk,
            case_id=a.case.pk,
            code=a.case.display_code,
            title=hidden if a.case.is_state_secret else a.case.title,
            unit=a.unit.name,
            stage=str(a.get_state_display()),
            due_at=a.due_at,
            working_hours_late=round(
                working_calendar.working_minutes_between(a.due_at, now) / 60, 1
            ) if a.due_at else 0.0,
        )
        for a in rows
    ]


