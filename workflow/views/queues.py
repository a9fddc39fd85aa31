"""Each role's work queue and the values the staff templates share.

Views are thin: the permission-checked getters of `selectors.py` choose the rows (another
unit's case answers 404, SECURITY AC1), and the views turn them into plain values, so a
template never queries and never sees a field the person may not read (SECURITY DP3).
Every list runs the same number of queries whatever its length.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from routing.models import Category, Unit
from routing.selectors import Actor, actor_for

from .. import forms
from ..models import Assignment, Case
from ..selectors import (
    coordinator_queue,
    escalated_cases,
    held_cases,
    unit_inbox,
    unit_supervision,
    visible_cases,
)
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


@dataclass(frozen=True)
class NavLink:
    key: str
    url: str
    label: str


@dataclass(frozen=True)
class Nav:
    """The staff pages a person's roles open, for the links above every list."""

    current: str
    links: list[NavLink]
    can_record_call: bool = False


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


def staff_nav(actor: Actor, current: str) -> Nav:
    """The links of `actor`'s pages; no query (the roles are read already)."""
    links = [NavLink("home", reverse("staff:home"), _("My cases"))]
    if actor.is_coordinator:
        links.append(NavLink("hold", reverse("staff:hold"), _("Moderation hold")))
    if actor.is_coordinator or actor.is_supervisor:
        links.append(NavLink("escalated", reverse("staff:escalated"), _("Escalated cases")))
    if actor.leader_units:
        links.append(NavLink("supervision", reverse("staff:supervision"),
                             _("Unit supervision")))
    links.append(NavLink("help", reverse("staff:help"), _("Help")))
    return Nav(current=current, links=links, can_record_call=actor.is_coordinator)


def filter_form(
    request: HttpRequest, actor: Actor, states: Iterable[str], labels: dict[str, str],
    *, units: bool = True,
) -> forms.QueueFilterForm:
    """The lists' filters from the query string; what does not clean is left out, with a
    message. Reads the categories and, when there is a choice, the units: one query each."""
    if not units:
        unit_choices: list[tuple[int, str]] = []
    elif actor.is_coordinator or actor.is_supervisor:
        unit_choices = forms.unit_choices()
    elif len(actor.units) > 1:
        unit_choices = list(Unit.objects.filter(pk__in=actor.units).order_by("name")
                            .values_list("pk", "name"))
    else:
        unit_choices = []
    form = forms.QueueFilterForm(
        request.GET or None,
        states=[(value, str(labels[value])) for value in states],
        categories=forms.category_choices(),
        units=unit_choices,
    )
    if form.is_bound and not form.is_valid():
        messages.warning(request, _("Some filters were not understood and were left out."))
    return form


def start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def apply_filters(
    queryset: QuerySet[Any], form: forms.QueueFilterForm, now: datetime, *, via_case: str = "",
) -> QuerySet[Any]:
    """Narrow a list of cases (`via_case` "") or of assignments (`via_case` "case__") by
    the form's clean values. State, deadline and unit are the listed row's own."""
    values = form.filters() if form.is_bound else {}
    if "state" in values:
        queryset = queryset.filter(state=values["state"])
    if "category" in values:
        queryset = queryset.filter(**{f"{via_case}category_id": values["category"]})
    if "unit" in values:
        if via_case:
            queryset = queryset.filter(unit_id=values["unit"])
        else:
            queryset = queryset.filter(Exists(
                Assignment.objects.filter(case=OuterRef("pk"), unit_id=values["unit"])
                .exclude(state=Assignment.State.RETURNED)
            ))
    if "channel" in values:
        queryset = queryset.filter(**{f"{via_case}channel": values["channel"]})
    late = Q(overdue_at__isnull=False) | Q(due_at__lt=now)
    if values.get("overdue") == "yes":
        queryset = queryset.filter(late)
    elif values.get("overdue") == "no":
        queryset = queryset.exclude(late)
    if "received_from" in values:
        queryset = queryset.filter(
            **{f"{via_case}received_at__gte": start_of(values["received_from"])})
    if "received_to" in values:
        queryset = queryset.filter(
            **{f"{via_case}received_at__lt": start_of(values["received_to"] + timedelta(days=1))})
    return queryset


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
    filters: forms.QueueFilterForm,
) -> Queue:
    page, pager = paginate(request, apply_filters(queryset, filters, clock.now), "page")
    return Queue(key=key, title=title, rows=[case_row(c, clock) for c in page], pager=pager)


