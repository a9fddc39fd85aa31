"""The public pages of published answers: home, list with filters and search, one answer."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .forms import AnswerFilterForm
from .selectors import answer_page, get_public_answer, latest_answers
from .statistics import public_statistics


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "publishing/home.html",
                  {"latest": latest_answers(request.LANGUAGE_CODE)})


@require_safe
def answers(request: HttpRequest) -> HttpResponse:
    form = AnswerFilterForm(request.GET or None)
    filters = form.filters()
    page = answer_page(filters, request.GET.get("page"), request.LANGUAGE_CODE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "publishing/answers.html", {
        "form": form, "page": page, "filters": filters, "query": query.urlencode(),
        "searching": bool(filters.q),
    })


@require_safe
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "publishing/answer.html",
                  {"answer": get_public_answer(pk, request.LANGUAGE_CODE)})


@require_safe
def statistics(request: HttpRequest) -> HttpResponse:
    """Monitoring and statistics: counts of this month and this year, no case named."""
    return render(request, "publishing/statistics.html",
                  {"periods": public_statistics(request.LANGUAGE_CODE)})
