"""The cases behind a dashboard figure: the statistics' own filters, listed.

Each metric names the query its figure counts (`reports.statistics`), so a list is as long
as its figure. `row` narrows to one unit of the ranking, as its row does. A list page costs
one COUNT and one page query, whatever the number of cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from routing.models import Unit
from workflow.models import Assignment, Case, CaseEvent

from .statistics.figures import _events, _handled, _late
from .statistics.periods import Period, Scope

PAGE_SIZE = 50


def metric_labels() -> dict[str, str]:
    """The metrics a figure links to, under the dashboard's own headings."""
    return {
        "received": _("Received"),
        "handled": _("Handled by units"),
        "on_time": _("Handled on time"),
        "late": _("Handled late"),
        "extended": _("Extended"),
        "overdue_now": _("Overdue now"),
        "returned": _("Returned by units (Art. 8.2b)"),
        "redistributed": _("Redistributed (Art. 10.4)"),
    }


# The unit ranking's columns that link, by heading.
def unit_column_metrics() -> dict[str, str]:
    return {
        _("Received"): "received", _("Handled"): "handled", _("On time"): "on_time",
        _("Late"): "late", _("Extended"): "extended", _("Overdue now"): "overdue_now",
        _("Returned"): "returned", _("Redistributed"): "redistributed",
    }


@dataclass(frozen=True)
class CaseRow:
    case_id: int
    code: str
    title: str
    unit: str
    at: datetime | None


def metric_queryset(metric: str, period: Period, scope: Scope,
                    row: Unit | None = None) -> QuerySet:
    """The rows a figure counts: cases, assignments or events. KeyError if unknown."""
    if metric == "received":
        qs = Case.objects.filter(scope.cases(), period.lookup("received_at"))
        if row is not None:
            held = Assignment.objects.filter(unit=row).exclude(
                state=Assignment.State.RETURNED
            ).values("case_id")
            qs = qs.filter(pk__in=held)
        return qs.order_by("-received_at", "-pk")
    if metric in ("handled", "on_time", "late", "extended"):
        qs = _handled(period, scope)
        if metric == "on_time":
            qs = qs.filter(~_late(period))
        elif metric == "late":
            qs = qs.filter(_late(period))
        elif metric == "extended":
            qs = qs.filter(is_extended=True)
        ordering = ("-approved_at", "-pk")
    elif metric == "overdue_now":
        qs = Assignment.objects.filter(
            scope.assignments(), state__in=Assignment.UNIT_WORK_STATES, overdue_at__isnull=False
        )
        ordering = ("due_at", "pk")
    elif metric in ("returned", "redistributed"):
        kind = (CaseEvent.Kind.RETURNED if metric == "returned"
                else CaseEvent.Kind.SENT_BACK_REDISTRIBUTION)
        qs = _events(period, scope).filter(kind=kind)
        ordering = ("-at", "-pk")
    else:
        raise KeyError(metric)
    if row is not None:
        qs = qs.filter(unit=row)
    return qs.select_related("case", "unit").order_by(*ordering)


def case_rows(objects, metric: str, show_secrets: bool) -> list[CaseRow]:
    """One line per counted row; a state secret's title only for the coordination centre."""
    hidden = _("(state secret)")
    rows = []
    for obj in objects:
        if isinstance(obj, Case):
            case, unit, at = obj, None, obj.received_at
        else:
            case, unit = obj.case, obj.unit
            at = (obj.approved_at if metric in ("handled", "on_time", "late", "extended")
                  else obj.due_at if metric == "overdue_now" else obj.at)
        rows.append(CaseRow(
            case_id=case.pk, code=case.display_code,
            title=hidden if case.is_state_secret and not show_secrets else case.title,
            unit=unit.name if unit is not None else "", at=at,
        ))
    return rows
