"""Each role's work queue and the values the staff templates share.

Views are thin: the permission-checked getters of `selectors.py` choose the rows (another
unit's case answers 404, SECURITY AC1), and the views turn them into plain values, so a
template never queries and never sees a field the person may not read (SECURITY DP3).
Every list runs the same number of queries whatever its length.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from routing.models import Category
from routing.selectors import actor_for

from ..models import Assignment, Case
from ..selectors import coordinator_queue, unit_inbox, visible_cases
from ..worktime import WorkingCalendar, get_calendar

PAGE_SIZE = 50

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
    return render(request, "workflow/home.html",
                  {"queues": queues, "can_record_call": actor.is_coordinator})
