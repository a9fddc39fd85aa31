"""The public pages of published answers: home, list with filters and search, one answer.

Anonymous visitors are served from the cache where that is safe (publishing/caching.py).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from workflow.letters import letter_file, pdf_response
from workflow.results import photo_response

from .caching import (
    CASE_CACHE_SECONDS,
    LISTS_KEY,
    NAMES_KEY,
    answer_items,
    cached_page,
    list_is_cacheable,
    page_key,
    visitor_is_anonymous,
)
from .forms import AnswerFilterForm
from .letters import get_public_photo, public_assignments, public_results
from .selectors import (
    all_public,
    answer_id_page,
    get_public_answer,
    latest_answers,
    public_answers,
    public_stamp,
)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    def context() -> dict[str, Any]:
        return {"latest": latest_answers(request.LANGUAGE_CODE)}

    if not (visitor_is_anonymous(request) and not request.GET):
        return render(request, "publishing/home.html", context())
    return cached_page(
        request, key=page_key(request, "home"), generation_keys=(NAMES_KEY, LISTS_KEY),
        template_name="publishing/home.html", context=context, still_public=all_public,
        case_ids=lambda data: [answer.pk for answer in data["latest"]],
    )


@require_safe
def answers(request: HttpRequest) -> HttpResponse:
    def context() -> dict[str, Any]:
        form = AnswerFilterForm(request.GET or None)
        filters = form.filters()
        page = answer_id_page(filters, request.GET.get("page"))
        ids = list(page.object_list)
        page.object_list = answer_items(ids, request.LANGUAGE_CODE, render=render_answers)
        query = request.GET.copy()
        query.pop("page", None)
        return {"form": form, "page": page, "case_ids": ids, "filters": filters,
                "query": query.urlencode(), "searching": bool(filters.q)}

    def render_answers(ids: list[int]) -> dict[int, str]:
        return {answer.pk: render_to_string("partials/public_answer_item.html",
                                            {"answer": answer, "level": 2})
                for answer in public_answers(ids, request.LANGUAGE_CODE)}

    if not (visitor_is_anonymous(request) and list_is_cacheable(request)):
        return render(request, "publishing/answers.html", context())
    return cached_page(
        request, key=page_key(request, "answers"), generation_keys=(NAMES_KEY, LISTS_KEY),
        template_name="publishing/answers.html", context=context, still_public=all_public,
        case_ids=lambda data: data["case_ids"],
        keep=lambda data: not data["form"].errors,  # a filter naming no row is not kept
    )


@require_safe
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    def context() -> dict[str, Any]:
        return {"answer": get_public_answer(pk, request.LANGUAGE_CODE),
                "results": public_results(pk)}

    if not (visitor_is_anonymous(request) and not request.GET):
        return render(request, "publishing/answer.html", context())
    stamp = public_stamp(pk)  # 404 unless public, on every request
    return cached_page(
        request, key=page_key(request, "answer", f"{pk}:{stamp}"),
        generation_keys=(NAMES_KEY,), template_name="publishing/answer.html", context=context,
        timeout=CASE_CACHE_SECONDS,
    )


@require_GET
def letter(request: HttpRequest, assignment_pk: int) -> HttpResponse:
    """The reply letter of a public case's unit, for anyone; 404 for any other case."""
    assignment = get_object_or_404(
        public_assignments().select_related("case", "unit"), pk=assignment_pk
    )
    found = letter_file(assignment, public=True)
    if found is None:
        raise Http404
    return pdf_response(found)


@never_cache
@require_safe
def photo(request: HttpRequest, pk: int) -> HttpResponseBase:
    """An evidence photo of a public case's reply, for anyone; 404 for any other photo."""
    return photo_response(get_public_photo(pk))
