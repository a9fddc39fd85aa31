"""The audit's one place in the request cycle (SECURITY AU1).

Around each view it sets the audit context, so anything recorded during the request (a
transition in a service, a role change in a signal, a change in the admin) carries the
client's address. After the view it records the refusals, whichever code refused:

- every 403: a gate, a permission-checked page, the admin, a CSRF failure;
- a 404 that a view raised for a signed-in person: the permission-checked getters answer
  "not found" for another unit's object (SECURITY AC1), so that is what probing looks like.
  An address that matches no page is not a refusal and is not recorded.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse

from .audit import record, request_context
from .models import AuditEvent

logger = logging.getLogger("routing.audit")


def refused_path(request: HttpRequest) -> str:
    """The path, unless it carries a token or a code (a private link, a tracking code): then
    its pattern, so the audit never holds what opens a case. Numeric ids are kept."""
    match = request.resolver_match
    if match is not None and any(not isinstance(value, int) for value in match.kwargs.values()):
        return "/" + match.route
    return request.path


class AuditMiddleware:
    """Place it after AuthenticationMiddleware: refusals name the signed-in person."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_context(request):
            response = self.get_response(request)
            self.record_refusal(request, response)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        # Only a view's own 404 comes here; an unknown address is answered before any view.
        if isinstance(exception, Http404):
            request._audit_not_found = True  # type: ignore[attr-defined]

    def record_refusal(self, request: HttpRequest, response: HttpResponse) -> None:
        if response.status_code not in (403, 404):
            return
        if getattr(request, "_audit_denial_recorded", False):
            return  # the view recorded it with more to say
        try:
            if response.status_code == 403:
                outcome = "denied"
            elif getattr(request, "_audit_not_found", False) and signed_in(request):
                outcome = "not_found"
            else:
                return
            record(AuditEvent.Action.PERMISSION_DENIED, request=request, outcome=outcome,
                   path=refused_path(request))
        except DatabaseError:
            # The refusal stands; a database outage must not turn it into a 500.
            logger.exception("audit of a refusal not written: the database failed")


def signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)  # reading it may ask the database
    return user is not None and user.is_authenticated
