"""Each role's work queue and the values the staff templates share.

Views are thin: the permission-checked getters of `selectors.py` choose the rows (another
unit's case answers 404, SECURITY AC1), and the views turn them into plain values, so a
template never queries and never sees a field the person may not read (SECURITY DP3).
Every list runs the same number of queries whatever its length.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from routing.models import Unit
from routing.selectors import Actor, actor_for

from .. import forms
from ..models import Assignment, Case
from ..models.cases import display_code
from ..queue_cache import kept_queues, queues_key
from ..rendered import RenderedHtml
from ..selectors import (
    coordinator_queue,
    escalated_cases,
    held_cases,
    unit_inbox,
    unit_supervision,
    visible_cases,
)
from .lists import (
    ASSIGNMENT_STATES,
    CASE_STATES,
    Clock,
    Queue,
    Row,
    deadline_html,
    moment,
    paginate,
    staff_nav,
)


def filter_form(
    request: HttpRequest, actor: Actor, states: Iterable[str], labels: dict[str, str],
    *, units: bool = True,
) -> forms.QueueFilterForm:
    """The lists' filters from the query string; what does not clean is left out, with a
    message. The categories and the units to choose from come from the cache (a person of
    several units reads their own: one query)."""
    if not units:
        unit_choices: list[tuple[int, str]] = []
    elif actor.is_coordinator or actor.is_supervisor:
        unit_choices = forms.unit_choices(cached=True)
    elif len(actor.units) > 1:
        unit_choices = list(Unit.objects.filter(pk__in=actor.units).order_by("name")
                            .values_list("pk", "name"))
    else:
        unit_choices = []
    state_choices = [(value, str(labels[value])) for value in states]
    category_choices = forms.category_choices(cached=True)
    form = forms.QueueFilterForm(
        request.GET or None,
        states=state_choices,
        categories=category_choices,
        units=unit_choices,
    )
    # Everything its HTML depends on (its own fields' values, not the page number): see
    # filters_html.
    form.html_key = (get_language(),
                     tuple(sorted((name, tuple(values)) for name, values in request.GET.lists()
                                  if name in form.fields)),
                     tuple(state_choices), tuple(category_choices), tuple(unit_choices))
    if form.is_bound and not form.is_valid():
        messages.warning(request, _("Some filters were not understood and were left out."))
    return form


_FILTERS_HTML = RenderedHtml(size=256)


def filters_html(form: forms.QueueFilterForm) -> str:
    """partials/queue_filters.html for `form`, kept per process for the same language,
    query string and choices: its widgets are the page's slowest template. (A change of
    the categories or units changes the key, so a stale form is never shown.)"""
    return _FILTERS_HTML.get(getattr(form, "html_key", None), lambda: render_to_string(
        "partials/queue_filters.html", {"form": form}))


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


class RowMaker:
    """Turns a page of rows read as values into queue rows: the labels, the case URL, the
    time zone and the deadlines are worked out once for the page, not once per row."""

    def __init__(self, clock: Clock, states: dict[str, str], *, show_unit: bool = False,
                 ) -> None:
        self.clock = clock
        self.states = {value: str(label) for value, label in states.items()}
        self.english = (get_language() or "").startswith("en")
        self.zone = timezone.get_current_timezone()
        self.show_unit = show_unit
        # reverse() once: the case URL with a placeholder pk, filled in per row.
        self.url_head, self.url_tail = reverse("staff:case", args=[_URL_PK]).split(
            str(_URL_PK))

    def rows(self, values: list[tuple[Any, ...]]) -> list[Row]:
        """`values` in the order of ROW_FIELDS (CASE_ROW_FIELDS or ASSIGNMENT_ROW_FIELDS)."""
        deadlines = self.clock.deadlines([(value[5], value[6]) for value in values])
        rows = []
        for value, deadline in zip(values, deadlines, strict=True):
            (pk, code, title, state, received_at, _due, _overdue, name, name_en, asked,
             *unit) = value
            iso, text = moment(received_at, self.zone)
            rows.append(Row(
                url=f"{self.url_head}{pk}{self.url_tail}",
                code=display_code(code),
                title=title,
                category=(name_en if name_en and self.english else name) or "",
                state=self.states.get(state, state),
                received_at=received_at,
                deadline=deadline,
                unit=unit[0] if unit else "",
                received_iso=iso,
                received_text=text,
                deadline_html=deadline_html(deadline, self.zone),
                show_unit=self.show_unit,
                question_waiting=asked is not None,
            ))
        return rows


_URL_PK = 987654321
# The columns a row shows, read as values (not the case's text and reporter, not model
# instances): the case's id, code, title, the row's state, received, due and overdue times,
# the category's names, when a question from the reporter has waited since, and for an
# assignment its unit's name.
CASE_ROW_FIELDS = ("pk", "tracking_code", "title", "state", "received_at", "due_at",
                   "overdue_at", "category__name", "category__name_en", "clarification_asked_at")
ASSIGNMENT_ROW_FIELDS = ("case_id", "case__tracking_code", "case__title", "state",
                         "case__received_at", "due_at", "overdue_at", "case__category__name",
                         "case__category__name_en", "case__clarification_asked_at", "unit__name")


def case_queue(
    request: HttpRequest, key: str, title: str, queryset: QuerySet[Case], clock: Clock,
    filters: forms.QueueFilterForm,
) -> Queue:
    queryset = apply_filters(queryset, filters, clock.now)
    page, pager = paginate(request, queryset, "page", CASE_ROW_FIELDS)
    return Queue(key=key, title=title, rows=RowMaker(clock, CASE_STATES).rows(list(page)),
                 pager=pager)


def assignment_queue(
    request: HttpRequest, key: str, title: str, queryset: QuerySet[Assignment], clock: Clock,
    filters: forms.QueueFilterForm, param: str = "page",
) -> Queue:
    queryset = apply_filters(queryset, filters, clock.now, via_case="case__")
    page, pager = paginate(request, queryset, param, ASSIGNMENT_ROW_FIELDS)
    rows = RowMaker(clock, ASSIGNMENT_STATES, show_unit=True).rows(list(page))
    return Queue(key=key, title=title, rows=rows, pager=pager, show_unit=True)


def write_queues(queues: list[Queue]) -> SafeString:
    return mark_safe("".join(  # noqa: S308 - rendered templates
        render_to_string("partials/queue.html", {"queue": queue}) for queue in queues))


def render_lists(
    request: HttpRequest, actor: Actor, current: str, heading: str, queues_html: str,
    filters: forms.QueueFilterForm | None, **extra: Any,
) -> HttpResponse:
    return render(request, "workflow/home.html", {
        "heading": heading, "queues_html": mark_safe(queues_html),  # noqa: S308 - as written
        "filters": filters,
        "filters_html": filters_html(filters) if filters and queues_html else "",
        "nav": staff_nav(actor, current), "can_record_call": actor.is_coordinator, **extra,
    })


# --- Views -------------------------------------------------------------------------------------
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The queue of the person's role: coordinator, unit (leaders also approve), supervisor."""
    actor = actor_for(request.user)
    clock = Clock(timezone.now())
    filters = None
    if actor.is_coordinator:
        filters = filter_form(request, actor, Case.COORDINATOR_STATES, CASE_STATES)
    elif actor.units:
        filters = filter_form(request, actor, Assignment.UNIT_WORK_STATES, ASSIGNMENT_STATES)
    elif actor.is_supervisor:
        filters = filter_form(request, actor, Case.State.values, CASE_STATES)
    # The same for every coordinator, every member of the same units: kept for the minute.
    html = kept_queues(queues_key(actor, request.GET.urlencode(), clock.now),
                       lambda: write_queues(home_queues(request, actor, clock, filters)))
    return render_lists(request, actor, "home", _("My cases"), html, filters)


