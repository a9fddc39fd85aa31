"""A draft's evidence photos, served to those who may read the draft (SECURITY AC2).

The files live under a private path; this view and the citizen's views of a released result
(publishing, feedback) are their only ways out, all through workflow.results.photo_response.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from routing.selectors import actor_for

from ..results import photo_response
from ..selectors import get_draft_photo_for


@never_cache
@require_safe
@login_required
def draft_photo(request: HttpRequest, pk: int) -> FileResponse:
    return photo_response(get_draft_photo_for(actor_for(request.user), pk))  # 404 unless theirs
