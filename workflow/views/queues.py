"""The staff pages: each role's queue and the case page, read-only for now.

Views are thin: the permission-checked getters of `selectors.py` choose the rows (another
unit's case answers 404, SECURITY AC1), and the views turn them into plain values, so a
template never queries and never sees a field the person may not read (SECURITY DP3).
Every list runs the same number of queries whatever its length.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.paginator import Page, Paginator
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from routing.models import Category
from routing.selectors import Actor, actor_for

from .models import Assignment, Case, CaseEvent, Draft, Visibility
from .selectors import (
    coordinator_queue,
    get_case_for,
    unit_inbox,
    visible_assignments,
    visible_cases,
)
from .worktime import WorkingCalendar, get_calendar

PAGE_SIZE = 50

# What each logged event means, in words (services._log and the deadline sweep write them).
EVENT_KINDS: dict[str, Promise] = {
    "received": gettext_lazy("Received"),
    "classified": gettext_lazy("Classified"),
    "sent_back_for_verification": gettext_lazy("Sent back for verification"),
    "rejected": gettext_lazy("Rejected"),
    "dispatched": gettext_lazy("Dispatched to units"),
    "accepted": gettext_lazy("Accepted by the unit"),
    "returned": gettext_lazy("Returned by the unit"),
    "back_to_coordinator": gettext_lazy("Back to the coordinator"),
    "extended": gettext_lazy("Deadline extended"),
    "draft_submitted": gettext_lazy("Draft reply submitted"),
    "approved": gettext_lazy("Draft approved by the leader"),
    "returned_to_staff": gettext_lazy("Draft returned to staff"),
    "sent_back_revision": gettext_lazy("Revision requested"),
    "sent_back_redistribution": gettext_lazy("Redistributed"),
    "sent_back_reprocess": gettext_lazy("Sent back for reprocessing"),
    "mark_processed": gettext_lazy("All drafts submitted"),
    "mark_approved": gettext_lazy("All drafts approved"),
    "back_to_units": gettext_lazy("Back to the units"),
    "published": gettext_lazy("Reply published"),
    "reopened": gettext_lazy("Reopened after an unsatisfied rating"),
    "reprocessed": gettext_lazy("Handed back to units for reprocessing"),
    "result_kept": gettext_lazy("Published reply kept"),
    "overdue": gettext_lazy("Deadline missed"),
}
ACTOR_LABELS: dict[str, Promise] = {
    "system": gettext_lazy("System"),
    "reporter": gettext_lazy("Reporter"),
}
CASE_STATES: dict[str, str] = dict(Case.State.choices)
ASSIGNMENT_STATES: dict[str, str] = dict(Assignment.State.choices)


# --- Values handed to the templates ------------------------------------------------------------
@dataclass(frozen=True)
class Deadline:
    due_at: datetime | None
    is_overdue: bool
    minutes_left: int | None  # working minutes until due_at; None when overdue or no deadline


@dataclass(frozen=True)
class Row:
    """One line of a queue: a case, or a unit's assignment of a case."""

    url: str
    code: str
    title: str
    category: str
    state: str
    received_at: datetime
    deadline: Deadline
    unit: str = ""


@dataclass(frozen=True)
class StateFilter:
    choices: list[tuple[str, str]]
    selected: str


@dataclass(frozen=True)
class Pager:
    count: int
    number: int
    num_pages: int
    previous_url: str
    next_url: str


@dataclass(frozen=True)
class Queue:
    key: str
    title: str
    rows: list[Row]
    pager: Pager
    show_unit: bool = False
    state_filter: StateFilter | None = None


@dataclass(frozen=True)
class Reporter:
    name: str
    phone: str
    email: str
    address: str


@dataclass(frozen=True)
class DraftView:
    unit: str
    version: int
    written_at: datetime
    body: str


@dataclass(frozen=True)
class AssignmentView:
    unit: str
    state: str
    assigned_at: datetime
    deadline: Deadline
    is_extended: bool
    rework: str


@dataclass(frozen=True)
class EventView:
    at: datetime
    who: str
    kind: str
    from_state: str
    to_state: str
    note: str


@dataclass(frozen=True)
class CasePage:
    """What the case page shows; the reporter is None unless the actor may see them."""

    code: str
    title: str
    content: str | None  # None: a state secret this actor's unit no longer holds
    location: str
    category: str
    area: str
    channel: str
    state: str
    visibility: str
    is_confidential: bool
    is_state_secret: bool
    received_at: datetime
    occurred_at: datetime | None
    deadline: Deadline
    reporter: Reporter | None
    assignments: list[AssignmentView]
    drafts: list[DraftView]  # the newest version of each unit's draft
    events: list[EventView]


