"""Reads of cases and assignments: one permission-checked getter per model (SECURITY AC1)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import (
    Count,
    Exists,
    F,
    FloatField,
    Func,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    TextField,
    Value,
)
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from routing.models import Unit
from routing.selectors import Actor
from routing.text import vietnamese_sort_key

from .models import (
    Assignment,
    Case,
    DeadlineAlert,
    DraftPhoto,
    DuplicateCandidate,
    OutboxMessage,
)
from .models.cases import display_code
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


def get_case_for(actor: Actor, pk: int, **read_with: Any) -> Case:
    """The case, or 404 when `actor` may not see it (the same answer as "no such case").

    For the coordinator the case carries `delivery_rows`, its outgoing messages, read in
    the same query (see case_deliveries); `read_with` names more annotations of that one
    query (the case page's lists)."""
    cases = visible_cases(actor).select_related("category", "area")
    if actor.is_coordinator:
        cases = cases.annotate(delivery_rows=_delivery_rows())
    if read_with:
        cases = cases.annotate(**read_with)
    try:
        return cases.get(pk=pk)
    except Case.DoesNotExist:
        raise Http404 from None


DELIVERY_ERROR_CHARS = 200


def json_rows(sql: str) -> RawSQL:
    """A subquery of JSON rows read with each row of the outer query, written as SQL: the
    hottest page reads several, and the ORM's JSON subqueries cost 2 to 5 ms each to
    compile on every request where this costs nothing. The outer table is
    referred to by its name; the tests read every row back."""
    return RawSQL(sql, [], output_field=JSONField())  # noqa: S611 - no parameter, no input


def _delivery_rows() -> RawSQL:
    """The case's outgoing messages as JSON objects, oldest first: never an address."""
    return json_rows(  # constants and table names only
        "(SELECT COALESCE(jsonb_agg(jsonb_build_object("  # noqa: S608
        "'id', m.id, 'channel', m.channel, 'to_reporter', m.to_reporter, "
        "'template', m.template, 'status', m.status, 'attempts', m.attempts, "
        f"'sent_at', m.sent_at, 'last_error', LEFT(m.last_error, {DELIVERY_ERROR_CHARS})"
        f") ORDER BY m.created_at, m.id), '[]'::jsonb) FROM {OutboxMessage._meta.db_table} m "
        f"WHERE m.case_id = {Case._meta.db_table}.id)")


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


def get_draft_photo_for(actor: Actor, pk: int) -> DraftPhoto:
    """A draft's evidence photo, or 404: for those who see its draft on the case page, that
    is the coordinator, the supervisor (not a state secret's), and the unit whose draft it
    is while it holds the case. Another unit's photo answers 404 like a missing one."""
    photos = DraftPhoto.objects.filter(
        draft__assignment__in=visible_assignments(actor),
        draft__assignment__case__in=visible_cases(actor),
    )
    try:
        return photos.get(pk=pk)
    except DraftPhoto.DoesNotExist:
        raise Http404 from None


def coordinator_queue() -> QuerySet[Case]:
    """Cases waiting for the coordination centre, and those with a question from the
    reporter waiting for an answer (Art. 11.2), the nearest deadline first."""
    return (
        Case.objects.filter(Q(state__in=Case.COORDINATOR_STATES, on_hold=False)
                            | Q(clarification_asked_at__isnull=False))
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
    names = Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name")
    return unit_figures(sorted(names, key=lambda unit: vietnamese_sort_key(unit[1])), now)


def unit_figures(units: Sequence[tuple[int, str]], now: datetime) -> list[UnitSupervision]:
    """The supervision figures of the (id, name) `units`, in their order: one aggregate
    query whatever their number. Only the rows that can count are read: open work, and
    what was approved since the month began (index assignment_inbox: unit, state)."""
    if not units:
        return []
    soon = get_calendar().add_working_days(now, 1)
    since = month_start(now)
    open_ = Q(state__in=Assignment.UNIT_WORK_STATES)
    overdue = open_ & (Q(overdue_at__isnull=False) | Q(due_at__lt=now))
    approved = Q(state=Assignment.State.APPROVED, approved_at__gte=since, approved_at__lte=now)
    late = Exists(DeadlineAlert.objects.filter(assignment=OuterRef("pk"),
                                               kind=DeadlineAlert.Kind.OVERDUE))
    rows = {
        row["unit_id"]: row
        for row in Assignment.objects.filter(
            Q(unit_id__in=[pk for pk, _ in units]) & (open_ | approved))
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
        for pk, name in units
    ]


def supervised_units(actor: Actor) -> QuerySet[Unit] | None:
    """The units whose supervision view `actor` may open: every active unit for a
    supervisor, the units they lead for a unit leader; None for anyone else."""
    if actor.is_supervisor:
        return Unit.objects.filter(is_active=True)
    if actor.leader_units:
        return Unit.objects.filter(is_active=True, pk__in=actor.leader_units)
    return None


def get_supervised_unit_for(actor: Actor, pk: int) -> Unit:
    """The unit, or 404 when `actor` may not supervise it (another unit's leader)."""
    units = supervised_units(actor)
    if units is None:
        raise Http404
    try:
        return units.get(pk=pk)
    except Unit.DoesNotExist:
        raise Http404 from None


def unit_inbox(unit_ids: frozenset[int] | set[int]) -> QuerySet[Assignment]:
    """A unit's open assignments, and those of its cases with a question from the reporter
    waiting for an answer (Art. 11.2), the nearest deadline first (index assignment_inbox)."""
    return (
        Assignment.objects.filter(
            Q(state__in=Assignment.UNIT_WORK_STATES)
            | Q(case__clarification_asked_at__isnull=False) & ~Q(state=Assignment.State.RETURNED),
            unit_id__in=unit_ids)
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


# --- Possible duplicates (the coordinator's case page) -----------------------------------------
DUPLICATE_WINDOW = timedelta(days=30)
DUPLICATE_LIMIT = 5
# Titles are compared with the cases received nearest in time, this many on each side: a
# repeated report of one streetlight comes within days, and the cost stays bounded.
DUPLICATE_NEIGHBOURS = 500
SIMILAR_TITLE = 0.3  # pg_trgm's own default threshold for "similar"


class FoldText(Func):
    """workflow_fold_text(text): lower case without diacritics (migration 0015)."""

    function = "workflow_fold_text"
    output_field = TextField()
    arity = 1


@dataclass(frozen=True)
class PossibleDuplicate:
    pk: int
    code: str
    title: str
    state: str
    received_at: datetime
    same_phone: bool


def possible_duplicates(case: Case, now: datetime | None = None) -> list[PossibleDuplicate]:
    """Other cases received within 30 days either side of this one from the same phone or,
    on PostgreSQL, with a similar title (trigram similarity, diacritics ignored): at most
    five, the same phone first, then the most alike, none the coordinator dismissed. One
    query once they were looked for.

    For the coordinator only: a match by phone links cases of one reporter (DP3).
    """
    if case.duplicates_checked_at is None:
        find_duplicates(case, now or timezone.now())
    elif (kept := getattr(case, "duplicate_rows", None)) is not None:
        states = dict(Case.State.choices)
        return [
            PossibleDuplicate(pk=row["pk"], code=display_code(row["code"]), title=row["title"],
                              state=str(states.get(row["state"], row["state"])),
                              received_at=parse_datetime(row["received_at"]),
                              same_phone=row["same_phone"])
            for row in kept
        ]
    rows = (DuplicateCandidate.objects.filter(case=case, dismissed_at=None)
            .select_related("other").order_by("-same_phone", "-similarity", "-other_id")
            .only("same_phone", "other__tracking_code", "other__title", "other__state",
                  "other__received_at")[:DUPLICATE_LIMIT])
    return [
        PossibleDuplicate(pk=row.other_id, code=row.other.display_code, title=row.other.title,
                          state=row.other.get_state_display(),
                          received_at=row.other.received_at, same_phone=row.same_phone)
        for row in rows
    ]


def duplicate_rows() -> RawSQL:
    """The case's stored possible duplicates as JSON objects, in possible_duplicates' order,
    to read with the case (get_case_for(..., duplicate_rows=duplicate_rows())); the case's
    `duplicates_checked_at` says whether they were looked for."""
    order = "d.same_phone DESC, d.similarity DESC, d.other_id DESC"
    cases = Case._meta.db_table
    return json_rows(  # constants and table names only
        "(SELECT COALESCE(jsonb_agg(jsonb_build_object("  # noqa: S608
        "'pk', d.other_id, 'code', o.tracking_code, 'title', o.title, 'state', o.state, "
        f"'received_at', o.received_at, 'same_phone', d.same_phone) ORDER BY {order}), "
        f"'[]'::jsonb) FROM (SELECT * FROM {DuplicateCandidate._meta.db_table} d "
        f"WHERE d.case_id = {cases}.id AND d.dismissed_at IS NULL "
        f"ORDER BY {order} LIMIT {DUPLICATE_LIMIT}) d "
        f"JOIN {cases} o ON o.id = d.other_id)")


@transaction.atomic
def find_duplicates(case: Case, now: datetime) -> None:
    """Look for the case's possible duplicates once and store each match both ways."""
    start, end = case.received_at - DUPLICATE_WINDOW, case.received_at + DUPLICATE_WINDOW
    window = Case.objects.filter(received_at__gte=start, received_at__lte=end).exclude(pk=case.pk)
    found: dict[int, tuple[bool, float]] = {}
    if case.reporter_phone:
        for pk in window.filter(reporter_phone=case.reporter_phone).order_by(
                "-received_at").values_list("pk", flat=True)[:DUPLICATE_LIMIT]:
            found[pk] = (True, 0.0)
    # Index case_received, both directions from the case: the neighbours in time.
    before = window.filter(received_at__lte=case.received_at).order_by("-received_at")
    after = window.filter(received_at__gt=case.received_at).order_by("received_at")
    near = (list(before.values_list("pk", flat=True)[:DUPLICATE_NEIGHBOURS])
            + list(after.values_list("pk", flat=True)[:DUPLICATE_NEIGHBOURS]))
    alike = Func(FoldText("title"), FoldText(Value(case.title)),
                 function="similarity", output_field=FloatField())
    for pk, score in (Case.objects.filter(pk__in=near).annotate(alike=alike)
                      .filter(alike__gte=SIMILAR_TITLE).order_by("-alike")
                      .values_list("pk", "alike")[:DUPLICATE_LIMIT]):
        found[pk] = (found.get(pk, (False, 0.0))[0], score)
    DuplicateCandidate.objects.bulk_create(
        [DuplicateCandidate(case=case, other_id=pk, same_phone=phone, similarity=score)
         for pk, (phone, score) in found.items()]
        + [DuplicateCandidate(case_id=pk, other=case, same_phone=phone, similarity=score)
           for pk, (phone, score) in found.items()],
        ignore_conflicts=True,
    )
    Case.objects.filter(pk=case.pk).update(duplicates_checked_at=now)
    case.duplicates_checked_at = now


# Cases looked at per run of the beat's task (every minute): at about 20 ms each, a run
# stays within seconds; a backlog (a first deployment) is worked through newest first.
DUPLICATE_BATCH = 200


def find_waiting_duplicates(now: datetime, limit: int = DUPLICATE_BATCH) -> int:
    """Look for the possible duplicates of the coordinator's cases not yet looked at, newest
    first (find_duplicates_task, every minute): the coordinator's first opening of a new
    case then reads them with the case, like any later opening, instead of searching while
    they wait. A case opened before its turn is still searched on that opening. Returns
    how many cases were looked at."""
    waiting = list(Case.objects.filter(duplicates_checked_at__isnull=True,
                                       state__in=Case.COORDINATOR_STATES)
                   .order_by("-received_at")
                   .only("pk", "received_at", "reporter_phone", "title")[:limit])
    for case in waiting:
        find_duplicates(case, now)
    return len(waiting)
