"""Staff log-in (SECURITY AC5): password, lockout, the two-factor code page and enrolment.

A correct password logs a unit member in at once. A coordinator or an administrator (or anyone
who enrolled) is not logged in yet: the code page asks for the authenticator's code, or, with
no confirmed authenticator, the enrolment page shows a new secret and asks for its first code
(only inside an enrolment window the administrator opened for that person; outside it the
log-in page says to ask the administrator, and no session starts).
Failures of either step count toward the same lockout (workflow/auth.py), whose answer
(429) gives the seconds left of it in Retry-After on every page. Wrong passwords for
many names from one address slow that address, except for browsers that logged in before
(workflow/address_limit.py). The audit rows of log-in, failure and log-out come from Django's
signals (routing/signals.py).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import LoginView
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from routing.audit import record
from routing.models import AuditEvent, TwoFactorDevice

from .. import address_limit, auth


def locked_message() -> str:
    return _("Too many failed attempts. Try again in 15 minutes.")


def slowed_message(seconds: int) -> str:
    return _("Too many failed log-ins from your network. Wait %(seconds)s seconds and try "
             "again.") % {"seconds": seconds}


def logged_in_redirect(request: HttpRequest, url: str, user: Any) -> HttpResponse:
    """The answer to a full log-in: on to `url`, and this browser is now known for the name."""
    response = redirect(url)
    address_limit.remember_browser(request, response, user.get_username())
    return response


def enrolment_not_allowed_message() -> str:
    return _("Your account needs two-factor log-in, which is not set up yet. Ask the "
             "administrator to allow you to set up two-factor authentication.")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("6-digit code"),
        max_length=12,
        widget=forms.TextInput(attrs={
            "autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True,
        }),
    )


class StaffLoginView(LoginView):
    template_name = "workflow/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = request.POST.get("username", "")
        ip = auth.request_ip(request)
        if locked_for := auth.lock_seconds_left(username, ip):
            # Refused before the password is even looked at.
            record(AuditEvent.Action.LOCKED_OUT, request=request, outcome="refused",
                   username_tried=username)
            context = self.get_context_data(form=self.form_class(request),
                                            login_error=locked_message())
            response = self.render_to_response(context, status=429)
            response["Retry-After"] = str(locked_for)
            return response
        if (address_limit.is_slowed(ip) and not address_limit.is_known_browser(request, username)
                and not address_limit.take_turn(ip)):
            # Not this attempt's turn: asked to wait, the password unchecked and uncounted.
            wait = address_limit.seconds_to_wait()
            context = self.get_context_data(form=self.form_class(request),
                                            login_error=slowed_message(wait))
            response = self.render_to_response(context, status=429)
            response["Retry-After"] = str(wait)
            return response
        form = self.get_form()
        if form.is_valid():
            return self.form_valid(form)
        if auth.register_failure(username, ip):
            record(AuditEvent.Action.LOCKED_OUT, request=request, outcome="locked",
                   username_tried=username, failures=auth.MAX_FAILURES)
        if address_limit.register_failure(ip, username):
            record(AuditEvent.Action.LOCKED_OUT, request=request, outcome="slowed",
                   reason="many_names_from_address", names=address_limit.names_allowed())
        return self.form_invalid(form)

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if auth.needs_second_step(user):
            if auth.confirmed_device(user) is None:
                if not auth.may_enrol(user):
                    return self.refuse_enrolment(form, user)
                auth.start_pending(self.request, user, self.get_redirect_url())
                return redirect("staff:two_factor")
            auth.start_pending(self.request, user, self.get_redirect_url())
            return redirect("staff:login_code")
        auth.reset_failures(user.get_username(), auth.request_ip(self.request))
        response = super().form_valid(form)
        address_limit.remember_browser(self.request, response, user.get_username())
        return response

    def refuse_enrolment(self, form: Any, user: Any) -> HttpResponse:
        """A right password, but two-factor is needed and the administrator has not allowed
        this person to set it up: no session, no secret, an audited refusal."""
        auth.clear_pending(self.request)
        record(AuditEvent.Action.LOGIN_FAILED, request=self.request, actor=user,
               outcome="refused", username_tried=user.get_username(),
               reason="two_factor_enrolment_not_allowed")
        context = self.get_context_data(form=form, login_error=enrolment_not_allowed_message(),
                                        enrolment_not_allowed=True)
        return self.render_to_response(context, status=403)


def refuse_locked(request: HttpRequest, template: str, context: dict[str, Any],
                  seconds: int) -> HttpResponse:
    """The lockout's answer on the code and enrolment pages: `seconds` is what is left of it."""
    auth.clear_pending(request)
    response = render(request, template, {**context, "login_error": locked_message()},
                      status=429)
    response["Retry-After"] = str(seconds)
    return response


