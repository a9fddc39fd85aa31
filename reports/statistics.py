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
"""

from __future__ import annotations

import calendar as pycalendar
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from feedback.models import Rating
from routing.models import Area, Category, Unit
from workflow.models import Assignment, Case, CaseEvent, DeadlineAlert
from workflow.worktime import get_calendar, parse_working_hours

OVERDUE_LIST_LIMIT = 200


class PeriodError(ValueError):
    """A period text that names no month, quarter, year or range."""


# --- Period --------------------------------------------------------------------------------
# The last day a periodic report counts (Decree 09/2019/NĐ-CP, Art. 12, "thời gian chốt số
# liệu"): a reporting month runs from the 15th of the month before to the 14th.
CUTOFF_DAY = 14
CALENDAR = "calendar"
REPORTING = "reporting"
BASES = (REPORTING, CALENDAR)


def _month_before(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


@dataclass(frozen=True)
class Period:
    """Whole local days from ``start`` to ``end``, both included.

    A month, quarter or year is by default the reporting period of Decree 09/2019/NĐ-CP,
    Art. 12, named by its last day: "2026-10" is 15/09/2026–14/10/2026, "2026-Q1" is
    15/12/2025–14/03/2026, "2026" is 15/12/2025–14/12/2026. The calendar month, quarter or
    year ("calendar" basis) is there on request; a range is any days at all.
    """

    start: date
    end: date
    kind: str = "range"  # monthly, quarterly, yearly or range

    KINDS = ("monthly", "quarterly", "yearly", "range")

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise PeriodError(_("The period ends before it starts."))

    # The calendar's month, quarter and year.
    @classmethod
    def month(cls, year: int, month: int) -> Period:
        last = pycalendar.monthrange(year, month)[1]
        return cls(date(year, month, 1), date(year, month, last), "monthly")

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first = 3 * (quarter - 1) + 1
        last = pycalendar.monthrange(year, first + 2)[1]
        return cls(date(year, first, 1), date(year, first + 2, last), "quarterly")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31), "yearly")

    # The reporting periods of Decree 09/2019, Art. 12.
    @classmethod
    def reporting_month(cls, year: int, month: int) -> Period:
        """The 15th of the month before to the 14th of `month`."""
        py, pm = _month_before(year, month)
        return cls(date(py, pm, CUTOFF_DAY + 1), date(year, month, CUTOFF_DAY), "monthly")

    @classmethod
    def reporting_quarter(cls, year: int, quarter: int) -> Period:
        """The 15th of the month before the quarter to the 14th of its last month."""
        first = 3 * (quarter - 1) + 1
        py, pm = _month_before(year, first)
        return cls(date(py, pm, CUTOFF_DAY + 1), date(year, first + 2, CUTOFF_DAY),
                   "quarterly")

    @classmethod
    def reporting_year(cls, year: int) -> Period:
        """15 December of the year before to 14 December of `year`."""
        return cls(date(year - 1, 12, CUTOFF_DAY + 1), date(year, 12, CUTOFF_DAY), "yearly")

    @classmethod
    def reporting_month_of(cls, day: date) -> Period:
        """The reporting month `day` falls in: from the 15th on, the next month's."""
        if day.day <= CUTOFF_DAY:
            return cls.reporting_month(day.year, day.month)
        if day.month == 12:
            return cls.reporting_month(day.year + 1, 1)
        return cls.reporting_month(day.year, day.month + 1)

    @classmethod
    def parse(cls, text: str, *, calendar: bool = False) -> Period:
        """"2026-10", "2026-Q3", "2026", or "2026-01-05..2026-02-20" (a range). A month,
        quarter or year is the reporting period unless `calendar` is true."""
        text = (text or "").strip()
        month, quarter, year = ((cls.month, cls.quarter, cls.year) if calendar else
                                (cls.reporting_month, cls.reporting_quarter, cls.reporting_year))
        try:
            if m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
                number, month_number = int(m[1]), int(m[2])
                if not 1 <= month_number <= 12:
                    raise PeriodError(text)
                return month(number, month_number)
            if m := re.fullmatch(r"(\d{4})-[Qq]([1-4])", text):
                return quarter(int(m[1]), int(m[2]))
            if re.fullmatch(r"\d{4}", text):
                return year(int(text))
            if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\s*(?:\.\.|/|–)\s*(\d{4}-\d{2}-\d{2})", text):
                return cls(date.fromisoformat(m[1]), date.fromisoformat(m[2]), "range")
        except ValueError as exc:
            raise PeriodError(
                _("“%(text)s” is not a period like 2026-10, 2026-Q3, 2026 or "
                  "2026-01-01..2026-03-31.") % {"text": text}
            ) from exc
        raise PeriodError(
            _("“%(text)s” is not a period like 2026-10, 2026-Q3, 2026 or "
              "2026-01-01..2026-03-31.") % {"text": text}
        )

    @property
    def basis(self) -> str:
        """"reporting" or "calendar" for a month, quarter or year; "" for a range. Read
        from the days: a reporting period starts on the 15th, a calendar one on the 1st."""
        if self.kind == "range":
            return ""
        return CALENDAR if self.start.day == 1 else REPORTING

    @property
    def code(self) -> str:
        """The text `parse` reads back, with ``calendar=True`` for a calendar period. Named
        by the last day, as a reporting period starts in the month before."""
        if self.kind == "monthly":
            return f"{self.end:%Y-%m}"
        if self.kind == "quarterly":
            return f"{self.end.year}-Q{(self.end.month - 1) // 3 + 1}"
        if self.kind == "yearly":
            return str(self.end.year)
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def slug(self) -> str:
        """A file name's part: the code, with the calendar basis said."""
        code = self.code.replace("..", "_")
        return f"{code}-{CALENDAR}" if self.basis == CALENDAR else code

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """[first instant, first instant after) in the project's time zone."""
        tz = timezone.get_default_timezone()
        return (
            datetime.combine(self.start, time.min, tzinfo=tz),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=tz),
        )

    def lookup(self, field_name: str) -> Q:
        start, end = self.bounds
        return Q(**{f"{field_name}__gte": start, f"{field_name}__lt": end})


