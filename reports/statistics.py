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

from django.db.models import (
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from feedback.models import Rating
from routing.models import Area, Category, Unit
from workflow.models import Assignment, Case, CaseEvent, DeadlineAlert
from workflow.worktime import get_calendar

OVERDUE_LIST_LIMIT = 200
# Working time is counted on the calendar in Python: at most this many pairs per stage.
STAGE_SAMPLE_LIMIT = 20_000


class PeriodError(ValueError):
    """A period text that names no month, quarter, year or range."""


# --- Period --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    """Whole local days from ``start`` to ``end``, both included."""

    start: date
    end: date
    kind: str = "range"  # monthly, quarterly, yearly or range

    KINDS = ("monthly", "quarterly", "yearly", "range")

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise PeriodError(_("The period ends before it starts."))

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

    @classmethod
    def parse(cls, text: str) -> Period:
        """"2026-10", "2026-Q3", "2026", or "2026-01-05..2026-02-20" (a range)."""
        text = (text or "").strip()
        try:
            if m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
                year, month = int(m[1]), int(m[2])
                if not 1 <= month <= 12:
                    raise PeriodError(text)
                return cls.month(year, month)
            if m := re.fullmatch(r"(\d{4})-[Qq]([1-4])", text):
                return cls.quarter(int(m[1]), int(m[2]))
            if re.fullmatch(r"\d{4}", text):
                return cls.year(int(text))
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
    def code(self) -> str:
        """The text `parse` reads back."""
        if self.kind == "monthly":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarterly":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "yearly":
            return str(self.start.year)
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

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


def summary(period: Period, scope: Scope) -> Summary:
    """The report's headline figures, in four aggregate queries."""
    end = period.bounds[1]
    in_period = period.lookup("received_at")
    cases = Case.objects.filter(scope.cases()).aggregate(
        received=Count("pk", filter=in_period),
        rejected=Count("pk", filter=in_period & Q(state=Case.State.REJECTED)),
        published=Count("pk", filter=period.lookup("published_at")),
        open=Count("pk", filter=Q(received_at__lt=end, state__in=Case.OPEN_STATES)),
    )
    handled = _handled(period, scope).annotate(is_late=_late(period)).aggregate(
        handled=Count("pk"),
        late=Count("pk", filter=Q(is_late=True)),
        extended=Count("pk", filter=Q(is_extended=True)),
    )
    overdue_now = Assignment.objects.filter(
        scope.assignments(), state__in=Assignment.UNIT_WORK_STATES, overdue_at__isnull=False
    ).count()
    events = _events(period, scope).aggregate(
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
        .annotate(n=Count("case", distinct=True)).order_by("-n", "unit__name")
    ]
    return Received(total=cases.count(), by_channel=by_channel, by_category=by_category,
                    by_area=by_area, by_unit=by_unit)


def _count(qs: QuerySet, group: str = "unit", counted: str = "pk",
           distinct: bool = False) -> Coalesce:
    """A correlated COUNT of `qs` per unit, 0 when there is no row."""
    return Coalesce(
        Subquery(
            qs.filter(**{group: OuterRef("pk")}).order_by().values(group)
            .annotate(n=Count(counted, distinct=distinct)).values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _rate(numerator, denominator) -> Cast:
    return Cast(numerator, FloatField()) / NullIf(Cast(denominator, FloatField()), Value(0.0))


def unit_ranking(period: Period, scope: Scope) -> list[UnitRow]:
    """Every unit's figures in one query, best on-time rate first, then best satisfaction
    (Art. 14–15). Units with no handled case rank after the rest, by name."""
    end = period.bounds[1]
    assignments = Assignment.objects.filter(scope.assignments())
    handled = _handled(period, scope)
    held = Assignment.objects.exclude(state=Assignment.State.RETURNED).filter(
        scope.assignments()
    )
    events = CaseEvent.objects.filter(period.lookup("at"))
    if scope.area is not None:
        events = events.filter(scope.cases("case__"))
    # A rating counts for every unit that held the case (one join: same filter call).
    def rated(value: str) -> QuerySet[Assignment]:
        return held.filter(
            period.lookup("case__ratings__created_at") & Q(case__ratings__value=value)
        )

    units = Unit.objects.all()
    if scope.unit is not None:
        units = units.filter(pk=scope.unit.pk)
    qs = units.annotate(
        received=_count(
            held.filter(period.lookup("case__received_at")), counted="case", distinct=True
        ),
        handled=_count(handled),
        late=_count(handled.filter(_late(period))),
        extended=_count(handled.filter(is_extended=True)),
        open=_count(held.filter(state__in=Assignment.UNIT_WORK_STATES, assigned_at__lt=end)),
        overdue_now=_count(
            assignments.filter(state__in=Assignment.UNIT_WORK_STATES, overdue_at__isnull=False)
        ),
        returned=_count(events.filter(kind=EVENT_RETURNED)),
        redistributed=_count(events.filter(kind=EVENT_REDISTRIBUTED)),
        satisfied=_count(rated(Rating.Value.SATISFIED), counted="case__ratings", distinct=True),
        accepted=_count(rated(Rating.Value.ACCEPTED), counted="case__ratings", distinct=True),
        unsatisfied=_count(
            rated(Rating.Value.UNSATISFIED), counted="case__ratings", distinct=True
        ),
    ).annotate(
        on_time=F("handled") - F("late"),
        on_time_rate=_rate(F("handled") - F("late"), F("handled")),
        satisfaction_rate=_rate(
            F("satisfied") + F("accepted"), F("satisfied") + F("accepted") + F("unsatisfied")
        ),
    )
    if scope.unit is None:
        # Inactive units and, in an area, units with nothing there drop out.
        activity = Q(received__gt=0) | Q(handled__gt=0) | Q(open__gt=0) | Q(returned__gt=0)
        qs = qs.filter(activity if scope.area is not None else activity | Q(is_active=True))
    qs = qs.order_by(
        F("on_time_rate").desc(nulls_last=True),
        F("satisfaction_rate").desc(nulls_last=True),
        "name",
    )
    fields = [
        "pk", "code", "name", "received", "handled", "on_time", "late", "extended", "open",
        "overdue_now", "returned", "redistributed", "satisfied", "accepted", "unsatisfied",
        "on_time_rate", "satisfaction_rate",
    ]
    return [
        UnitRow(rank, *values)
        for rank, values in enumerate(qs.values_list(*fields), start=1)
    ]


def overdue_now(scope: Scope, now: datetime, limit: int = OVERDUE_LIST_LIMIT) -> list[OverdueRow]:
    """Assignments past their deadline and still with the unit, the longest late first.

    One query; working hours late are counted on the working calendar for at most `limit`
    rows. A state secret's title is not shown (Art. 10.3c)."""
    rows = (
        Assignment.objects.filter(
            scope.assignments(), state__in=Assignment.UNIT_WORK_STATES, overdue_at__isnull=False
        )
        .select_related("case", "unit")
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


def _stage_pairs(period: Period, scope: Scope) -> list[tuple[str, str, QuerySet]]:
    """Per stage: key, label and a query of (start, end) pairs, newest end first."""
    first_dispatch = Subquery(
        CaseEvent.objects.filter(case=OuterRef("pk"), kind=EVENT_DISPATCHED)
        .order_by("at").values("at")[:1]
    )
    approved = Subquery(
        CaseEvent.objects.filter(
            case=OuterRef("pk"), kind=EVENT_APPROVED, at__lte=OuterRef("published_at")
        ).order_by("-at").values("at")[:1]
    )
    cases = Case.objects.filter(scope.cases())
    assignments = Assignment.objects.filter(scope.assignments())
    return [
        ("intake", _("Intake (received to dispatched)"),
         cases.annotate(stage_end=first_dispatch).filter(period.lookup("stage_end"))
         .values_list("received_at", "stage_end").order_by("-stage_end", "-pk")),
        ("acceptance", _("Acceptance by the unit"),
         assignments.filter(period.lookup("accepted_at"))
         .values_list("assigned_at", "accepted_at").order_by("-accepted_at", "-pk")),
        ("handling", _("Handling (accepted to draft submitted)"),
         assignments.filter(period.lookup("submitted_at"), accepted_at__isnull=False)
         .values_list("accepted_at", "submitted_at").order_by("-submitted_at", "-pk")),
        ("approval", _("Approval by the unit leader"),
         _handled(period, scope).filter(submitted_at__isnull=False)
         .values_list("submitted_at", "approved_at").order_by("-approved_at", "-pk")),
        ("publication", _("Publication (approved to published)"),
         cases.filter(period.lookup("published_at")).annotate(stage_start=approved)
         .filter(stage_start__isnull=False)
         .values_list("stage_start", "published_at").order_by("-published_at", "-pk")),
    ]


def stage_times(period: Period, scope: Scope, limit: int = STAGE_SAMPLE_LIMIT) -> list[StageTime]:
    """Average working minutes of each stage that ended in the period: one query per stage,
    at most `limit` (start, end) pairs each, counted on the working calendar."""
    working_calendar = get_calendar()
    result = []
    for key, label, pairs in _stage_pairs(period, scope):
        rows = list(pairs[: limit + 1])
        capped = len(rows) > limit
        rows = rows[:limit]
        minutes = [working_calendar.working_minutes_between(start, end) for start, end in rows]
        result.append(StageTime(
            key=key, label=label, count=len(rows),
            average_minutes=sum(minutes) / len(minutes) if minutes else None, capped=capped,
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
