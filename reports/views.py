"""The supervisors' and leaders' dashboard, its downloads and the Appendix 1 reply letter.

Supervisors and the coordination centre see every scope; a unit leader sees their own
unit(s) only; anyone else is refused (403). The reply letter is the coordinator's and the
unit's only, and exists once the leader approved the draft (404 otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from routing.audit import record
from routing.models import AuditEvent, Unit
from routing.selectors import Actor, actor_for
from workflow.selectors import get_assignment_for

from .charts import SANS
from .drilldown import PAGE_SIZE, case_rows, metric_labels, metric_queryset, unit_column_metrics
from .forms import ReportFilterForm
from .pdf import approved_draft, periodic_pdf, reply_letter_pdf
from .presentation import report_charts, report_tables, summary_items
from .statistics import Period, Scope, build_report, scope_label
from .xlsx import periodic_workbook

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def may_see_province(actor: Actor) -> bool:
    return actor.is_supervisor or actor.is_coordinator or actor.is_admin


def this_month() -> Period:
    today = timezone.localdate()
    return Period.month(today.year, today.month)


@dataclass(frozen=True)
class Selection:
    form: ReportFilterForm
    period: Period
    scope: Scope


def select(request: HttpRequest, actor: Actor) -> Selection:
    """The period and scope asked for, within what `actor` may see; 403 for others."""
    if may_see_province(actor):
        form = ReportFilterForm(request.GET or None)
    elif actor.leader_units:
        form = ReportFilterForm(
            request.GET or None, units=Unit.objects.filter(pk__in=actor.leader_units),
        )
    else:
        raise PermissionDenied(_("Reports are for supervisors, the coordination centre and "
                                 "unit leaders."))
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    unit, area = data.get("unit"), data.get("area")
    if not may_see_province(actor) and unit is None:
        unit = Unit.objects.filter(pk__in=actor.leader_units).order_by("name").first()
    return Selection(form=form, period=data.get("period") or this_month(),
                     scope=Scope(unit=unit, area=area))


def _query(selection: Selection, **extra: str) -> str:
    q = QueryDict(mutable=True)
    q["period"] = selection.period.code
    if selection.scope.unit:
        q["unit"] = selection.scope.unit.code
    if selection.scope.area:
        q["area"] = selection.scope.area.code
    for key, value in extra.items():
        q[key] = value
    return q.urlencode()


def _cases_url(selection: Selection, metric: str, row: str = "") -> str:
    extra = {"metric": metric, **({"row": row} if row else {})}
    return f"{reverse('reports:cases')}?{_query(selection, **extra)}"


def _link_figures(report, selection: Selection, summary, tables):
    """The summary's and the unit ranking's figures, each linked to its cases."""
    by_label = {label: metric for metric, label in metric_labels().items()}
    summary = [
        (label, replace(cell, url=_cases_url(selection, by_label[label]))
         if label in by_label else cell)
        for label, cell in summary
    ]
    columns = unit_column_metrics()
    for table in tables:
        if table.key != "units":
            continue
        linked = {i: columns[h] for i, h in enumerate(table.headers) if h in columns}
        table.rows[:] = [
            [replace(cell, url=_cases_url(selection, linked[i], unit.code))
             if i in linked else cell for i, cell in enumerate(row)]
            for unit, row in zip(report.units, table.rows, strict=True)
        ]
    return summary, tables


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request.user)
    selection = select(request, actor)
    report = build_report(selection.period, selection.scope, timezone.now())
    query = _query(selection)
    summary, tables = _link_figures(report, selection, summary_items(report.summary),
                                    report_tables(report))
    return render(request, "reports/dashboard.html", {
        "form": selection.form,
        "period": selection.period,
        "scope": scope_label(selection.scope),
        "summary": summary,
        "tables": tables,
        "charts": report_charts(report, font_family=SANS),
        "pdf_url": f"{reverse('reports:pdf')}?{query}",
        "xlsx_url": f"{reverse('reports:xlsx')}?{query}",
    })


@login_required
@require_GET
def drilldown(request: HttpRequest) -> HttpResponse:
    """The cases behind one figure of the dashboard, seen as the dashboard is (403/404)."""
    actor = actor_for(request.user)
    selection = select(request, actor)
    metric = request.GET.get("metric", "")
    labels = metric_labels()
    if metric not in labels:
        raise Http404
    row = None
    if code := request.GET.get("row", ""):
        row = Unit.objects.filter(code=code).first()
        if row is None or not (may_see_province(actor) or row.pk in actor.leader_units):
            raise Http404
    qs = metric_queryset(metric, selection.period, selection.scope, row)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reports/cases.html", {
        "title": labels[metric],
        "period": selection.period,
        "scope": row.name if row is not None else scope_label(selection.scope),
        "page": page,
        "rows": case_rows(page.object_list, metric, show_secrets=actor.is_coordinator),
        "query": _query(selection, metric=metric, **({"row": row.code} if row else {})),
        "dashboard_url": f"{reverse('reports:dashboard')}?{_query(selection)}",
    })


def _download(request: HttpRequest, fmt: str) -> HttpResponse:
    actor = actor_for(request.user)
    selection = select(request, actor)
    report = build_report(selection.period, selection.scope, timezone.now())
    language = getattr(request, "LANGUAGE_CODE", "vi")
    if fmt == "pdf":
        data, content_type = periodic_pdf(report, language=language), "application/pdf"
    else:
        data, content_type = periodic_workbook(report, language=language), XLSX_TYPE
    record(AuditEvent.Action.EXPORT, request=request, kind=f"report_{fmt}",
           period=selection.period.code, scope=selection.scope.kind)
    response = HttpResponse(data, content_type=content_type)
    name = f"bao-cao-1022-{selection.period.code.replace('..', '_')}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def download_pdf(request: HttpRequest) -> HttpResponse:
    return _download(request, "pdf")


@login_required
@require_GET
def download_xlsx(request: HttpRequest) -> HttpResponse:
    return _download(request, "xlsx")


@login_required
@require_GET
def reply_letter(request: HttpRequest, assignment_pk: int) -> HttpResponse:
    actor = actor_for(request.user)
    assignment = get_assignment_for(actor, assignment_pk)  # 404 if not visible
    if not (actor.is_coordinator or actor.is_member_of(assignment.unit_id)):
        raise Http404
    draft = approved_draft(assignment)
    if draft is None:
        raise Http404
    response = HttpResponse(reply_letter_pdf(assignment, draft), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="tra-loi-{assignment.case.tracking_code}-{assignment.unit.code}.pdf"'
    )
    return response
