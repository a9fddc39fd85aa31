"""The result as the reporter tracking their case reads it: each unit's reply letter and the
evidence photos of its approved reply, for a public case and for a confidential one, whose
reporter alone sees them (Art. 10.3b). Never for a state secret (SECURITY DP4).

The session proves the reader opened the case with its code and phone (feedback.views.track);
anything else answers 404, as a missing file does (SECURITY AC2).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from workflow.letters import letter_file, pdf_response
from workflow.results import photo_response

from .selectors import get_reporter_assignment, get_reporter_photo
from .views import TRACKED_KEY


def _tracked_case_id(request: HttpRequest) -> int:
    case_id = request.session.get(TRACKED_KEY)
    if not case_id:
        raise Http404
    return int(case_id)


@never_cache
@require_safe
def result_photo(request: HttpRequest, pk: int) -> HttpResponseBase:
    return photo_response(get_reporter_photo(_tracked_case_id(request), pk))


@never_cache
@require_safe
def result_letter(request: HttpRequest, assignment_pk: int) -> HttpResponse:
    """The letter as it was released: the signed copy once uploaded, else the generated one
    with the reply the coordinator released (its public copy, which names no one)."""
    assignment = get_reporter_assignment(_tracked_case_id(request), assignment_pk)
    found = letter_file(assignment, public=True)
    if found is None:
        raise Http404
    return pdf_response(found)
