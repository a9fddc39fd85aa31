"""The citizen's pages: submit, track, comment, rate, their photos, and the rules.

The core flow works without JavaScript: plain forms, POST then redirect.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from routing.selectors import actor_for
from workflow.errors import TransitionRefused
from workflow.models import Case
from workflow.models.cases import clean_tracking_code
from workflow.selectors import get_case_for, reporter_case

from . import services
from .forms import CommentForm, RatingForm, SubmitForm, TrackForm, new_idempotency_key
from .models import Attachment
from .selectors import reporter_view, tracked_case
from .throttling import any_limited, client_ip, record_hit, record_hits
from .uploads import limits_text

SUBMITTED_KEY = "public:submitted_code"
TRACKED_KEY = "public:tracked_case"
RETRY_AFTER_SECONDS = 900
SAFE_INLINE_TYPES = {"image/jpeg": "jpg", "image/png": "png"}


def throttled(request: HttpRequest) -> HttpResponse:
    response = render(request, "feedback/throttled.html", status=429)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


# --- Submit (Art. 6) ---------------------------------------------------------------------------
def _submit_page(request: HttpRequest, form: SubmitForm, status: int = 200,
                 warn_diacritics: bool = False) -> HttpResponse:
    return render(request, "feedback/submit.html", {
        "form": form, "photo_limits": limits_text(), "warn_diacritics": warn_diacritics,
        "notice_version": settings.PRIVACY_NOTICE_VERSION,
    }, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _submit_page(request, SubmitForm(initial={"idempotency_key": new_idempotency_key()}))
    ip = client_ip(request)
    form = SubmitForm(request.POST, request.FILES)
    if form.honeypot_filled:
        record_hit("submit:ip", ip)
        form.is_valid()
        form.add_error(None, _("Your feedback could not be sent. Please try again, or call the "
                               "hotline."))
        return _submit_page(request, form, status=400)
    if not form.is_valid():
        return _submit_page(request, form, status=400)
    data = form.cleaned_data
    repeat = Case.objects.filter(idempotency_key=data["idempotency_key"]).exists()
    checks = {"submit:ip": ip, "submit:phone": data["reporter_phone"]}
    if not repeat and any_limited(checks):
        return throttled(request)
    if not repeat and form.needs_diacritics_warning:
        confirmed = request.POST.copy()
        confirmed["diacritics_confirmed"] = "1"
        return _submit_page(request, SubmitForm(confirmed), warn_diacritics=True)
    try:
        case, created = services.submit_case(
            title=data["title"], content=data["content"], reporter_name=data["reporter_name"],
            reporter_phone=data["reporter_phone"], reporter_email=data["reporter_email"],
            reporter_address=data["reporter_address"], is_confidential=data["is_confidential"],
            location_text=data["location_text"], occurred_at=data["occurred_at"],
            category=data["category"], photos=data["photos"],
            notice_version=settings.PRIVACY_NOTICE_VERSION,
            idempotency_key=data["idempotency_key"], language=request.LANGUAGE_CODE,
            now=timezone.now(),
        )
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _submit_page(request, form, status=400)
    if created:
        record_hits(checks)
    request.session[SUBMITTED_KEY] = case.display_code
    return redirect("public:submitted")


@never_cache
@require_safe
def submitted(request: HttpRequest) -> HttpResponse:
    code = request.session.get(SUBMITTED_KEY)
    if not code:
        return redirect("public:submit")
    return render(request, "feedback/submitted.html", {"code": code})


# --- Track (AC3, AC4) -------------------------------------------------------------------------
@never_cache
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "feedback/track.html", {"form": TrackForm()})
    form = TrackForm(request.POST)
    if not form.is_valid():
        return render(request, "feedback/track.html", {"form": form}, status=400)
    code = clean_tracking_code(form.cleaned_data["code"])
    phone = form.cleaned_data["phone"]
    checks = {"track:ip": client_ip(request), "track:code": code, "track:phone": phone}
    if any_limited(checks):
        return throttled(request)
    case = reporter_case(code, phone)
    if case is None:
        record_hits(checks)
        # One answer for an unknown code and a wrong phone: neither is confirmed.
        form.add_error(None, _("We found no feedback with this tracking code and phone number. "
                               "Check both and try again."))
        return render(request, "feedback/track.html", {"form": form})
    request.session.cycle_key()
    request.session[TRACKED_KEY] = case.pk
    return redirect("public:tracked")


def _tracked(request: HttpRequest) -> Case | None:
    case_id = request.session.get(TRACKED_KEY)
    return tracked_case(case_id) if case_id else None


def _tracked_page(request: HttpRequest, case: Case, *, comment_form: CommentForm | None = None,
                  rating_form: RatingForm | None = None, status: int = 200) -> HttpResponse:
    view = reporter_view(case)
    # A refusal from a form that is no longer offered (e.g. already rated) shows at the top.
    refused = [form for form, offered in ((comment_form, view.can_comment),
                                          (rating_form, view.can_rate))
               if form is not None and not offered]
    return render(request, "feedback/tracked.html", {
        "case": view,
        "comment_form": comment_form or CommentForm(),
        "rating_form": rating_form or RatingForm(),
        "refused_forms": refused,
    }, status=status)


@never_cache
@require_safe
def tracked(request: HttpRequest) -> HttpResponse:
    case = _tracked(request)
    if case is None:
        return redirect("public:track")
    return _tracked_page(request, case)


@require_POST
def stop_tracking(request: HttpRequest) -> HttpResponse:
    request.session.pop(TRACKED_KEY, None)
    return redirect("public:track")


# --- Comment and rate (Art. 11) ---------------------------------------------------------------
@require_POST
def comment(request: HttpRequest) -> HttpResponse:
    case = _tracked(request)
    if case is None:
        return redirect("public:track")
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _tracked_page(request, case, comment_form=form, status=400)
    try:
        services.add_reporter_comment(case_id=case.pk, body=form.cleaned_data["body"],
                                      now=timezone.now())
    except (TransitionRefused, ValidationError) as error:
        form.add_error(None, error.messages if isinstance(error, ValidationError) else str(error))
        return _tracked_page(request, case, comment_form=form, status=400)
    messages.success(request, _("Your question was sent to the handling unit."))
    return redirect("public:tracked")


@require_POST
def rate(request: HttpRequest) -> HttpResponse:
    case = _tracked(request)
    if case is None:
        return redirect("public:track")
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _tracked_page(request, case, rating_form=form, status=400)
    try:
        services.rate_case(case_id=case.pk, value=form.cleaned_data["value"],
                           note=form.cleaned_data["note"], now=timezone.now())
    except (TransitionRefused, ValidationError) as error:
        form.add_error(None, error.messages if isinstance(error, ValidationError) else str(error))
        return _tracked_page(request, case, rating_form=form, status=400)
    messages.success(request, _("Thank you: your rating was recorded."))
    return redirect("public:tracked")


# --- Attachments (AC2) --------------------------------------------------------------------------
@never_cache
@require_safe
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """A photo, for staff who may see its case or for the reporter tracking it; else 404."""
    item = Attachment.objects.select_related("case").filter(pk=pk).first()
    if item is None:
        raise Http404
    reporter = request.session.get(TRACKED_KEY) == item.case_id and not item.case.is_state_secret
    if not reporter:
        if not request.user.is_authenticated:
            raise Http404
        get_case_for(actor_for(request.user), item.case_id)  # 404 unless theirs
    extension = SAFE_INLINE_TYPES.get(item.content_type)
    response = FileResponse(
        item.file.open("rb"),
        content_type=item.content_type if extension else "application/octet-stream",
    )
    # A name of our own making: nothing the sender chose reaches the header.
    disposition = "inline" if extension else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{item.kind}-{item.pk}.' \
        f'{extension or "bin"}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Plain-language pages (Art. 5, 6, privacy notice) ---------------------------------------------
@require_safe
def channels(request: HttpRequest) -> HttpResponse:
    return render(request, "feedback/channels.html")


@require_safe
def rules(request: HttpRequest) -> HttpResponse:
    return render(request, "feedback/rules.html", {"photo_limits": limits_text()})


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "feedback/privacy.html",
                  {"notice_version": settings.PRIVACY_NOTICE_VERSION})