# --- Helpers -----------------------------------------------------------------------------------
class Clock:
    """`now` and the working calendar, read at most once per request."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self._calendar: WorkingCalendar | None = None

    def deadline(self, due_at: datetime | None, overdue_at: datetime | None) -> Deadline:
        overdue = overdue_at is not None or (due_at is not None and due_at < self.now)
        minutes = None
        if due_at is not None and not overdue:
            if self._calendar is None:
                self._calendar = get_calendar()
            minutes = self._calendar.working_minutes_between(self.now, due_at)
        return Deadline(due_at=due_at, is_overdue=overdue, minutes_left=minutes)


def category_name(category: Category | None) -> str:
    if category is None:
        return ""
    if category.name_en and (get_language() or "").startswith("en"):
        return category.name_en
    return category.name


def state_filter(
    request: HttpRequest, states: Iterable[str], labels: dict[str, str]
) -> StateFilter:
    """The `?state=` filter over `states`; an unknown value is ignored."""
    choices = [(value, str(labels[value])) for value in states]
    selected = request.GET.get("state", "")
    if selected not in {value for value, _label in choices}:
        selected = ""
    return StateFilter(choices=choices, selected=selected)


def page_url(request: HttpRequest, param: str, number: int) -> str:
    query = request.GET.copy()
    query[param] = str(number)
    return f"?{query.urlencode()}"


def paginate(request: HttpRequest, queryset: QuerySet[Any], param: str) -> tuple[Page, Pager]:
    """One page of `queryset` (a COUNT and one SELECT; a bad `?page=` gives the nearest page)
    and the links around it, which keep the other parameters (the state filter)."""
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get(param))
    pager = Pager(
        count=page.paginator.count,
        number=page.number,
        num_pages=page.paginator.num_pages,
        previous_url=page_url(request, param, page.previous_page_number())
        if page.has_previous() else "",
        next_url=page_url(request, param, page.next_page_number()) if page.has_next() else "",
    )
    return page, pager


def case_row(case: Case, clock: Clock) -> Row:
    return Row(
        url=case.get_absolute_url(),
        code=case.display_code,
        title=case.title,
        category=category_name(case.category),
        state=case.get_state_display(),
        received_at=case.received_at,
        deadline=clock.deadline(case.due_at, case.overdue_at),
    )


def assignment_row(assignment: Assignment, clock: Clock) -> Row:
    case = assignment.case
    return Row(
        url=case.get_absolute_url(),
        code=case.display_code,
        title=case.title,
        category=category_name(case.category),
        state=assignment.get_state_display(),
        received_at=case.received_at,
        deadline=clock.deadline(assignment.due_at, assignment.overdue_at),
        unit=assignment.unit.name,
    )


def case_queue(
    request: HttpRequest, key: str, title: str, queryset: QuerySet[Case], clock: Clock,
    filter_: StateFilter | None = None,
) -> Queue:
    if filter_ is not None and filter_.selected:
        queryset = queryset.filter(state=filter_.selected)
    page, pager = paginate(request, queryset, "page")
    return Queue(key=key, title=title, rows=[case_row(c, clock) for c in page], pager=pager,
                 state_filter=filter_)


def assignment_queue(
    request: HttpRequest, key: str, title: str, queryset: QuerySet[Assignment], clock: Clock,
    filter_: StateFilter | None = None, param: str = "page",
) -> Queue:
    if filter_ is not None and filter_.selected:
        queryset = queryset.filter(state=filter_.selected)
    page, pager = paginate(request, queryset, param)
    return Queue(key=key, title=title, rows=[assignment_row(a, clock) for a in page],
                 pager=pager, show_unit=True, state_filter=filter_)


# --- Views -------------------------------------------------------------------------------------
class StaffLoginView(LoginView):
    template_name = "workflow/login.html"
    redirect_authenticated_user = True


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("staff:login")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The queue of the person's role: coordinator, unit (leaders also approve), supervisor."""
    actor = actor_for(request.user)
    clock = Clock(timezone.now())
    queues: list[Queue] = []
    if actor.is_coordinator:
        queues.append(case_queue(
            request, "coordinator", _("Cases waiting for the coordination centre"),
            coordinator_queue(), clock,
            state_filter(request, Case.COORDINATOR_STATES, CASE_STATES),
        ))
    elif actor.units:
        if actor.leader_units:
            queues.append(assignment_queue(
                request, "approval", _("Drafts waiting for your approval"),
                unit_inbox(actor.leader_units).filter(state=Assignment.State.AWAITING_APPROVAL),
                clock, param="approval_page",
            ))
        queues.append(assignment_queue(
            request, "inbox", _("Your unit's cases"), unit_inbox(actor.units), clock,
            state_filter(request, Assignment.UNIT_WORK_STATES, ASSIGNMENT_STATES),
        ))
    elif actor.is_supervisor:
        queues.append(case_queue(
            request, "all", _("All cases"),
            visible_cases(actor).select_related("category").order_by("-received_at", "-pk"),
            clock, state_filter(request, Case.State.values, CASE_STATES),
        ))
    return render(request, "workflow/home.html", {"queues": queues})


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request.user)
    case = get_case_for(actor, pk)  # 404 if not theirs
    return render(request, "workflow/case.html", {"page": case_page(actor, case, timezone.now())})


