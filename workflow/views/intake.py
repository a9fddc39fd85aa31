"""A hotline call typed in by the coordinator becomes a new case (Art. 5)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from routing.selectors import actor_for

from .. import services
from ..forms import HotlineForm
from ..models import Case
from .actions import forbidden


@login_required
@require_http_methods(["GET", "POST"])
def hotline(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request.user)
    if not actor.is_coordinator:
        return forbidden(request, _("Only the coordination centre can do this."))
    if request.method == "GET":
        return render(request, "workflow/hotline.html", {"form": HotlineForm()})
    form = HotlineForm(request.POST)
    if form.is_valid():
        try:
            case = services.receive_case(channel=Case.Channel.HOTLINE, by=actor,
                                         now=timezone.now(), **form.cleaned_data)
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, _("The call was recorded as case %(code)s.")
                             % {"code": case.display_code})
            return redirect(case)
    return render(request, "workflow/hotline.html", {"form": form}, status=400)
