"""The supervisors' and leaders' dashboard, its downloads and the Appendix 1 reply letter.

Supervisors and the coordination centre see every scope; a unit leader sees their own
unit(s) only; anyone else is refused (403). The reply letter is the coordinator's and the
unit's only, and exists once the leader approved the draft (404 otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
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


def _query(selection: Selection) -> str:
    q = QueryDict(mutable=True)
    q["period"] = selection.period.code
    if selection.scope.unit:
        q["unit"] = selection.scope.unit.code
    if selection.scope.area:
        q["area"] = selection.scope.area.code
    return q.urlencode()


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request.user)
    selection = select(request, actor)
    report = build_report(selection.period, selection.scope, timezone.now())
    query = _query(selection)
    return render(request, "reports/dashboard.html", {
        "form": selection.form,
        "period": selection.period,
        "scope": scope_label(selection.scope),
        "summary": summary_items(report.summary),
        "tables": report_tables(report),
        "charts": report_charts(report, font_family=SANS),
        "pdf_url": f"{reverse('reports:pdf')}?{query}",
        "xlsx_url": f"{reverse('reports:xlsx')}?{query}",
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