def wrong_code(request: HttpRequest, user: Any, form: CodeForm, pending: bool) -> None:
    record(AuditEvent.Action.TWO_FACTOR_FAILED, request=request, actor=user, outcome="failed")
    if pending and auth.register_failure(user.get_username(), auth.request_ip(request)):
        record(AuditEvent.Action.LOCKED_OUT, request=request, actor=user, outcome="locked",
               username_tried=user.get_username(), failures=auth.MAX_FAILURES)
    form.add_error("code", _("That code is not correct or was already used. Enter the current "
                             "6-digit code from your authenticator app."))


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def login_code(request: HttpRequest) -> HttpResponse:
    """The second step of a log-in: the authenticator's code."""
    state = auth.pending(request)
    if state is None:
        return redirect("staff:login")
    device = auth.confirmed_device(state.user)
    if device is None:
        return redirect("staff:two_factor")
    template = "workflow/login_code.html"
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        username, ip = state.user.get_username(), auth.request_ip(request)
        if locked_for := auth.lock_seconds_left(username, ip):
            record(AuditEvent.Action.LOCKED_OUT, request=request, actor=state.user,
                   outcome="refused", username_tried=username)
            return refuse_locked(request, template, {"form": CodeForm()}, locked_for)
        if form.is_valid() and auth.accept_code(device, form.cleaned_data["code"]):
            return logged_in_redirect(request, auth.finish_login(request, state), state.user)
        wrong_code(request, state.user, form, pending=True)
        if locked_for := auth.lock_seconds_left(username, ip):
            return refuse_locked(request, template, {"form": CodeForm()}, locked_for)
        return render(request, template, {"form": form}, status=400)
    return render(request, template, {"form": form})


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def two_factor(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator: during a log-in that needs one, or later from the queue page;
    either way only while the administrator's enrolment window for the person is open."""
    state = None if request.user.is_authenticated else auth.pending(request)
    user = request.user if request.user.is_authenticated else getattr(state, "user", None)
    if user is None:
        return redirect("staff:login")
    template = "workflow/two_factor.html"
    if auth.confirmed_device(user) is not None:
        if state is not None:
            return redirect("staff:login_code")
        return render(request, template, {"enrolled": True})
    if not auth.may_enrol(user):
        # Only inside the window the administrator opened: no secret is made or shown.
        record(AuditEvent.Action.TWO_FACTOR_FAILED, request=request, actor=user,
               outcome="refused", reason="enrolment_not_allowed")
        auth.clear_pending(request)
        return render(request, template, {"not_allowed": True}, status=403)
    device, _created = TwoFactorDevice.objects.get_or_create(
        user=user, defaults={"secret": auth.new_secret()}
    )
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        ip = auth.request_ip(request)
        locked_for = auth.lock_seconds_left(user.get_username(), ip) if state is not None else 0
        if locked_for:
            record(AuditEvent.Action.LOCKED_OUT, request=request, actor=user,
                   outcome="refused", username_tried=user.get_username())
            return refuse_locked(request, template, {"form": CodeForm(), "enrolled": False},
                                 locked_for)
        if form.is_valid() and auth.enrol(device, form.cleaned_data["code"]):
            record(AuditEvent.Action.TWO_FACTOR_ENABLED, request=request, actor=user,
                   obj=device)
            if state is not None:
                return logged_in_redirect(request, auth.finish_login(request, state), user)
            messages.success(request, _("Two-factor log-in is on. From now on the portal asks "
                                        "for a code from your app after your password."))
            return redirect("staff:home")
        wrong_code(request, user, form, pending=state is not None)
        status = 400
    else:
        status = 200
    return render(request, template, {
        "enrolled": False,
        "form": form,
        "required": state is not None,
        "secret": " ".join(device.secret[i:i + 4] for i in range(0, len(device.secret), 4)),
        "otpauth_uri": auth.otpauth_uri(device.secret, user.get_username(),
                                        auth.issuer_name()),
    }, status=status)


@never_cache
def two_factor_qr(request: HttpRequest) -> HttpResponse:
    """The enrolment page's key as a QR code: only for the person enrolling (logged in, or in
    the middle of their log-in), while their authenticator is unconfirmed and the
    administrator's window is open; anyone else gets 404. Never cached (it holds the secret)."""
    state = None if request.user.is_authenticated else auth.pending(request)
    user = request.user if request.user.is_authenticated else getattr(state, "user", None)
    device = (None if user is None else
              TwoFactorDevice.objects.filter(user=user, confirmed_at__isnull=True).first())
    if device is None or not auth.may_enrol(user):
        raise Http404
    uri = auth.otpauth_uri(device.secret, user.get_username(), auth.issuer_name())
    response = HttpResponse(auth.otpauth_qr_svg(uri), content_type="image/svg+xml")
    response["Content-Disposition"] = 'inline; filename="two-factor.svg"'
    return response


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("staff:login")
