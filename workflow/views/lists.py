"""What every staff list is made of: the rows, deadlines, pagers and navigation handed to
the templates, the clock that reads the working calendar once per request, and pagination."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from config.pagination import BoundedPaginator
from routing.models import Category
from routing.selectors import Actor

from ..models import Assignment, Case
from ..navigation import pages_for
from ..templatetags.staff import duration_hm
from ..worktime import WorkingCalendar, get_calendar

PAGE_SIZE = 50
COUNT_LIMIT = 10_000  # a list longer than this shows "10000+" rather than its exact length

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
    # The same values as the template's |date:'c' and |date:"d/m/Y H:i", and the deadline
    # cell (partials/deadline.html), made here once per row: no include or filter per row.
    received_iso: str = ""
    received_text: str = ""
    deadline_html: str = ""
    show_unit: bool = False  # the unit's cell is part of the row (a unit's queue)
    question_waiting: bool = False  # the reporter asked about the result (Art. 11.2)

    @cached_property
    def html(self) -> SafeString:
        """The row's <tr>, every value escaped: what partials/queue.html wrote cell by cell,
        written here once (the template no longer resolves seven cells per row)."""
        overdue = ' class="is-overdue"' if self.deadline.is_overdue else ""
        unit = f"<td>{escape(self.unit)}</td>" if self.show_unit else ""
        question = (f' <strong class="badge">{escape(_("Question waiting"))}</strong>'
                    if self.question_waiting else "")
        return mark_safe(  # noqa: S308 - every value is escaped; the URL is built from an id
            f'<tr{overdue}><td class="nowrap"><a href="{self.url}">{escape(self.code)}</a></td>'
            f"<td>{escape(self.title)}{question}</td><td>{escape(self.category) or '—'}</td>{unit}"
            f'<td>{escape(self.state)}</td><td class="nowrap"><time '
            f'datetime="{self.received_iso}">{self.received_text}</time></td>'
            f'<td class="nowrap">{self.deadline_html}</td></tr>\n')


@dataclass(frozen=True)
class Pager:
    count: int
    number: int
    num_pages: int
    previous_url: str
    next_url: str
    is_capped: bool = False  # count and num_pages are lower bounds ("10000+")

    @property
    def count_label(self) -> str:
        return f"{self.count}+" if self.is_capped else str(self.count)

    @property
    def pages_label(self) -> str:
        return f"{self.num_pages}+" if self.is_capped else str(self.num_pages)


@dataclass(frozen=True)
class Queue:
    key: str
    title: str
    rows: list[Row]
    pager: Pager
    show_unit: bool = False

    @property
    def rows_html(self) -> SafeString:
        return mark_safe("".join(row.html for row in self.rows))  # noqa: S308 - Row.html escapes


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

    @property
    def calendar(self) -> WorkingCalendar:
        if self._calendar is None:
            self._calendar = get_calendar()
        return self._calendar

    def deadline(self, due_at: datetime | None, overdue_at: datetime | None) -> Deadline:
        overdue = overdue_at is not None or (due_at is not None and due_at < self.now)
        minutes = None
        if due_at is not None and not overdue:
            minutes = self.calendar.working_minutes_between(self.now, due_at)
        return Deadline(due_at=due_at, is_overdue=overdue, minutes_left=minutes)

    def deadlines(
        self, pairs: list[tuple[datetime | None, datetime | None]],
    ) -> list[Deadline]:
        """`deadline()` of each (due_at, overdue_at), in one pass over the calendar: the
        running deadlines are walked in time order, each adding the working time from the
        one before it, so a page costs one walk from now to its latest deadline."""
        running = sorted({due for due, overdue_at in pairs
                          if due is not None and overdue_at is None and due >= self.now})
        left = self.calendar.working_minutes_until(self.now, running)
        return [
            Deadline(due_at=due, is_overdue=overdue_at is not None or due < self.now,
                     minutes_left=None if overdue_at is not None or due < self.now
                     else left[due])
            if due is not None else Deadline(None, overdue_at is not None, None)
            for due, overdue_at in pairs
        ]


def moment(value: datetime, zone: tzinfo | None = None) -> tuple[str, str]:
    """`value` as the templates write it: |date:'c' and |date:"d/m/Y H:i" (local time, or
    in `zone` when the caller has read the current time zone once for many values)."""
    local = value.astimezone(zone) if zone is not None else timezone.localtime(value)
    return local.isoformat(), local.strftime("%d/%m/%Y %H:%M")


def deadline_html(deadline: Deadline, zone: tzinfo | None = None) -> SafeString:
    """The deadline cell, exactly as partials/deadline.html renders it."""
    overdue = f'<strong class="badge badge--overdue">{escape(_("Overdue"))}</strong>'
    if deadline.due_at:
        iso, text = moment(deadline.due_at, zone)
        if deadline.is_overdue:
            state = overdue
        else:
            left = _("%(left)s left") % {"left": escape(duration_hm(deadline.minutes_left))}
            state = f'<span class="time-left">{left}</span>'
        html = f'<time datetime="{iso}">{text}</time>\n{state}'
    elif deadline.is_overdue:
        html = overdue
    else:
        html = f'<span class="muted">{escape(_("No deadline"))}</span>'
    return mark_safe(f"{html}\n")  # noqa: S308 - every value above is escaped


def category_name(category: Category | None) -> str:
    return "" if category is None else category.label


def staff_nav(actor: Actor, current: str) -> Nav:
    """The links of `actor`'s pages; no query (the roles are read already)."""
    links = [NavLink("home", reverse("staff:home"), _("My cases"))]
    if actor.is_coordinator:
        links.append(NavLink("hold", reverse("staff:hold"), _("Moderation hold")))
    if actor.is_coordinator or actor.is_supervisor:
        links.append(NavLink("escalated", reverse("staff:escalated"), _("Escalated cases")))
    if actor.is_coordinator:
        links.append(NavLink("data_requests", reverse("staff:data_requests"),
                             _("Personal data requests")))
    if actor.leader_units:
        links.append(NavLink("supervision", reverse("staff:supervision"),
                             _("Unit supervision")))
    if actor.is_supervisor:
        links.append(NavLink("units", reverse("staff:units"), _("Units")))
    links.extend(NavLink(page.key, reverse(page.url_name), str(page.label))
                 for page in pages_for(actor))
    links.append(NavLink("help", reverse("staff:help"), _("Help")))
    return Nav(current=current, links=links, can_record_call=actor.is_coordinator)


def page_url(request: HttpRequest, param: str, number: int) -> str:
    query = request.GET.copy()
    query[param] = str(number)
    return f"?{query.urlencode()}"


def paginate(request: HttpRequest, queryset: QuerySet[Any], param: str,
             fields: tuple[str, ...] = ()) -> tuple[Page, Pager]:
    """One page of `queryset` (a COUNT of at most COUNT_LIMIT rows and one SELECT; a bad
    `?page=` gives the nearest page), read as tuples of `fields` when they are given, and
    the links around it, which keep the other parameters (the state filter)."""
    paginator = BoundedPaginator(queryset.values_list(*fields) if fields else queryset,
                                 PAGE_SIZE, limit=COUNT_LIMIT, counted=queryset,
                                 page_number=request.GET.get(param))
    page = paginator.get_page(request.GET.get(param))
    has_next = page.has_next() or (paginator.is_capped and page.number == paginator.num_pages)
    pager = Pager(
        count=paginator.count,
        number=page.number,
        num_pages=paginator.num_pages,
        previous_url=page_url(request, param, page.previous_page_number())
        if page.has_previous() else "",
        next_url=page_url(request, param, page.number + 1) if has_next else "",
        is_capped=paginator.is_capped,
    )
    return page, pager
