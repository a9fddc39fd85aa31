"""The public monitoring and statistics page: anyone may read it, no case is named."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .statistics.public import public_statistics


@require_safe
def statistics(request: HttpRequest) -> HttpResponse:
    """Monitoring and statistics: counts of this month and this year, no case named."""
    return render(request, "reports/public_statistics.html",
                  {"periods": public_statistics(request.LANGUAGE_CODE)})
