"""Reads of cases and assignments: one permission-checked getter per model (SECURITY AC1)."""

from __future__ import annotations

from django.db.models import F, Q, QuerySet
from django.http import Http404

from routing.selectors import Actor

from .models import Assignment, Case


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
    """The case, or 404 when `actor` may not see it (the same answer as "no such case")."""
    try:
        return visible_cases(actor).select_related("category", "area").get(pk=pk)
    except Case.DoesNotExist:
        raise Http404 from None


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
        Case.objects.filter(state__in=Case.COORDINATOR_STATES)
        .select_related("category")
        .order_by(F("due_at").asc(nulls_last=True), "received_at")
    )


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