# --- Scope ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Scope:
    """The whole province, one handling unit, or one area with its sub-areas."""

    unit: Unit | None = None
    area: Area | None = None

    def __post_init__(self) -> None:
        if self.unit is not None and self.area is not None:
            raise ValueError("A scope is a unit or an area, not both.")

    @property
    def kind(self) -> str:
        return "unit" if self.unit else "area" if self.area else "province"

    def cases(self, via: str = "") -> Q:
        """Cases in scope; `via` is the path to the case ("case__" from an assignment)."""
        if self.unit is not None:
            held = Assignment.objects.filter(unit=self.unit).exclude(
                state=Assignment.State.RETURNED
            ).values("case_id")
            return Q(**{f"{via}pk__in": held})
        if self.area is not None:
            return (
                Q(**{f"{via}area": self.area})
                | Q(**{f"{via}area__parent": self.area})
                | Q(**{f"{via}area__parent__parent": self.area})
            )
        return Q()

    def assignments(self, via: str = "") -> Q:
        """Assignments in scope: the unit's own, or those on cases of the area."""
        if self.unit is not None:
            return Q(**{f"{via}unit": self.unit})
        if self.area is not None:
            return self.cases(f"{via}case__")
        return Q()


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


EVENT_RETURNED = "returned"
EVENT_REDISTRIBUTED = "sent_back_redistribution"
EVENT_REVISION = "sent_back_revision"
EVENT_REPROCESS = "sent_back_reprocess"


def _late_ids(period: Period) -> QuerySet[DeadlineAlert]:
    """The assignments `_late` says are late, as a set the database hashes once (an
    ``IN (…)`` instead of one probe of the ledger per handled assignment)."""
    return DeadlineAlert.objects.filter(
        kind=DeadlineAlert.Kind.OVERDUE, at__lt=period.bounds[1], assignment__isnull=False
    ).values("assignment_id")