# --- The case page -----------------------------------------------------------------------------
def latest_drafts() -> QuerySet[Draft]:
    newest = Draft.objects.filter(assignment=OuterRef("assignment")).order_by("-version")
    return Draft.objects.filter(version=Subquery(newest.values("version")[:1]))


def case_assignments(actor: Actor, case: Case) -> list[Assignment]:
    """The case's assignments this actor may see (a unit sees only its own), with their
    newest draft as `latest_drafts`."""
    return list(
        visible_assignments(actor)
        .filter(case=case)
        .select_related("unit")
        .prefetch_related(Prefetch("drafts", queryset=latest_drafts(), to_attr="latest_drafts"))
        .order_by("assigned_at", "pk")
    )


def case_events(actor: Actor, case: Case) -> list[CaseEvent]:
    """The log, oldest first; a unit does not read other units' assignment events."""
    events = case.events.select_related("actor").order_by("at", "pk")
    if not (actor.is_coordinator or actor.is_supervisor):
        events = events.filter(Q(unit__isnull=True) | Q(unit_id__in=actor.units))
    return list(events)


def event_view(event: CaseEvent, show_note: bool) -> EventView:
    states = ASSIGNMENT_STATES if event.assignment_id else CASE_STATES
    if event.actor is not None:
        who = event.actor.get_username()
    else:
        who = str(ACTOR_LABELS.get(event.actor_label, event.actor_label))
    return EventView(
        at=event.at,
        who=who,
        kind=str(EVENT_KINDS.get(event.kind, event.kind)),
        from_state=str(states.get(event.from_state, event.from_state)),
        to_state=str(states.get(event.to_state, event.to_state)),
        note=event.note if show_note else "",
    )


def may_see_reporter(actor: Actor, own_assignments: Sequence[Assignment]) -> bool:
    """Art. 13.8: the coordinator, or a unit the coordinator revealed the contact to."""
    return actor.is_coordinator or any(a.contact_revealed for a in own_assignments)


def case_page(actor: Actor, case: Case, now: datetime) -> CasePage:
    clock = Clock(now)
    assignments = case_assignments(actor, case)
    own = [a for a in assignments if a.is_active and actor.is_member_of(a.unit_id)]
    # A state secret's content is for the coordinator and the units that hold it (DP4).
    content_visible = not case.is_state_secret or actor.is_coordinator or bool(own)
    reporter = None
    if may_see_reporter(actor, own):
        reporter = Reporter(
            name=case.reporter_name,
            phone=case.reporter_phone,
            email=case.reporter_email,
            address=case.reporter_address,
        )
    drafts = [
        DraftView(unit=a.unit.name, version=d.version, written_at=d.created_at, body=d.body)
        for a in assignments if content_visible
        for d in a.latest_drafts
    ]
    return CasePage(
        code=case.display_code,
        title=case.title,
        content=case.content if content_visible else None,
        location=case.location_text if content_visible else "",
        category=category_name(case.category),
        area=case.area.name if case.area else "",
        channel=case.get_channel_display(),
        state=case.get_state_display(),
        visibility=str(Visibility(case.visibility).label),
        is_confidential=case.is_confidential,
        is_state_secret=case.is_state_secret,
        received_at=case.received_at,
        occurred_at=case.occurred_at,
        deadline=clock.deadline(case.due_at, case.overdue_at),
        reporter=reporter,
        assignments=[
            AssignmentView(
                unit=a.unit.name,
                state=a.get_state_display(),
                assigned_at=a.assigned_at,
                deadline=clock.deadline(a.due_at, a.overdue_at),
                is_extended=a.is_extended,
                rework=a.get_rework_display() if a.rework else "",
            )
            for a in assignments
        ],
        drafts=drafts,
        events=[event_view(e, content_visible) for e in case_events(actor, case)],
    )