def assignment_queue(
    request: HttpRequest, key: str, title: str, queryset: QuerySet[Assignment], clock: Clock,
    filters: forms.QueueFilterForm, param: str = "page",
) -> Queue:
    queryset = apply_filters(queryset, filters, clock.now, via_case="case__")
    page, pager = paginate(request, queryset, param)
    return Queue(key=key, title=title, rows=[assignment_row(a, clock) for a in page],
                 pager=pager, show_unit=True)


def render_lists(
    request: HttpRequest, actor: Actor, current: str, heading: str, queues: list[Queue],
    filters: forms.QueueFilterForm | None, **extra: Any,
) -> HttpResponse:
    return render(request, "workflow/home.html", {
        "heading": heading, "queues": queues, "filters": filters,
        "nav": staff_nav(actor, current), "can_record_call": actor.is_coordinator, **extra,
    })


# --- Views -------------------------------------------------------------------------------------
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The queue of the person's role: coordinator, unit (leaders also approve), supervisor."""
    actor = actor_for(request.user)
    clock = Clock(timezone.now())
    queues: list[Queue] = []
    filters = None
    if actor.is_coordinator:
        filters = filter_form(request, actor, Case.COORDINATOR_STATES, CASE_STATES)
        queues.append(case_queue(
            request, "coordinator", _("Cases waiting for the coordination centre"),
            coordinator_queue(), clock, filters,
        ))
    elif actor.units:
        filters = filter_form(request, actor, Assignment.UNIT_WORK_STATES, ASSIGNMENT_STATES)
        if actor.leader_units:
            queues.append(assignment_queue(
                request, "approval", _("Drafts waiting for your approval"),
                unit_inbox(actor.leader_units).filter(state=Assignment.State.AWAITING_APPROVAL),
                clock, filters, param="approval_page",
            ))
        queues.append(assignment_queue(
            request, "inbox", _("Your unit's cases"), unit_inbox(actor.units), clock, filters,
        ))
    elif actor.is_supervisor:
        filters = filter_form(request, actor, Case.State.values, CASE_STATES)
        queues.append(case_queue(
            request, "all", _("All cases"),
            visible_cases(actor).select_related("category").order_by("-received_at", "-pk"),
            clock, filters,
        ))
    return render_lists(request, actor, "home", _("My cases"), queues, filters)


def forbidden_list(request: HttpRequest) -> HttpResponse:
    from .actions import forbidden  # the audited 403 page

    return forbidden(request, _("Your role does not allow this action."))


@login_required
def escalated(request: HttpRequest) -> HttpResponse:
    """Cases reported to the province's leadership (Art. 4.8): coordinators, supervisors."""
    actor = actor_for(request.user)
    if not (actor.is_coordinator or actor.is_supervisor):
        return forbidden_list(request)
    filters = filter_form(request, actor, Case.State.values, CASE_STATES)
    queue = case_queue(request, "escalated", _("Escalated cases"), escalated_cases(actor),
                       Clock(timezone.now()), filters)
    return render_lists(request, actor, "escalated", _("Escalated cases"), [queue], filters)


@login_required
def hold(request: HttpRequest) -> HttpResponse:
    """Submissions from a contact on the abuse list (Art. 18.2), for the coordinator."""
    actor = actor_for(request.user)
    if not actor.is_coordinator:
        return forbidden_list(request)
    filters = filter_form(request, actor, (), CASE_STATES, units=False)
    queue = case_queue(request, "hold", _("Moderation hold"), held_cases(),
                       Clock(timezone.now()), filters)
    return render_lists(request, actor, "hold", _("Moderation hold"), [queue], filters)


@login_required
def supervision(request: HttpRequest) -> HttpResponse:
    """A unit leader's figures for their units, all counted in the database."""
    actor = actor_for(request.user)
    if not actor.leader_units:
        return forbidden_list(request)
    now = timezone.now()
    return render(request, "workflow/supervision.html", {
        "units": unit_supervision(actor.leader_units, now),
        "month": timezone.localtime(now),
        "nav": staff_nav(actor, "supervision"),
    })