def home_queues(request: HttpRequest, actor: Actor, clock: Clock,
                filters: forms.QueueFilterForm | None) -> list[Queue]:
    """The lists of the person's role, read and counted: what the home page keeps."""
    queues: list[Queue] = []
    if filters is None:
        return queues
    if actor.is_coordinator:
        queues.append(case_queue(
            request, "coordinator", _("Cases waiting for the coordination centre"),
            coordinator_queue(), clock, filters,
        ))
    elif actor.units:
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
        queues.append(case_queue(
            request, "all", _("All cases"),
            visible_cases(actor).select_related("category").order_by("-received_at", "-pk"),
            clock, filters,
        ))
    return queues


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
    return render_lists(request, actor, "escalated", _("Escalated cases"),
                        write_queues([queue]), filters)


@login_required
def hold(request: HttpRequest) -> HttpResponse:
    """Submissions from a contact on the abuse list (Art. 18.2), for the coordinator."""
    actor = actor_for(request.user)
    if not actor.is_coordinator:
        return forbidden_list(request)
    filters = filter_form(request, actor, (), CASE_STATES, units=False)
    queue = case_queue(request, "hold", _("Moderation hold"), held_cases(),
                       Clock(timezone.now()), filters)
    return render_lists(request, actor, "hold", _("Moderation hold"), write_queues([queue]),
                        filters)


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
