"""The citizen's pages: submit, track, comment, rate, their photos, and the rules.

The core flow works without JavaScript: plain forms, POST then redirect.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from routing.selectors import actor_for
from workflow.errors import TransitionRefused
from workflow.models import Case
from workflow.models.cases import clean_tracking_code
from workflow.selectors import get_case_for, reporter_case

from . import intake, otp, services
from .forms import (
    CommentForm,
    LegacyReading,
    OtpCheckForm,
    OtpRequestForm,
    RatingForm,
    SubmitForm,
    TrackForm,
    new_idempotency_key,
)
from .intake import store_files
from .models import Attachment, Submission
from .selectors import case_by_email, reporter_results, reporter_view, tracked_case
from .throttling import (
    any_limited,
    client_ip,
    record_hit,
    record_hits,
    record_upload,
    uploads_limited,
)
from .uploads import limits_text
from .videos import limits_text as video_limits_text

# The "sent" page's signed cookie: the case id, for a few minutes.
SUBMITTED_COOKIE = "submitted"
SUBMITTED_MAX_AGE = 10 * 60
# The id is a submission's (it was a case's before the intake): a salt of its own, so that
# a cookie signed by the previous release is refused rather than read as another row.
SUBMITTED_SALT = "submitted:submission"
TRACKED_KEY = "public:tracked_case"
# The number a one-time code was asked for, then the number proved by the code.
OTP_PHONE_KEY = "public:otp_phone"
VERIFIED_PHONE_KEY = "public:verified_phone"
RETRY_AFTER_SECONDS = 900
# What we store is one of these, set from the bytes (uploads, videos); anything else would
# be downloaded, never shown.
SAFE_INLINE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "video/mp4": "mp4",
                     "video/webm": "webm"}


def throttled(request: HttpRequest) -> HttpResponse:
    response = render(request, "feedback/throttled.html", status=429)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


# --- Submit (Art. 6) ---------------------------------------------------------------------------
def _submit_page(request: HttpRequest, form: SubmitForm, status: int = 200,
                 warn_diacritics: bool = False, legacy: LegacyReading | None = None
                 ) -> HttpResponse:
    return render(request, "feedback/submit.html", {
        "form": form, "photo_limits": limits_text(), "video_limits": video_limits_text(),
        "warn_diacritics": warn_diacritics, "legacy": legacy,
        "confirm": warn_diacritics or legacy is not None,
        "notice_version": settings.PRIVACY_NOTICE_VERSION,
    }, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _submit_page(request, SubmitForm(initial={"idempotency_key": new_idempotency_key()}))
    ip = client_ip(request)
    if uploads_limited(request):
        return throttled(request)
    form = SubmitForm(request.POST, request.FILES)
    if form.honeypot_filled:
        record_hit("submit:ip", ip)
        form.is_valid()
        form.add_error(None, _("Your feedback could not be sent. Please try again, or call the "
                               "hotline."))
        return _submit_page(request, form, status=400)
    if not form.is_valid():
        if form.has_error("photos") or form.has_error("videos"):
            record_upload(request)
        return _submit_page(request, form, status=400)
    data = form.cleaned_data
    checks = {"submit:ip": ip, "submit:phone": data["reporter_phone"]}
    # A repeat of a sent form (double submit, retry) is neither refused nor warned about:
    # it shows the first submission's page. Only asked on those two rare paths.
    if any_limited(checks) and not _already_sent(data["idempotency_key"]):
        return throttled(request)
    # Warned once, with everything typed kept: the page's form then carries the
    # confirmation of each warning it shows, so sending it again sends the text as it is.
    warn_diacritics, legacy = form.needs_diacritics_warning, form.legacy_warning
    if (warn_diacritics or legacy) and not _already_sent(data["idempotency_key"]):
        confirmed = request.POST.copy()
        if warn_diacritics:
            confirmed["diacritics_confirmed"] = "1"
        if legacy:
            confirmed["legacy_confirmed"] = "1"
        return _submit_page(request, SubmitForm(confirmed), warn_diacritics=warn_diacritics,
                            legacy=legacy)
    # Stored now, attached by the worker: a duplicate's copies are removed by accept().
    files = store_files(data["photos"], data["videos"])
    submission, created = intake.accept(
        data, files=files, notice_version=settings.PRIVACY_NOTICE_VERSION,
        language=request.LANGUAGE_CODE, now=timezone.now(),
    )
    if created:
        record_hits(checks)
    response = redirect("public:submitted")
    # No session row for it: a signed, short-lived cookie that only the "sent" page receives,
    # holding the submission's id (never the code or the phone), read back on the server.
    response.set_signed_cookie(
        SUBMITTED_COOKIE, str(submission.pk), salt=SUBMITTED_SALT, max_age=SUBMITTED_MAX_AGE,
        path=reverse("public:submitted"), secure=settings.SESSION_COOKIE_SECURE,
        httponly=True, samesite="Lax",
    )
    return response


def _already_sent(idempotency_key: str) -> bool:
    return Submission.objects.filter(idempotency_key=idempotency_key).exists()


@never_cache
@require_safe
def submitted(request: HttpRequest) -> HttpResponse:
    submission_id = request.get_signed_cookie(SUBMITTED_COOKIE, default=None,
                                              salt=SUBMITTED_SALT, max_age=SUBMITTED_MAX_AGE)
    if not (submission_id and submission_id.isdigit()):
        return redirect("public:submit")
    # The first submission's answer (a retry changes nothing), which is what the outbox
    # follows; the code is the case's once it is built.
    submission = (Submission.objects.filter(pk=int(submission_id))
                  .only("tracking_code", "sms_updates").first())
    if submission is None:
        return redirect("public:submit")
    return render(request, "feedback/submitted.html", {
        "code": submission.display_code, "sms_updates": submission.sms_updates is not False,
    })


# --- Track (AC3, AC4) -------------------------------------------------------------------------
def _track_page(request: HttpRequest, *, form: TrackForm | None = None,
                otp_form: OtpRequestForm | None = None, waiting: Submission | None = None,
                status: int = 200) -> HttpResponse:
    return render(request, "feedback/track.html", {
        "form": form or TrackForm(), "otp_form": otp_form or OtpRequestForm(),
        "waiting": waiting,
    }, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _track_page(request)
    form = TrackForm(request.POST)
    if not form.is_valid():
        return _track_page(request, form=form, status=400)
    code = clean_tracking_code(form.cleaned_data["code"])
    phone, email = form.cleaned_data["phone"], form.cleaned_data["email"]
    # The phone when given, else the e-mail: each contact has the same allowance.
    checks = {"track:ip": client_ip(request), "track:code": code, "track:phone": phone or email}
    if any_limited(checks):
        return throttled(request)
    case = reporter_case(code, phone) if phone else case_by_email(code, email)
    if case is None and phone and (waiting := intake.waiting_submission(code, phone)):
        # Sent moments ago, and the worker has not built the case yet.
        return _track_page(request, waiting=waiting)
    if case is None:
        record_hits(checks)
        # One answer for an unknown code and a wrong phone or e-mail: neither is confirmed.
        form.add_error(None, _("We found no feedback with this tracking code and phone number. "
                               "Check both and try again.") if phone else
                       _("We found no feedback with this tracking code and e-mail address. "
                         "Check both and try again."))
        return _track_page(request, form=form)
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
        "results": reporter_results(case),
        "comment_form": comment_form or CommentForm(),
        "rating_form": rating_form or RatingForm(),
        "refused_forms": refused,
        "phone_verified": VERIFIED_PHONE_KEY in request.session,
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
    if VERIFIED_PHONE_KEY in request.session:
        return redirect("public:my_cases")
    return redirect("public:track")


# --- A lost tracking code: a one-time code by SMS (AC3, AC4) --------------------------------------
@never_cache
@require_POST
def otp_request(request: HttpRequest) -> HttpResponse:
    form = OtpRequestForm(request.POST)
    if not form.is_valid():
        return _track_page(request, otp_form=form, status=400)
    phone = form.cleaned_data["phone"]
    # Every request counts, known number or not, so the limits tell nothing either.
    checks = {"otp_send:ip": client_ip(request), "otp_send:phone": phone}
    if any_limited(checks):
        return throttled(request)
    if otp.sms_held():
        # The gateway is down: nothing goes to any number, so the phone's allowance is not
        # spent; the address's is, as it bounds the asking itself.
        record_hit("otp_send:ip", checks["otp_send:ip"])
        return _sms_not_sent(request, form)
    record_hits(checks)
    try:
        otp.send_code(phone)
    except otp.OtpUnavailable:
        # Only a number with feedback reaches the gateway, so an outage can tell a number
        # apart; the send limits keep that to a handful of tries.
        return _sms_not_sent(request, form)
    request.session[OTP_PHONE_KEY] = phone
    return redirect("public:otp_check")


def _sms_not_sent(request: HttpRequest, form: OtpRequestForm) -> HttpResponse:
    form.add_error(None, _("We could not send the SMS just now. Please try again in a few "
                           "minutes, or call the hotline."))
    response = _track_page(request, otp_form=form, status=503)
    # Like every outage answer (SECURITY RE5): when the gateway's next check is due.
    response["Retry-After"] = str(math.ceil(settings.OUTBOX_BREAKER_PROBE_SECONDS))
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def otp_check(request: HttpRequest) -> HttpResponse:
    phone = request.session.get(OTP_PHONE_KEY)
    if not phone:
        return redirect("public:track")
    if request.method != "POST":
        return _otp_check_page(request, phone, OtpCheckForm())
    form = OtpCheckForm(request.POST)
    if not form.is_valid():
        return _otp_check_page(request, phone, form, status=400)
    checks = {"otp_check:ip": client_ip(request), "otp_check:phone": phone}
    if any_limited(checks):
        return throttled(request)
    result = otp.check_code(phone, form.cleaned_data["code"])
    if result is not otp.Check.OK:
        record_hits(checks)
        form.add_error("code", _("This code is not right. Check the SMS and type it again.")
                       if result is otp.Check.WRONG else
                       _("This code has expired or was tried too many times. Ask for a new "
                         "code."))
        return _otp_check_page(request, phone, form, status=400)
    request.session.cycle_key()
    request.session.pop(OTP_PHONE_KEY, None)
    request.session.pop(TRACKED_KEY, None)
    request.session[VERIFIED_PHONE_KEY] = phone
    return redirect("public:my_cases")


def _otp_check_page(request: HttpRequest, phone: str, form: OtpCheckForm,
                    status: int = 200) -> HttpResponse:
    return render(request, "feedback/otp_check.html", {
        "form": form, "phone": phone,
        "minutes": int(settings.PUBLIC_OTP["TTL_SECONDS"]) // 60,
    }, status=status)


@never_cache
@require_safe
def my_cases(request: HttpRequest) -> HttpResponse:
    phone = request.session.get(VERIFIED_PHONE_KEY)
    if not phone:
        return redirect("public:track")
    return render(request, "feedback/my_cases.html", {
        "page": otp.cases_of_phone(phone, request.GET.get("page")),
    })


@require_POST
def open_case(request: HttpRequest) -> HttpResponse:
    phone = request.session.get(VERIFIED_PHONE_KEY)
    if not phone:
        return redirect("public:track")
    try:
        case_id = int(request.POST.get("case", ""))
    except ValueError:
        raise Http404 from None
    # Only a case sent from the proved number: a forged id is someone else's case.
    case = otp.case_of_phone(phone, case_id)
    if case is None:
        raise Http404
    request.session[TRACKED_KEY] = case.pk
    return redirect("public:tracked")


@require_POST
def forget_phone(request: HttpRequest) -> HttpResponse:
    request.session.pop(VERIFIED_PHONE_KEY, None)
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
def attachment(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A photo or video, for staff who may see its case or for the reporter tracking it;
    else 404."""
    item = Attachment.objects.select_related("case").filter(pk=pk).first()
    if item is None:
        raise Http404
    reporter = request.session.get(TRACKED_KEY) == item.case_id and not item.case.is_state_secret
    if not reporter:
        if not request.user.is_authenticated:
            raise Http404
        get_case_for(actor_for(request.user), item.case_id)  # 404 unless theirs
    extension = SAFE_INLINE_TYPES.get(item.content_type)
    content_type = item.content_type if extension else "application/octet-stream"
    try:
        wanted = _byte_range(request.headers.get("Range", ""), item.file.size)
    except ValueError:
        response: HttpResponseBase = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{item.file.size}"
        return _attachment_headers(response, item, extension)
    if wanted is None:
        response = FileResponse(item.file.open("rb"), content_type=content_type)
    else:
        # Browsers play a video by asking for it in pieces (Safari will not play it otherwise).
        start, end = wanted
        response = StreamingHttpResponse(_file_part(item, start, end), status=206,
                                         content_type=content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{item.file.size}"
        response["Content-Length"] = str(end - start + 1)
    return _attachment_headers(response, item, extension)


def _attachment_headers(response: HttpResponseBase, item: Attachment,
                        extension: str | None) -> HttpResponseBase:
    # A name of our own making: nothing the sender chose reaches the header.
    disposition = "inline" if extension else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{item.kind}-{item.pk}.' \
        f'{extension or "bin"}"'
    response["Accept-Ranges"] = "bytes"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


BYTE_RANGE = re.compile(r"^bytes=(\d{0,15})-(\d{0,15})$")


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """The one byte range asked for, as (first, last) inclusive; None for the whole file
    (no header, or several ranges). ValueError when the range lies outside the file."""
    match = BYTE_RANGE.match(header.strip())
    if not match or not any(match.groups()):
        return None
    first, last = match.groups()
    if first:
        start, end = int(first), min(int(last), size - 1) if last else size - 1
    else:  # "bytes=-500": the last 500 bytes
        start, end = max(size - int(last), 0), size - 1
    if start > end:
        raise ValueError("unsatisfiable range")
    return start, end


def _file_part(item: Attachment, start: int, end: int) -> Iterator[bytes]:
    with item.file.open("rb") as f:
        f.seek(start)
        left = end - start + 1
        while left > 0:
            chunk = f.read(min(left, 64 * 1024))
            if not chunk:
                return
            left -= len(chunk)
            yield chunk


# --- Plain-language pages (Art. 5, 6, privacy notice) ---------------------------------------------
@require_safe
def channels(request: HttpRequest) -> HttpResponse:
    return render(request, "feedback/channels.html")


@require_safe
def rules(request: HttpRequest) -> HttpResponse:
    return render(request, "feedback/rules.html", {"photo_limits": limits_text(),
                                                   "video_limits": video_limits_text()})


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "feedback/privacy.html",
                  {"notice_version": settings.PRIVACY_NOTICE_VERSION})
