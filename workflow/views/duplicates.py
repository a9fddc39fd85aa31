"""The coordinator's answers to a possible duplicate on the case page: close this case as a
duplicate of the listed one, or dismiss the suggestion. Each form posts here with its
listed case's id; a refusal comes back on the case page with its reason."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from routing.selectors import Actor, actor_for

from .. import forms, services
from ..errors import TransitionRefused
from ..models import Case
from ..selectors import get_case_for
from .actions import gate, refusals_as_pages
from .case import COORDINATOR, render_case


def _answer(request: HttpRequest, actor: Actor, case: Case, form: forms.ActionForm,
            call: Callable[[dict[str, Any]], object], success: str) -> HttpResponse:
    if not form.is_valid():
        return render_case(request, actor, case, error=_("Choose a case from the list."),
                           status=400)
    try:
        call(form.cleaned_data)
    except ValidationError as error:
        return render_case(request, actor, case, error=" ".join(error.messages), status=400)
    except TransitionRefused as refused:
        return render_case(request, actor, case, error=refused.message, status=409)
    messages.success(request, success)
    return redirect(case.get_absolute_url())


@login_required
@require_POST
@refusals_as_pages
def close_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request.user)
    case = get_case_for(actor, pk)  # 404 if not theirs
    gate(actor, COORDINATOR)
    form = forms.CloseDuplicateForm(request.POST, key="close_duplicate")
    return _answer(request, actor, case, form, lambda data: services.close_as_duplicate(
        case_id=case.pk, original_id=data["original"], actor=actor, now=timezone.now(),
    ), _("The case was closed as a duplicate; its reporter will be told."))


@login_required
@require_POST
@refusals_as_pages
def dismiss_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request.user)
    case = get_case_for(actor, pk)  # 404 if not theirs
    gate(actor, COORDINATOR)
    form = forms.DismissDuplicateForm(request.POST, key="dismiss_duplicate")
    return _answer(request, actor, case, form, lambda data: services.dismiss_duplicate(
        case_id=case.pk, other_id=data["other"], actor=actor, now=timezone.now(),
    ), _("The suggestion was dismissed."))
