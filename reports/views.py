"""The supervisors' and leaders' dashboard, its downloads and the periodic report drafts.

Supervisors and the coordination centre see every scope; a unit leader sees their own
unit(s) only; anyone else is refused (403). The report drafts are the department's:
supervisors and administrators only (403 for anyone else). The units' reply letters are
workflow's (workflow.views.letters).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from routing.audit import record
from routing.models import AuditEvent, Unit
from routing.selectors import Actor, actor_for
from workflow.views.lists import staff_nav

from . import services
from .access import may_prepare_reports, may_see_province, may_see_reports
from .charts import SANS
from .drilldown import PAGE_SIZE, case_rows, metric_labels, metric_queryset, unit_column_metrics
from .formats import period_phrase
from .forms import ReportDraftForm, ReportFilterForm
from .models import ReportDraft, ReportDraftNotice
from .pdf import periodic_pdf
from .presentation import report_charts, report_tables, summary_items
from .statistics import CALENDAR, Period, Scope, build_report, scope_label
from .xlsx import periodic_workbook

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def this_month(*, calendar: bool = False) -> Period:
    """The month in progress: the reporting month (15th to 14th) unless `calendar`."""
    today = timezone.localdate()
    if calendar:
        return Period.month(today.year, today.month)
    return Period.reporting_month_of(today)


@dataclass(frozen=True)
class Selection:
    form: ReportFilterForm
    period: Period
    scope: Scope


def select(request: HttpRequest, actor: Actor) -> Selection:
    """The period and scope asked for, within what `actor` may see; 403 for others."""
    if may_see_province(actor):
        form = ReportFilterForm(request.GET or None)
    elif may_see_reports(actor):
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
    period = data.get("period") or this_month(calendar=data.get("basis") == CALENDAR)
    return Selection(form=form, period=period, scope=Scope(unit=unit, area=area))


def _query(selection: Selection, **extra: str) -> str:
    q = QueryDict(mutable=True)
    q["period"] = selection.period.code
    if selection.period.basis == CALENDAR:
        q["basis"] = CALENDAR
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
        "drafts_url": reverse("reports:drafts") if may_prepare_reports(actor) else "",
        "nav": staff_nav(actor, "reports"),
        "waiting_drafts": ReportDraftNotice.objects.filter(
            user=request.user, draft__status=ReportDraft.Status.DRAFT
        ).count() if may_prepare_reports(actor) else 0,
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
    period = selection.period
    record(AuditEvent.Action.EXPORT, request=request, kind=f"report_{fmt}",
           period=period.code, basis=period.basis, start=period.start.isoformat(),
           end=period.end.isoformat(), scope=selection.scope.kind)
    response = HttpResponse(data, content_type=content_type)
    name = f"bao-cao-1022-{period.slug}.{fmt}"
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


# --- Periodic report drafts (Art. 13.7) ------------------------------------------------
DRAFTS_PAGE_SIZE = 24


def _drafts_actor(request: HttpRequest) -> Actor:
    actor = actor_for(request.user)
    if not may_prepare_reports(actor):
        raise PermissionDenied(_("Periodic report drafts are for supervisors and "
                                 "administrators."))
    return actor


def get_draft_for(actor: Actor, pk: int) -> ReportDraft:
    """The draft, for those who prepare the reports (the caller checked); 404 if none."""
    return get_object_or_404(ReportDraft.objects.select_related("updated_by"), pk=pk)


def draft_period(draft: ReportDraft) -> Period:
    return Period(draft.period_start, draft.period_end, draft.kind)


def _draft_title(draft: ReportDraft) -> str:
    label = ReportDraft.Kind(draft.kind).label
    return f"{label} · {period_phrase(draft.kind, draft.period_start, draft.period_end)}"


@login_required
@require_safe
def drafts(request: HttpRequest) -> HttpResponse:
    _drafts_actor(request)
    page = Paginator(ReportDraft.objects.order_by("-due_on", "kind", "pk"),
                     DRAFTS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reports/drafts.html", {
        "page": page,
        "rows": [{"draft": d, "title": _draft_title(d),
                  "url": reverse("reports:draft", args=[d.pk])} for d in page.object_list],
        "dashboard_url": reverse("reports:dashboard"),
    })


def _draft_page(request: HttpRequest, draft: ReportDraft, form: ReportDraftForm,
                status: int = 200) -> HttpResponse:
    return render(request, "reports/draft.html", {
        "draft": draft,
        "title": _draft_title(draft),
        "form": form,
        "pdf_url": reverse("reports:draft_pdf", args=[draft.pk]),
        "xlsx_url": reverse("reports:draft_xlsx", args=[draft.pk]),
        "finalise_url": reverse("reports:draft_finalise", args=[draft.pk]),
        "drafts_url": reverse("reports:drafts"),
    }, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def draft(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _drafts_actor(request)
    report_draft = get_draft_for(actor, pk)
    if request.method != "POST":
        form = ReportDraftForm(initial={"difficulties": report_draft.difficulties,
                                        "number": report_draft.number})
        return _draft_page(request, report_draft, form)
    form = ReportDraftForm(request.POST)
    if not form.is_valid():
        return _draft_page(request, report_draft, form, status=400)
    try:
        with transaction.atomic():
            saved = services.update_draft(draft_id=report_draft.pk, actor=actor,
                                          now=timezone.now(), **form.cleaned_data)
            record(AuditEvent.Action.CONFIG_CHANGED, request=request, obj=saved,
                   change="report_draft_edited")
    except services.ReportError as exc:
        form.add_error(None, str(exc))
        return _draft_page(request, report_draft, form, status=400)
    messages.success(request, _("The report text was saved."))
    return redirect("reports:draft", pk=saved.pk)


@login_required
@require_POST
def draft_finalise(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _drafts_actor(request)
    report_draft = get_draft_for(actor, pk)
    try:
        with transaction.atomic():
            services.finalise_draft(draft_id=report_draft.pk, actor=actor, now=timezone.now())
            record(AuditEvent.Action.CONFIG_CHANGED, request=request, obj=report_draft,
                   change="report_draft_finalised")
    except services.ReportError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The report was marked as final."))
    return redirect("reports:draft", pk=report_draft.pk)


def _draft_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """A draft is counted again at every download; a final report is served as stored."""
    actor = _drafts_actor(request)
    report_draft = get_draft_for(actor, pk)
    content_type = "application/pdf" if fmt == "pdf" else XLSX_TYPE
    if report_draft.is_final:
        stored = report_draft.pdf_file if fmt == "pdf" else report_draft.xlsx_file
        with stored.open("rb") as handle:
            data = handle.read()
    else:
        report = build_report(draft_period(report_draft), Scope(), timezone.now())
        kwargs = {"difficulties": report_draft.difficulties, "number": report_draft.number,
                  "language": getattr(request, "LANGUAGE_CODE", "vi")}
        data = (periodic_pdf(report, **kwargs) if fmt == "pdf"
                else periodic_workbook(report, **kwargs))
    record(AuditEvent.Action.EXPORT, request=request, obj=report_draft,
           kind=f"report_draft_{fmt}", period=draft_period(report_draft).code,
           report_kind=report_draft.kind, final=report_draft.is_final)
    response = HttpResponse(data, content_type=content_type)
    name = f"bao-cao-1022-{report_draft.kind}-{report_draft.period_end:%Y-%m-%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def draft_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _draft_download(request, pk, "pdf")


@login_required
@require_GET
def draft_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    return _draft_download(request, pk, "xlsx")
