"""The JSON API, version 1: submit, track, comment, rate; published answers; the codes of
categories, units and areas.

Plain function views. The methods each answers are named in urls.py (http.allow), which
also explains why the API needs no CSRF token: submitting needs an API key (X-Api-Key),
and the reporter's actions need the tracking code together with the phone (AC3), both in
the request itself.
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

from config.pagination import BoundedPaginator
from publishing.selectors import PublicAnswer, TimelineEntry, answer_page, get_public_answer
from routing.models import Area
from workflow.errors import TransitionRefused
from workflow.models import Case
from workflow.models.cases import clean_tracking_code
from workflow.selectors import reporter_case

from .. import services as feedback_services
from ..selectors import reporter_view
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
    ApiPageForm,
    ApiRatingForm,
    ApiSubmitForm,
    ApiTrackForm,
    ApiUploadForm,
    active_categories,
    active_units,
    communes,
)
from .schema import DocumentCodes, openapi_document

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


@never_cache
def submit(request: HttpRequest) -> JsonResponse:
    api_key = auth.authenticate_key(request.headers.get(API_KEY_HEADER))
    if api_key is None:
        return http.general_error(_("A valid API key is required."), status=403)
    raw_key = request.headers.get("Idempotency-Key")
    try:
        if raw_key == "":  # sent, yet no key: the document's pattern refuses it
            raise ValueError(raw_key)
        idempotency_key = auth.scoped_idempotency_key(f"app:{api_key.pk}", raw_key)
    except ValueError:
        return http.general_error(_("The Idempotency-Key header must be 16 to 64 letters, "
                                    "digits, dashes or underscores."))
    try:
        data, files = http.request_fields(request, ApiSubmitForm)
    except http.BadBody as bad:
        return http.error_response(bad.errors)
    if uploads_limited(request):
        return http.throttled_response()
    form = ApiSubmitForm(data, files)
    if not form.is_valid():
        if form.has_error("photos") or form.has_error("videos"):
            record_upload(request)
        # A date in the future or before 1900 is well-formed: the document says so in
        # words, as no schema can compare dates; refused alone, it is 422 (documented).
        codes = {e.code for errors in form.errors.as_data().values() for e in errors}
        status = 422 if codes <= {"future", "out_of_range"} else 400
        return http.error_response(http.form_errors(form), status=status)
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
    # What the document cannot say, well-formed tokens naming no photo held for this key
    # and more photos in all than a case takes, is 422, not 400 (a document violation).
    tokens = cleaned["photo_tokens"]
    try:
        held = api_uploads.held_photos(api_key.pk, tokens)
    except ValidationError as error:
        return http.error_response({PHOTO_TOKENS: list(error.messages)}, status=422)
    photos = [*cleaned["photos"], *held]
    if len(photos) > settings.PUBLIC_PHOTO_MAX_COUNT:
        return http.error_response({PHOTO_TOKENS: [
            _("Send at most %(count)d photos.") % {"count": settings.PUBLIC_PHOTO_MAX_COUNT}]},
            status=422)
    try:
        case, created = feedback_services.submit_case(
            channel=Case.Channel.APP, title=cleaned["title"], content=cleaned["content"],
            reporter_name=cleaned["reporter_name"], reporter_phone=cleaned["reporter_phone"],
            reporter_email=cleaned["reporter_email"],
            reporter_address=cleaned["reporter_address"],
            is_confidential=cleaned["is_confidential"], location_text=cleaned["location_text"],
            latitude=cleaned["latitude"], longitude=cleaned["longitude"],
            occurred_at=cleaned["occurred_at"], category=cleaned["category"],
            area=cleaned["area"], photos=photos, notice_version=settings.PRIVACY_NOTICE_VERSION,
            sms_updates=cleaned["sms_updates"], email_updates=cleaned["email_updates"],
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


@never_cache
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
    try:
        data, files = http.request_fields(request, ApiUploadForm)
    except http.BadBody as bad:
        return http.error_response(bad.errors)
    form = ApiUploadForm(data, files)
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
def _tracked(case: Case) -> dict:
    view = reporter_view(case)
    # `state` is the machine value, as in the receipt; `state_label` what a person reads.
    return {
        "code": view.code, "state": case.state, "state_label": str(view.state),
        "is_confidential": view.is_confidential,
        "title": view.title, "content": view.content, "location_text": view.location_text,
        "received_at": iso(view.received_at), "published_at": iso(view.published_at),
        "reply": view.reply_text, "timeline": _timeline(view.timeline),
        "comments": [{"at": iso(c.at), "author": str(c.author), "body": c.body,
                      "is_reporter": c.is_reporter} for c in view.comments],
        "photo_count": len(view.photos), "can_comment": view.can_comment,
        "can_rate": view.can_rate, "rating": str(view.rating),
    }


@never_cache
def track(request: HttpRequest) -> JsonResponse:
    try:
        data, _files = http.request_fields(request, ApiTrackForm)
    except http.BadBody as bad:
        return http.error_response(bad.errors)
    form = ApiTrackForm(data)
    if not form.is_valid():
        return http.error_response(http.form_errors(form))
    found = _reporter_lookup(request, form.cleaned_data["code"], form.cleaned_data["phone"])
    if isinstance(found, JsonResponse):
        return found
    return http.json_response(_tracked(found))


def _reporter_action(request: HttpRequest, code: str, form_class, act) -> JsonResponse:
    try:
        data, _files = http.request_fields(request, form_class)
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
        # A well-formed request the case's state refuses (not yet published, already
        # rated): a conflict with the resource, not a request against the document.
        return http.general_error(refused.message, status=409)
    except ValidationError as error:
        return http.error_response(http.validation_errors(error, set(form.fields)))
    found.refresh_from_db()
    return http.json_response(_tracked(found), status=201)


@never_cache
def rate(request: HttpRequest, code: str) -> JsonResponse:
    def act(case: Case, data: dict) -> None:
        feedback_services.rate_case(case_id=case.pk, value=data["value"], note=data["note"],
                                    now=timezone.now())
    return _reporter_action(request, code, ApiRatingForm, act)


@never_cache
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


def answers(request: HttpRequest) -> JsonResponse:
    form = ApiAnswerFilterForm(request.GET)
    if not form.is_valid():
        return http.error_response(http.form_errors(form))
    number = form.cleaned_data["page"] or 1
    page = answer_page(form.filters(), number, get_language() or "vi")
    if page.number != number:  # the paginator's get_page falls back; an API says so
        return http.not_found_response()
    return http.json_response(_page_of(page, [_answer(request, a) for a in page.object_list]))


def _page_of(page, results: list) -> dict:
    return {"count": page.paginator.count, "page": page.number,
            "pages": page.paginator.num_pages, "results": results}


def answer(request: HttpRequest, pk: str) -> JsonResponse:
    number = http.parse_id(pk)
    if number is None:
        return http.not_found_response()
    try:
        found = get_public_answer(number, get_language() or "vi")
    except Http404:
        return http.not_found_response()
    return http.json_response(_answer(request, found, detail=True))


def categories(request: HttpRequest) -> JsonResponse:
    return http.json_response([
        {"code": c.code, "name": c.label} for c in active_categories()
    ])


# The codes the answer filters take (`unit`, `area`), a page at a time: a province has
# hundreds of units and communes.
CODE_PAGE_SIZE = 100


def _code_page(request: HttpRequest, rows, row) -> JsonResponse:
    form = ApiPageForm(request.GET)
    if not form.is_valid():
        return http.error_response(http.form_errors(form))
    number = form.cleaned_data["page"] or 1
    paginator = BoundedPaginator(rows, CODE_PAGE_SIZE, limit=10 * CODE_PAGE_SIZE,
                                 page_number=number)
    if number > paginator.num_pages:
        return http.not_found_response()
    page = paginator.page(number)
    return http.json_response(_page_of(page, [row(item) for item in page.object_list]))


def units(request: HttpRequest) -> JsonResponse:
    return _code_page(request, active_units().select_related("area").order_by("name", "pk"),
                      lambda u: {"code": u.code, "name": u.name, "kind": u.kind,
                                 "area": u.area.code if u.area else None})


def areas(request: HttpRequest) -> JsonResponse:
    return _code_page(request, Area.objects.select_related("parent").order_by("name", "pk"),
                      lambda a: {"code": a.code, "name": a.name, "level": a.level,
                                 "parent": a.parent.code if a.parent else None})


def openapi(request: HttpRequest) -> JsonResponse:
    codes = DocumentCodes(
        categories=list(active_categories().values_list("code", flat=True)),
        units=list(active_units().values_list("code", flat=True)),
        areas=list(Area.objects.values_list("code", flat=True)),
        communes=list(communes().values_list("code", flat=True)),
    )
    return http.json_response(openapi_document(server_url=request.build_absolute_uri("/"),
                                               codes=codes))
