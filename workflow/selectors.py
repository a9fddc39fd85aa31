"""Reads of cases and assignments: one permission-checked getter per model (SECURITY AC1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import JSONObject, Left
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from routing.models import Unit
from routing.selectors import Actor

from .models import Assignment, Case, DeadlineAlert, OutboxMessage
from .worktime import get_calendar


def visible_cases(actor: Actor) -> QuerySet[Case]:
    """The cases `actor` may open: every case for the coordinator; every case but state
    secrets for a supervisor; for a unit member the cases their units hold an active
    assignment on (a unit that returned a case no longer sees it)."""
    if actor.is_coordinator:
        return Case.objects.all()
    visible = Q(pk__in=[])
    if actor.units:
        visible |= Q(
            pk__in=Assignment.objects.filter(unit_id__in=actor.units)
            .exclude(state=Assignment.State.RETURNED)
            .values("case_id")
        )
    if actor.is_supervisor:
        visible |= Q(is_state_secret=False)
    return Case.objects.filter(visible)


def get_case_for(actor: Actor, pk: int) -> Case:
    """The case, or 404 when `actor` may not see it (the same answer as "no such case").

    For the coordinator the case carries `delivery_rows`, its outgoing messages, read in
    the same query (see case_deliveries)."""
    cases = visible_cases(actor).select_related("category", "area")
    if actor.is_coordinator:
        cases = cases.annotate(delivery_rows=_delivery_rows())
    try:
        return cases.get(pk=pk)
    except Case.DoesNotExist:
        raise Http404 from None


DELIVERY_ERROR_CHARS = 200


def _delivery_rows() -> ArraySubquery:
    """The case's outgoing messages as JSON objects, oldest first: never an address."""
    return ArraySubquery(
        OutboxMessage.objects.filter(case=OuterRef("pk")).order_by("created_at", "pk").values(
            json=JSONObject(
                id="pk", channel="channel", to_reporter="to_reporter", template="template",
                status="status", attempts="attempts", sent_at="sent_at",
                last_error=Left("last_error", DELIVERY_ERROR_CHARS),
            )
        )
    )


def visible_assignments(actor: Actor) -> QuerySet[Assignment]:
    if actor.is_coordinator:
        return Assignment.objects.all()
    visible = Q(unit_id__in=actor.units)
    if actor.is_supervisor:
        visible |= Q(case__is_state_secret=False)
    return Assignment.objects.filter(visible)


def get_assignment_for(actor: Actor, pk: int) -> Assignment:
    try:
        return visible_assignments(actor).select_related("unit", "case").get(pk=pk)
    except Assignment.DoesNotExist:
        raise Http404 from None


def coordinator_queue() -> QuerySet[Case]:
    """Cases waiting for the coordination centre, the nearest deadline first."""
    return (
        Case.objects.filter(state__in=Case.COORDINATOR_STATES, on_hold=False)
        .select_related("category")
        .order_by(F("due_at").asc(nulls_last=True), "received_at")
    )


def held_cases() -> QuerySet[Case]:
    """Submissions from a contact on the abuse list, waiting for the coordinator (Art. 18.2)."""
    return (
        Case.objects.filter(on_hold=True, state=Case.State.RECEIVED)
        .select_related("category")
        .order_by(F("due_at").asc(nulls_last=True), "received_at")
    )


def escalated_cases(actor: Actor) -> QuerySet[Case]:
    """Cases reported to the province's leadership (Art. 4.8) that `actor` may see, newest
    escalation first (index case_escalated)."""
    return (
        visible_cases(actor).filter(escalated_at__isnull=False)
        .select_related("category")
        .order_by("-escalated_at", "-pk")
    )


def case_deliveries(case: Case) -> list[dict]:
    """The case's outgoing messages, oldest first (index outbox_case), as plain dicts:
    id, channel, to_reporter, template, status, attempts, sent_at, last_error. Read with
    the case by get_case_for for the coordinator; otherwise one query here."""
    rows = getattr(case, "delivery_rows", None)
    if rows is None:
        rows = list(Case.objects.filter(pk=case.pk).annotate(rows=_delivery_rows())
                    .values_list("rows", flat=True))[0]
    return [
        {**row, "sent_at": parse_datetime(row["sent_at"]) if row.get("sent_at") else None}
        for row in rows or []
    ]


