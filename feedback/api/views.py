"""The JSON API, version 1: submit, track, comment, rate; published answers; categories.

Plain function views. A POST is exempt from CSRF only where a browser's cookies carry no
authority: submitting needs an API key (X-Api-Key), and the reporter's actions need the
tracking code together with the phone (AC3), both in the request itself.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from publishing.selectors import PublicAnswer, TimelineEntry, answer_page, get_public_answer
from routing.models import Category
from workflow.errors import TransitionRefused
from workflow.models import Case
from workflow.models.cases import clean_tracking_code
from workflow.selectors import reporter_case

from .. import services as feedback_services
from ..selectors import TrackedCase, reporter_view
from ..throttling import (
    UPLOAD_SCOPE,
    any_limited,
    client_ip,
    record_hits,
    record_upload,
    uploads_limited,
)
from . import auth, http
from . import uploads as api_uploads
from .forms import (
    ApiAnswerFilterForm,
    ApiCommentForm,
    ApiRatingForm,
    ApiSubmitForm,
    ApiTrackForm,
    ApiUploadForm,
)
from .schema import openapi_document

API_KEY_HEADER = "X-Api-Key"
PHOTO_TOKENS = "photo_tokens"


def iso(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _timeline(entries: list[TimelineEntry]) -> list[dict]:
    return [{"at": iso(e.at), "label": str(e.label)} for e in entries]


def _not_found_pair() -> JsonResponse:
    # One answer for an unknown code and a wrong phone: neither is confirmed (AC4).
    return http.general_error(_("We found no feedback with this tracking code and phone "
                                "number. Check both and try again."), status=404)


def _reporter_lookup(request: HttpRequest, code: str, phone: str) -> Case | JsonResponse:
    """The case for code + phone, throttled like the track page (failures count)."""
    code = clean_tracking_code(code)
    checks = {"track:ip": client_ip(request), "track:code": code, "track:phone": phone}
    if any_limited(checks):
        return http.throttled_response()
    case = reporter_case(code, phone) if len(code) <= 16 else None
    if case is None:
        record_hits(checks)
        return _not_found_pair()
    return case


# --- Submit (Art. 6) ---------------------------------------------------------------------------
def _receipt(case: Case) -> dict:
    return {"code": case.display_code, "state": case.state,
            "state_label": str(case.get_state_display()), "received_at": iso(case.received_at)}


@csrf_exempt
@never_cache
@require_POST
def submit(request: HttpRequest) -> JsonResponse:
    api_key = auth.authenticate_key(request.headers.get(API_KEY_HEADER))
    if api_key is None:
        return http.general_error(_("A valid API key is required."), status=403)
    try:
        idempotency_key = auth.scoped_idempotency_key(
            f"app:{api_key.pk}", request.headers.get("Idempotency-Key"))
    except ValueError:
        return http.general_error(_("The Idempotency-Key header must be 16 to 64 letters, "
                                    "digits, dashes or underscores."))
    try:
        data, files = http.request_fields(request, lists={PHOTO_TOKENS})
    except http.BadBody as bad:
        return http.error_response(bad.errors)
    if uploads_limited(request):
        return http.throttled_response()
    form = ApiSubmitForm(data, files)
    if not form.is_valid():
        if form.has_error("photos") or form.has_error("videos"):
            record_upload(request)
        return http.error_response(http.form_errors(form))
    cleaned = form.cleaned_data
    repeat = Case.objects.filter(idempotency_key=idempotency_key).first() \
        if idempotency_key else None
    if repeat is not None:
        if repeat.reporter_phone != cleaned["reporter_phone"]:
            return http.general_error(_("This Idempotency-Key was already used for another "
                                        "submission."), status=409)
        return http.json_response(_receipt(repeat), status=200)
    checks = {"submit:ip": client_ip(request), "submit:phone": cleaned["reporter_phone"]}
    if any_limited(checks):
        return http.throttled_response()
    tokens = data.getlist(PHOTO_TOKENS) if hasattr(data, "getlist") else []
    try:
        held = api_uploads.held_photos(api_key.pk, tokens)
    except ValidationError as error:
        return http.error_response({PHOTO_TOKENS: list(error.messages)})
    photos = [*cleaned["photos"], *held]
    if len(photos) > settings.PUBLIC_PHOTO_MAX_COUNT:
        return http.error_response({PHOTO_TOKENS: [
            _("Send at most %(count)d photos.") % {"count": settings.PUBLIC_PHOTO_MAX_COUNT}]})
    try:
        case, created = feedback_services.submit_case(
            channel=Case.Channel.APP, title=cleaned["title"], content=cleaned["content"],
            reporter_name=cleaned["reporter_name"], reporter_phone=cleaned["reporter_phone"],
            reporter_email=cleaned["reporter_email"],
            reporter_address=cleaned["reporter_address"],
            is_confidential=cleaned["is_confidential"], location_text=cleaned["location_text"],
            latitude=cleaned["latitude"], longitude=cleaned["longitude"],
            occurred_at=cleaned["occurred_at"], category=cleaned["category"],
            photos=photos, notice_version=settings.PRIVACY_NOTICE_VERSION,
            idempotency_key=idempotency_key, language=get_language() or "vi",
            now=timezone.now(),
        )
    except ValidationError as error:
        return http.error_response(http.validation_errors(error, set(form.fields)))
    if created:
        record_hits(checks)
        # A token is used once; the case, committed by now, holds its photo.
        api_uploads.release(api_key.pk, tokens)
    return http.json_response(_receipt(case), status=201 if created else 200)


@csrf_exempt
@never_cache
@require_POST
def upload(request: HttpRequest) -> JsonResponse:
    """One photo ahead of its submission: checked, re-encoded, held under a token."""
    api_key = auth.authenticate_key(request.headers.get(API_KEY_HEADER))
    if api_key is None:
        return http.general_error(_("A valid API key is required."), status=403)
    if request.content_type != "multipart/form-data":
        return http.general_error(_("Send the photo as multipart/form-data, in the field "
                                    "“photo”."), status=415)
    if any_limited({UPLOAD_SCOPE: client_ip(request)}):
        return http.throttled_response()
    form = ApiUploadForm(request.POST, request.FILES)
    # Counted before it is checked: a refused photo cost its decoding too.
    record_hits({UPLOAD_SCOPE: client_ip(request)})
    if not form.is_valid():
        return http.error_response(http.form_errors(form))
    photo = form.cleaned_data["photo"]
    token, expires_at = api_uploads.hold_photo(api_key.pk, photo)
    return http.json_response({
        "token": token, "expires_at": iso(expires_at), "content_type": photo.content_type,
        "size": photo.size, "width": photo.width, "height": photo.height,
    }, status=201)


# --- Track, comment, rate (AC3, AC4; Art. 11) ---------------------------------------------------
def _tracked(view: TrackedCase) -> dict:
    return {
        "code": view.code, "state": view.state, "is_confidential": view.is_confidential,
        "title": view.title, "content": view.content, "location_text": view.location_text,
        "received_at": iso(view.received_at), "published_at": iso(view.published_at),
        "reply": view.reply_text, "timeline": _timeline(view.timeline),
        "comments": [{"at": iso(c.at), "author": str(c.author), "body": c.body,
                      "is_reporter": c.is_reporter} for c in view.comments],
        "photo_count": len(view.photos), "can_comment": view.can_comment,
        "can_rate": view.can_rate, "rating": str(view.rating),
    }


@csrf_exempt
@never_cache
@require_POST
def track(request: HttpRequest) -> JsonResponse:
    try:
        data, _files = http.request_fields(request)
    except http.BadBody as bad:
        return http.error_response(bad.errors)
    form = ApiTrackForm(data)
    if not form.is_valid():
        return http.error_response(http.form_errors(form))
    found = _reporter_lookup(request, form.cleaned_data["code"], form.cleaned_data["phone"])
    if isinstance(found, JsonResponse):
        return found
    return http.json_response(_tracked(reporter_view(found)))


def _reporter_action(request: HttpRequest, code: str, form_class, act) -> JsonResponse:
    try:
        data, _files = http.request_fields(request)
    except http.BadBody as bad:
        return http.error_response(bad.errors)
    form = form_class(data)
    if not form.is_valid():
        return http.error_response(http.form_errors(form))
    found = _reporter_lookup(request, code, form.cleaned_data["phone"])
    if isinstance(found, JsonResponse):
        return found
    try:
        act(found, form.cleaned_data)
    except TransitionRefused as refused:
        return http.general_error(refused.message)
    except ValidationError as error:
        return http.error_response(http.validation_errors(error, set(form.fields)))
    found.refresh_from_db()
    return http.json_response(_tracked(reporter_view(found)), status=201)


@csrf_exempt
@never_cache
@require_POST
def rate(request: HttpRequest, code: str) -> JsonResponse:
    def act(case: Case, data: dict) -> None:
        feedback_services.rate_case(case_id=case.pk, value=data["value"], note=data["note"],
                                    now=timezone.now())
    return _reporter_action(request, code, ApiRatingForm, act)


@csrf_exempt
@never_cache
@require_POST
def comment(request: HttpRequest, code: str) -> JsonResponse:
    def act(case: Case, data: dict) -> None:
        feedback_services.add_reporter_comment(case_id=case.pk, body=data["body"],
                                               now=timezone.now())
    return _reporter_action(request, code, ApiCommentForm, act)


# --- Published answers (Art. 10, 12.2) ---------------------------------------------------------
def _answer(request: HttpRequest, answer: PublicAnswer, *, detail: bool = False) -> dict:
    data = {
        "id": answer.pk, "title": answer.title, "content": answer.content,
        "location_text": answer.location_text, "category": answer.category,
        "area": answer.area, "received_at": iso(answer.received_at),
        "published_at": iso(answer.published_at), "reply": answer.reply_text,
        "units": answer.units, "url": request.build_absolute_uri(answer.url),
    }
    if detail:
        data["timeline"] = _timeline(answer.timeline)
    return data


@require_safe
def answers(request: HttpRequest) -> JsonResponse:
    form = ApiAnswerFilterForm(request.GET)
    if not form.is_valid():
        return http.error_response(http.form_errors(form))
    page = answer_page(form.filters(), form.cleaned_data["page"] or 1, get_language() or "vi")
    paginator = page.paginator
    return http.json_response({
        "count": paginator.count, "page": page.number, "pages": paginator.num_pages,
        "results": [_answer(request, answer) for answer in page.object_list],
    })


@require_safe
def answer(request: HttpRequest, pk: str) -> JsonResponse:
    number = http.parse_id(pk)
    if number is None:
        return http.not_found_response()
    try:
        found = get_public_answer(number, get_language() or "vi")
    except Http404:
        return http.not_found_response()
    return http.json_response(_answer(request, found, detail=True))


@require_safe
def categories(request: HttpRequest) -> JsonResponse:
    english = get_language() == "en"
    return http.json_response([
        {"code": c.code, "name": c.name_en if english and c.name_en else c.name}
        for c in Category.objects.filter(is_active=True)
    ])


@require_safe
def openapi(request: HttpRequest) -> JsonResponse:
    return http.json_response(openapi_document(server_url=request.build_absolute_uri("/")))
