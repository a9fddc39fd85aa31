"""The coordinator's pages for reporters' personal data requests (SECURITY DP7).

Only the coordination centre (and the administrator) sees them: a request names a reporter,
whom units must not identify (DP3). Every step goes through privacy/requests.py, which audits.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from routing.selectors import Actor, actor_for

from ..errors import TransitionRefused
from ..selectors import reporter_case
from ..views.actions import forbidden
from ..views.lists import paginate, staff_nav
from . import requests as privacy
from .forms import DataRequestForm, NoteForm, RefuseForm
from .models import DataRequest


def _coordinator(request: HttpRequest) -> Actor | None:
    actor = actor_for(request.user)
    return actor if (actor.is_coordinator or actor.is_admin) else None


@login_required
def data_requests(request: HttpRequest) -> HttpResponse:
    """Open requests, the nearest deadline first; `?closed=1` for the closed ones."""
    actor = _coordinator(request)
    if actor is None:
        return forbidden(request, _("Only the coordination centre handles personal data "
                                    "requests."))
    closed = request.GET.get("closed") == "1"
    rows = (DataRequest.objects.exclude(status=DataRequest.Status.OPEN).order_by("-completed_at",
                                                                                  "-pk")
            if closed else privacy.open_requests())
    page, pager = paginate(request, rows.only(
        "kind", "status", "channel", "tracking_code", "received_at", "answer_by", "complete_by",
        "answered_at", "completed_at"), "page")
    return render(request, "workflow/data_requests.html", {
        "nav": staff_nav(actor, "data_requests"), "page": page, "pager": pager,
        "closed": closed, "now": timezone.now(),
    })


@login_required
def data_request_new(request: HttpRequest) -> HttpResponse:
    """Record a request received by hotline, in person or by letter, after checking the
    tracking code and the phone the person gives, as the portal does."""
    actor = _coordinator(request)
    if actor is None:
        return forbidden(request, _("Only the coordination centre handles personal data "
                                    "requests."))
    form = DataRequestForm(request.POST or None, staff=True)
    if request.method == "POST" and form.is_valid():
        case = reporter_case(form.cleaned_data["tracking_code"], form.cleaned_data["phone"])
        if case is None:
            form.add_error("tracking_code", _("No case has this tracking code with this phone "
                                              "number."))
        else:
            try:
                data_request = privacy.file_request(
                    case=case, kind=form.cleaned_data["kind"],
                    channel=form.cleaned_data["channel"], actor=actor, now=timezone.now(),
                    details=form.cleaned_data["details"], corrections=form.corrections(),
                    http_request=request)
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("The request was recorded."))
                return redirect("staff:data_request", pk=data_request.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "workflow/data_request_new.html", {
        "nav": staff_nav(actor, "data_requests"), "form": form}, status=status)


def _page(request: HttpRequest, actor: Actor, data_request: DataRequest, *,
          refuse_form: RefuseForm | None = None, error: str = "", status: int = 200
          ) -> HttpResponse:
    return render(request, "workflow/data_request.html", {
        "nav": staff_nav(actor, "data_requests"),
        "item": data_request,
        "cases": privacy.cases_of(data_request).only("pk", "tracking_code", "state",
                                                      "received_at").order_by("received_at"),
        "corrections": [(DataRequest._meta.get_field("corrections").verbose_name, name, value)
                        for name, value in data_request.corrections.items()],
        # Each form its own prefix: the page shows two at once, and ids must stay unique.
        "answer_form": NoteForm(prefix="answer"),
        "step_form": NoteForm(prefix=_STEP_OF_KIND[data_request.kind]),
        "refuse_form": refuse_form or RefuseForm(),
        "error": error,
        "now": timezone.now(),
    }, status=status)


@login_required
def data_request(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _coordinator(request)
    if actor is None:
        raise Http404
    return _page(request, actor, get_object_or_404(DataRequest, pk=pk))


_STEP_OF_KIND = {DataRequest.Kind.ACCESS: "complete", DataRequest.Kind.CORRECT: "correct",
                 DataRequest.Kind.DELETE: "erase"}
STEPS: dict[str, tuple[Callable[..., Any], str]] = {
    "answer": (privacy.answer, gettext_lazy("The reporter's answer was recorded.")),
    "complete": (privacy.complete_access, gettext_lazy("The request was closed.")),
    "correct": (privacy.apply_corrections, gettext_lazy("The contact data was corrected.")),
    "erase": (privacy.erase, gettext_lazy("The contact data was erased.")),
}


@login_required
@require_POST
def data_request_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Answer, carry out or refuse a request; a refusal of the service shows on the page."""
    actor = _coordinator(request)
    if actor is None:
        raise Http404
    data_request = get_object_or_404(DataRequest, pk=pk)
    now = timezone.now()
    try:
        if step == "refuse":
            form = RefuseForm(request.POST)
            if not form.is_valid():
                return _page(request, actor, data_request, refuse_form=form, status=400)
            privacy.refuse(request_id=pk, actor=actor, now=now,
                           reason=form.cleaned_data["reason"], http_request=request)
            messages.success(request, _("The request was refused and the reason recorded."))
        elif step in STEPS:
            form = NoteForm(request.POST, prefix=step)
            note = form.cleaned_data["note"] if form.is_valid() else ""
            service, done = STEPS[step]
            service(request_id=pk, actor=actor, now=now, note=note, http_request=request)
            messages.success(request, str(done))
        else:
            raise Http404
    except TransitionRefused as refused:
        return _page(request, actor, data_request, error=refused.message, status=409)
    except PermissionDenied as denied:
        return forbidden(request, str(denied))
    return redirect("staff:data_request", pk=pk)


@login_required
@require_POST
def data_request_export(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything held about the person, as a JSON file to give them (audited)."""
    actor = _coordinator(request)
    if actor is None:
        raise Http404
    data_request = get_object_or_404(DataRequest, pk=pk)
    document = privacy.export(data_request=data_request, actor=actor, http_request=request)
    response = HttpResponse(
        json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="personal-data-{data_request.tracking_code}.json"')
    response["Cache-Control"] = "no-store"
    return response
