"""The reporter's own requests about their personal data (SECURITY DP7), from the tracked page.

The reporter has opened their case with its tracking code and phone (the session holds it);
that proves who is asking, so the form asks only what they want. The request covers every
case filed with the same phone; the coordination centre answers it within the legal time.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from routing.selectors import REPORTER
from workflow.models import DataRequest
from workflow.privacy import requests as privacy
from workflow.privacy.forms import DataRequestForm

from .selectors import tracked_case
from .views import TRACKED_KEY


@never_cache
def data_request(request):
    case_id = request.session.get(TRACKED_KEY)
    case = tracked_case(case_id) if case_id else None
    if case is None:
        return redirect("public:track")
    form = DataRequestForm(request.POST or None)
    # Who is asking is known from the tracked case: the form keeps only the request itself.
    del form.fields["tracking_code"], form.fields["phone"]
    if request.method == "POST" and form.is_valid():
        try:
            filed = privacy.file_request(
                case=case, kind=form.cleaned_data["kind"], channel=DataRequest.Channel.WEB,
                actor=REPORTER, now=timezone.now(), details=form.cleaned_data["details"],
                corrections=form.corrections(), http_request=request)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            return render(request, "feedback/data_request_done.html", {"item": filed})
    status = 400 if request.method == "POST" else 200
    return render(request, "feedback/data_request.html", {
        "form": form, "code": case.tracking_code,
        "requests": privacy.requests_of_reporter(case),
    }, status=status)