@dataclass(frozen=True)
class UnitSupervision:
    """A unit leader's figures for one unit (Art. 17): open work and this month's record."""

    unit_id: int
    unit: str
    open: int
    due_soon: int  # open, not overdue, due within one working day
    overdue: int
    extended: int  # open and running on an extension
    approved_this_month: int
    on_time_this_month: int  # of those, never marked overdue at any stage

    @property
    def on_time_rate(self) -> int | None:
        """Whole per cent, or None when nothing was approved this month."""
        if not self.approved_this_month:
            return None
        return round(100 * self.on_time_this_month / self.approved_this_month)


def month_start(now: datetime) -> datetime:
    """Midnight of the first day of `now`'s month, in the portal's time zone."""
    local = timezone.localtime(now)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def unit_supervision(unit_ids: frozenset[int] | set[int], now: datetime) -> list[UnitSupervision]:
    """The supervision figures of each unit in `unit_ids`, by unit name: two queries (the
    names, and one aggregate over the units' assignments) whatever the number of rows."""
    soon = get_calendar().add_working_days(now, 1)
    since = month_start(now)
    open_ = Q(state__in=Assignment.UNIT_WORK_STATES)
    overdue = open_ & (Q(overdue_at__isnull=False) | Q(due_at__lt=now))
    approved = Q(state=Assignment.State.APPROVED, approved_at__gte=since, approved_at__lte=now)
    late = Exists(DeadlineAlert.objects.filter(assignment=OuterRef("pk"),
                                               kind=DeadlineAlert.Kind.OVERDUE))
    rows = {
        row["unit_id"]: row
        for row in Assignment.objects.filter(unit_id__in=unit_ids)
        .values("unit_id")
        .annotate(
            open=Count("pk", filter=open_),
            due_soon=Count("pk", filter=open_ & Q(overdue_at__isnull=True, due_at__gte=now,
                                                  due_at__lte=soon)),
            overdue=Count("pk", filter=overdue),
            extended=Count("pk", filter=open_ & Q(is_extended=True)),
            approved=Count("pk", filter=approved),
            on_time=Count("pk", filter=approved & ~late),
        )
        .order_by()
    }
    empty: dict[str, int] = {}
    return [
        UnitSupervision(
            unit_id=pk, unit=name,
            open=rows.get(pk, empty).get("open", 0),
            due_soon=rows.get(pk, empty).get("due_soon", 0),
            overdue=rows.get(pk, empty).get("overdue", 0),
            extended=rows.get(pk, empty).get("extended", 0),
            approved_this_month=rows.get(pk, empty).get("approved", 0),
            on_time_this_month=rows.get(pk, empty).get("on_time", 0),
        )
        for pk, name in Unit.objects.filter(pk__in=unit_ids).order_by("name")
        .values_list("pk", "name")
    ]


def unit_inbox(unit_ids: frozenset[int] | set[int]) -> QuerySet[Assignment]:
    """A unit's open assignments, the nearest deadline first (index assignment_inbox)."""
    return (
        Assignment.objects.filter(unit_id__in=unit_ids, state__in=Assignment.UNIT_WORK_STATES)
        .select_related("case", "case__category", "unit")
        .order_by(F("due_at").asc(nulls_last=True), "pk")
    )


def reporter_case(code: str, phone: str) -> Case | None:
    """A case opened by its tracking code together with the reporter's phone (AC3)."""
    from .models.cases import clean_tracking_code

    phone = "".join(ch for ch in phone if ch.isdigit() or ch == "+")
    if not code or not phone:
        return None
    return Case.objects.filter(
        Q(tracking_code=clean_tracking_code(code)) & Q(reporter_phone=phone)
    ).first()