SUMMARY_EVENTS = (EVENT_RETURNED, EVENT_REDISTRIBUTED, EVENT_REVISION, EVENT_REPROCESS)


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
        returned=Count("pk", filter=Q(kind=EVENT_RETURNED)),
        redistributed=Count("pk", filter=Q(kind=EVENT_REDISTRIBUTED)),
        revisions=Count("pk", filter=Q(kind=EVENT_REVISION)),
        reprocessed=Count("pk", filter=Q(kind=EVENT_REPROCESS)),
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
        Row(r["category__code"] or "", r["category__name"] or unclassified, r["n"])
        for r in cases.order_by().values("category__code", "category__name")
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
        period.lookup("at"), kind__in=(EVENT_RETURNED, EVENT_REDISTRIBUTED), unit__isnull=False
    )
    if scope.area is not None:
        events = events.filter(scope.cases("case__"))
    event_counts = events.order_by().values("unit_id").annotate(
        returned=Count("pk", filter=Q(kind=EVENT_RETURNED)),
        redistributed=Count("pk", filter=Q(kind=EVENT_REDISTRIBUTED)),
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


# --- Working time per stage ---------------------------------------------------------------
@dataclass(frozen=True)
class StageTime:
    """The average working time of one stage ended in the period, over `count` stages."""

    key: str
    label: str
    count: int
    average_minutes: float | None
    capped: bool = False  # only the latest `count` stages were read


EVENT_DISPATCHED = "dispatched"
EVENT_APPROVED = "mark_approved"
# Working time is counted from at most this many years before the period: a stage that
# started earlier counts from 1 January of that year.
STAGE_HISTORY_YEARS = 10


def _stage_pairs(period: Period, scope: Scope,
                 sample: bool = False) -> list[tuple[str, str, QuerySet]]:
    """Per stage: key, label and a query of (start, end, key) rows, newest end first; a
    row without a start is no stage (`_stage_sql` skips it; a `sample` has none).

    Each reads the stages ended in the period through an index on their end."""
    first_dispatch = Subquery(
        CaseEvent.objects.filter(case=OuterRef("case"), kind=EVENT_DISPATCHED)
        .order_by("at", "pk").values("pk")[:1]
    )
    approved = Subquery(
        CaseEvent.objects.filter(
            case=OuterRef("pk"), kind=EVENT_APPROVED, at__lte=OuterRef("published_at")
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
                                  kind=EVENT_DISPATCHED)
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


MICROSECONDS = 1_000_000


@dataclass(frozen=True)
class _WorkingClock:
    """The working calendar as the database reads it, in whole microseconds.

    W(t), the working time from local midnight of ``first`` to t, is the day's
    ``cumulative`` plus, on a working day, the working time of that day up to t's time of
    day. The working minutes from s to e are ``(W(e) - W(s)) // 60 s``, 0 when e <= s:
    exactly what ``WorkingCalendar.working_minutes_between`` counts, here for every row
    of a stage at once: the days (from the calendar) go to the database as two arrays."""

    first: date
    cumulative: list[int]  # working microseconds before each day from `first` on
    working: list[int]  # 1 for a working day
    blocks: tuple[tuple[int, int], ...]  # working hours, microseconds from midnight
    tz: str

    @classmethod
    def covering(cls, period: Period) -> _WorkingClock:
        working_calendar = get_calendar()
        blocks = tuple(
            (int(start.total_seconds()) * MICROSECONDS, int(end.total_seconds()) * MICROSECONDS)
            for start, end in parse_working_hours(settings.WORKING_HOURS)
        )
        day_length = sum(end - start for start, end in blocks)
        first = date(period.start.year - STAGE_HISTORY_YEARS, 1, 1)
        cumulative, working, total = [], [], 0
        day = first
        # One day past the period: its midnight closes the period's last day.
        while day <= period.end + timedelta(days=1):
            works = working_calendar.is_working_day(day)
            cumulative.append(total)
            working.append(int(works))
            total += day_length if works else 0
            day += timedelta(days=1)
        return cls(first, cumulative, working, blocks, working_calendar.tz.key)

    @property
    def last(self) -> date:
        return self.first + timedelta(days=len(self.cumulative) - 1)

    def local(self, column: str) -> str:
        """The moment in local time, kept inside the days covered (before: the first
        midnight; after: the last)."""
        return f"LEAST(GREATEST(({column} AT TIME ZONE %s), %s::timestamp), %s::timestamp)"

    def local_params(self) -> list:
        return [self.tz, self.first, self.last]

    def worked(self, since_midnight: str) -> str:
        """SQL: the working microseconds of a working day up to `since_midnight`."""
        return " + ".join(
            f"LEAST(GREATEST({since_midnight} - {start}, 0), {end - start})"
            for start, end in self.blocks
        )



def _stage_sql(clock: _WorkingClock, pairs: QuerySet, limit: int | None) -> tuple[str, list]:
    """COUNT, SUM of working minutes and the number of rows there were, in one query: each
    row's local start and end looked up in the day arrays by their day's index."""
    inner, inner_params = _sql(pairs.order_by() if limit is None else pairs[: limit + 1])
    minutes = (
        "GREATEST(((clock.cumulative[l.end_day] + clock.working[l.end_day] * "
        f"({clock.worked('l.end_us')})) - "
        "(clock.cumulative[l.start_day] + clock.working[l.start_day] * "
        f"({clock.worked('l.start_us')}))) / {60 * MICROSECONDS}, 0)"
    )
    if limit is None:
        rows, kept = "", "TRUE"
    else:
        rows = ", ROW_NUMBER() OVER (ORDER BY l.stage_end DESC, l.row_key DESC) AS n"
        kept = f"q.n <= {int(limit)}"
    since_midnight = "ROUND(date_part('epoch', {}::time) * 1000000)::bigint"
    # Only our own identifiers and numbers are formatted in; every value is a parameter.
    sql = (
        "WITH clock AS MATERIALIZED (SELECT %s::bigint[] AS cumulative, "  # noqa: S608
        "%s::int[] AS working) "
        f"SELECT COUNT(*) FILTER (WHERE {kept}), SUM(q.minutes) FILTER (WHERE {kept}), "
        "COUNT(*) "
        f"FROM (SELECT {minutes} AS minutes{rows} "
        "FROM (SELECT m.stage_start::date - %s::date + 1 AS start_day, "
        "m.stage_end::date - %s::date + 1 AS end_day, "
        f"{since_midnight.format('m.stage_start')} AS start_us, "
        f"{since_midnight.format('m.stage_end')} AS end_us, m.stage_end, m.row_key "
        f"FROM (SELECT {clock.local('p.stage_start')} AS stage_start, "
        f"{clock.local('p.stage_end')} AS stage_end, p.row_key "
        f"FROM ({inner}) p (stage_start, stage_end, row_key) "
        "WHERE p.stage_start IS NOT NULL OFFSET 0) m) l "
        "CROSS JOIN clock) q"
    )
    return sql, [clock.cumulative, clock.working, clock.first, clock.first,
                 *clock.local_params(), *clock.local_params(), *inner_params]


def stage_times(period: Period, scope: Scope, limit: int | None = None) -> list[StageTime]:
    """Average working minutes of each stage that ended in the period: one aggregate query
    per stage, the working time of each stage counted on the working calendar by the
    database. With `limit`, only the latest `limit` stages of each kind are averaged."""
    if connection.vendor != "postgresql":
        return _stage_times_in_python(period, scope, limit)
    clock = _WorkingClock.covering(period)
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


def _stage_times_in_python(period: Period, scope: Scope,
                           limit: int | None) -> list[StageTime]:
    """The same averages on the first run's SQLite (a demo's few hundred cases): the rows
    read, the working time counted by the calendar in Python."""
    from workflow.worktime import get_calendar

    working_calendar = get_calendar()
    result = []
    for key, label, pairs in _stage_pairs(period, scope, sample=limit is not None):
        rows = [(start, end) for start, end, _key in
                (pairs if limit is None else pairs[: limit + 1]) if start is not None]
        kept = rows if limit is None else rows[:limit]
        total = sum(max(working_calendar.working_minutes_between(start, end), 0)
                    for start, end in kept)
        result.append(StageTime(
            key=key, label=label, count=len(kept),
            average_minutes=total / len(kept) if kept else None,
            capped=limit is not None and len(rows) > limit,
        ))
    return result


@dataclass(frozen=True)
class Report:
    """Everything a periodic report shows, read once."""

    period: Period
    scope: Scope
    generated_at: datetime
    summary: Summary
    received: Received
    units: list[UnitRow]
    overdue: list[OverdueRow]
    stages: list[StageTime] = field(default_factory=list)


def build_report(period: Period, scope: Scope, now: datetime) -> Report:
    return Report(
        period=period, scope=scope, generated_at=now,
        summary=summary(period, scope),
        received=received(period, scope),
        units=unit_ranking(period, scope),
        overdue=overdue_now(scope, now),
        stages=stage_times(period, scope),
    )


def scope_label(scope: Scope) -> str:
    if scope.unit is not None:
        return scope.unit.name
    if scope.area is not None:
        return scope.area.name
    return _("The whole province")


PERIOD_KIND_LABELS = {
    "monthly": gettext_lazy("Monthly"),
    "quarterly": gettext_lazy("Quarterly"),
    "yearly": gettext_lazy("Yearly"),
    "range": gettext_lazy("Any period"),
}

__all__ = [
    "Area", "Category", "OverdueRow", "Period", "PeriodError", "Received", "Report", "Row",
    "Scope", "StageTime", "Summary", "UnitRow", "build_report", "overdue_now", "received",
    "stage_times", "summary", "unit_ranking",
]
