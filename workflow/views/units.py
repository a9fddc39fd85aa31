"""The supervision view of each unit (Art. 17): the list of units with their figures, and
one unit's figures with its open cases.

A supervisor (the province's leadership) reads every active unit; a unit leader reads the
units they lead, and another unit's view answers 404 (SECURITY AC1). Read only: nothing
here changes a case. The units are tens to a few hundred, so the list is chosen, sorted in
Vietnamese order and paged in Python from one query of two columns; the figures of the
page's units are one aggregate query.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from routing.selectors import actor_for
from routing.text import matches, vietnamese_sort_key

from .. import forms
from ..models import Assignment
from ..selectors import (
    UnitSupervision,
    get_supervised_unit_for,
    supervised_units,
    unit_figures,
    unit_inbox,
)
from .lists import ASSIGNMENT_STATES, PAGE_SIZE, Clock, Pager, page_url, staff_nav
from .queues import assignment_queue, filter_form, filters_html, forbidden_list


@dataclass(frozen=True)
class UnitRow:
    url: str
    figures: UnitSupervision


@login_required
@require_safe
def units(request: HttpRequest) -> HttpResponse:
    """Every unit the person supervises, with its figures; filtered by name and kind."""
    actor = actor_for(request.user)
    supervised = supervised_units(actor)
    if supervised is None:
        return forbidden_list(request)
    finder = forms.UnitFinderForm(request.GET or None)
    values: dict[str, str] = {}
    if finder.is_bound:
        if not finder.is_valid():
            messages.warning(request, _("Some filters were not understood and were left out."))
        values = finder.filters()
    if "kind" in values:
        supervised = supervised.filter(kind=values["kind"])
    names = sorted(supervised.values_list("pk", "name"),
                   key=lambda unit: vietnamese_sort_key(unit[1]))
    if "q" in values:
        names = [(pk, name) for pk, name in names if matches(values["q"], name)]
    paginator = Paginator(names, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    pager = Pager(
        count=paginator.count, number=page.number, num_pages=paginator.num_pages,
        previous_url=page_url(request, "page", page.previous_page_number())
        if page.has_previous() else "",
        next_url=page_url(request, "page", page.next_page_number()) if page.has_next() else "",
    )
    head, tail = reverse("staff:unit", args=[_URL_PK]).split(str(_URL_PK))
    rows = [UnitRow(url=f"{head}{figures.unit_id}{tail}", figures=figures)
            for figures in unit_figures(list(page), timezone.now())]
    return render(request, "workflow/units.html", {
        "rows": rows, "pager": pager, "finder": finder,
        "month": timezone.localtime(), "nav": staff_nav(actor, "units"),
    })


_URL_PK = 987654321


@login_required
@require_safe
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One unit's figures and its open cases, for its leader or a supervisor."""
    actor = actor_for(request.user)
    if supervised_units(actor) is None:
        return forbidden_list(request)
    unit = get_supervised_unit_for(actor, pk)  # 404 if not theirs
    clock = Clock(timezone.now())
    [figures] = unit_figures([(unit.pk, unit.name)], clock.now)
    cases = unit_inbox({unit.pk})
    if not actor.is_member_of(unit.pk):
        cases = cases.filter(case__is_state_secret=False)  # a supervisor never reads them (DP4)
    filters = filter_form(request, actor, Assignment.UNIT_WORK_STATES, ASSIGNMENT_STATES,
                          units=False)
    queue = assignment_queue(request, "unit", _("Open cases of the unit"), cases, clock,
                             filters)
    return render(request, "workflow/unit.html", {
        "unit": figures, "queue": queue, "filters_html": filters_html(filters),
        "month": timezone.localtime(clock.now),
        "nav": staff_nav(actor, "units" if actor.is_supervisor else "supervision"),
    })
