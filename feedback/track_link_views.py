"""The private tracking link: a reporter without a phone opens their case by it (AC3).

The link is the key, so it is kept out of every place a URL travels to: no Referer leaves
its page (Referrer-Policy), no log holds it (config/redaction.py), and no cache keeps the
answer. It opens the case in the session exactly as code and phone do.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .selectors import case_by_track_link
from .throttling import client_ip, is_limited, record_hit
from .views import TRACKED_KEY, _track_page, throttled


@never_cache
@require_safe
def track_link(request: HttpRequest, token: str) -> HttpResponse:
    ip = client_ip(request)
    # Guessing links costs an address its lookup allowance, as guessing codes does.
    if is_limited("track:ip", ip):
        response = throttled(request)
    elif (case := case_by_track_link(token)) is None:
        record_hit("track:ip", ip)
        messages.error(request, _("This link opens no feedback. Check that you copied the "
                                  "whole link, or enter your tracking code below."))
        response = _track_page(request, status=404)
    else:
        request.session.cycle_key()
        request.session[TRACKED_KEY] = case.pk
        response = redirect("public:tracked")
    response["Referrer-Policy"] = "no-referrer"
    return response
