"""The answer to the reporter's question after the result (Art. 11.2): the coordination
centre or a unit handling the case, from the case page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from routing.selectors import actor_for

from .. import forms, services
from ..selectors import get_case_for
from ..services.clarifications import answering_assignment
from .actions import perform, refusals_as_pages
from .case.page import CLARIFY


@login_required
@require_POST
@refusals_as_pages
def clarify(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request.user)
    case = get_case_for(actor, pk)  # 404 if not theirs
    answering_assignment(actor, case)  # 403 for a supervisor or a unit that returned it
    form = forms.ClarificationAnswerForm(request.POST, key=CLARIFY)
    return perform(request, actor, case, form, lambda data: services.answer_clarification(
        case_id=case.pk, body=data["body"], actor=actor, now=timezone.now(),
    ), _("The answer was sent to the reporter."))
