"""Staff log-in protections (SECURITY AC5): lockout, TOTP two-factor, the pending log-in.

- Lockout: 5 consecutive failures (wrong password or wrong code) for one user name from one
  address lock that pair for 15 minutes. The name is counted in its one normal form
  (routing.auth.normalise_username), the form the log-in looks the user up by, whichever page
  it came from (the password, the code step, enrolment; the admin's log-in is this one).
  Counters live in the cache (Redis in production) and key on a hash, so neither the name nor
  the address is stored in clear. A success resets them.
- TOTP (RFC 6238): HMAC-SHA-1, 6 digits, 30-second steps, one step of drift either way, each
  step good once (the device keeps the last step it accepted).
- Two-factor is required for coordinators and administrators, and for anyone who enrolled.
  Their correct password does not log them in: it leaves a pending log-in in the session (the
  user id, for a few minutes) until the code is given on the second page.
- Enrolling an authenticator needs the administrator's permission (TwoFactorEnrolment, opened
  from the user admin or `manage.py allow_two_factor_enrolment`): otherwise a stolen password
  would let its thief attach their own authenticator. Enrolling closes the permission.
- The secrets are encrypted at rest (routing/field_encryption.py).

`clock()` is the one source of time here, so tests move it instead of sleeping.
"""

from __future__ import annotations

import hashlib
import io
import logging
import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode

import segno
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

from config.cache import increment
from routing.audit import client_ip
from routing.auth import normalise_username
from routing.models import TwoFactorDevice, TwoFactorEnrolment
from routing.selectors import actor_for
from routing.totp import (  # noqa: F401 — re-exported: the log-in's tests and pages use them
    TOTP_DIGITS,
    TOTP_DRIFT_STEPS,
    TOTP_PERIOD,
    decode_secret,
    hotp,
    matching_step,
    new_secret,
    normalise_code,
    time_step,
    totp,
)

logger = logging.getLogger("workflow.auth")

MAX_FAILURES = 5
LOCKOUT_SECONDS = 15 * 60
# Failures are "consecutive" until a success; a counter nobody touches for a day is forgotten.
FAILURE_MEMORY_SECONDS = 24 * 60 * 60

PENDING_SESSION_KEY = "staff_login_pending"
PENDING_SECONDS = 5 * 60


def clock() -> float:
    """Seconds since the epoch; tests monkeypatch this."""
    return time.time()


# --- TOTP (RFC 4226 / RFC 6238): the arithmetic is in routing/totp.py -------------------------
def otpauth_uri(secret: str, account: str, issuer: str) -> str:
    """The key URI authenticator apps read (Google's Key Uri Format)."""
    label = quote(f"{issuer}:{account}", safe=":@")
    query = urlencode({"secret": secret, "issuer": issuer, "algorithm": "SHA1",
                       "digits": TOTP_DIGITS, "period": TOTP_PERIOD})
    return f"otpauth://totp/{label}?{query}"


def otpauth_qr_svg(uri: str) -> bytes:
    """The key URI as a QR code, an SVG made here (the secret goes to no outside service): dark
    on a light ground so phones read it in dark mode too, sized by its viewBox, no scripts or
    styles in it."""
    out = io.BytesIO()
    segno.make(uri, error="m").save(out, kind="svg", border=4, light="#fff", dark="#000",
                                    xmldecl=False, omitsize=True, svgclass=None,
                                    lineclass=None)
    return out.getvalue()


def accept_code(device: TwoFactorDevice, code: str) -> bool:
    """Check `code` against the device and, if right, spend its time step (atomically, so the
    same code given twice at once is accepted once). Confirms an unconfirmed device."""
    step = device.matching_step(code, clock())
    return step is not None and device.claim_step(step)


# --- Enrolment needs the administrator's permission ----------------------------------------
def now() -> datetime:
    return datetime.fromtimestamp(clock(), tz=UTC)


def may_enrol(user: Any) -> bool:
    """The administrator opened an enrolment window for this person, and it is still open."""
    return TwoFactorEnrolment.is_open(user, now())


def enrol(device: TwoFactorDevice, code: str) -> bool:
    """Confirm an unconfirmed device with its first code, inside the enrolment window, and
    close the window (a second device needs a new permission). False if the window is shut
    or the code is wrong."""
    with transaction.atomic():
        window = (TwoFactorEnrolment.objects.select_for_update()
                  .filter(user_id=device.user_id, enrol_until__gt=now()).first())
        if window is None or not accept_code(device, code):
            return False
        window.delete()
    return True


# --- Lockout -----------------------------------------------------------------------------------
def _key(kind: str, username: str, ip: str) -> str:
    digest = hashlib.sha256(f"{normalise_username(username)}\0{ip}".encode()).hexdigest()
    return f"staff-login:{kind}:{digest}"


def request_ip(request: HttpRequest) -> str:
    return client_ip(request) or "unknown"


def lock_seconds_left(username: str, ip: str) -> int:
    """Whole seconds until the pair's lockout ends (a Retry-After); 0 if it is not locked."""
    try:
        until = cache.get(_key("lock", username, ip))
    except Exception:  # noqa: BLE001 — a cache outage must not stop every log-in
        logger.exception("lockout state unavailable")
        return 0
    if until is None or until <= clock():
        return 0
    return max(1, math.ceil(until - clock()))


def is_locked(username: str, ip: str) -> bool:
    return lock_seconds_left(username, ip) > 0


def register_failure(username: str, ip: str) -> bool:
    """Count one failure; True when it is the one that locks the pair out."""
    key = _key("fail", username, ip)
    try:
        if increment(key, FAILURE_MEMORY_SECONDS) < MAX_FAILURES:
            return False
        # Only the failure that sets the lock locks (and is audited as doing so): failures
        # racing past MAX at the same instant, even after the counter below is emptied and
        # counts again, find the lock already set and lock nothing new.
        if not cache.add(_key("lock", username, ip), clock() + LOCKOUT_SECONDS,
                         LOCKOUT_SECONDS):
            return False
        cache.delete(key)
    except Exception:  # noqa: BLE001
        logger.exception("lockout counter unavailable")
        return False
    return True


def reset_failures(username: str, ip: str) -> None:
    try:
        cache.delete_many([_key("fail", username, ip), _key("lock", username, ip)])
    except Exception:  # noqa: BLE001
        logger.exception("lockout counter unavailable")


# --- Who needs a second factor -----------------------------------------------------------------
def two_factor_required(user: Any) -> bool:
    actor = actor_for(user)
    return actor.is_coordinator or actor.is_admin


def confirmed_device(user: Any) -> TwoFactorDevice | None:
    return TwoFactorDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def needs_second_step(user: Any) -> bool:
    return two_factor_required(user) or confirmed_device(user) is not None


# --- The pending log-in ------------------------------------------------------------------------
@dataclass(frozen=True)
class Pending:
    user: Any
    backend: str
    next_url: str


def safe_next(request: HttpRequest, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


def start_pending(request: HttpRequest, user: Any, next_url: str) -> None:
    """The password was right; remember who, until the code comes (a new session key, so a
    fixed session id gains nothing)."""
    request.session.cycle_key()
    request.session[PENDING_SESSION_KEY] = {
        "user_id": user.pk,
        "backend": user.backend,
        "next": safe_next(request, next_url),
        "since": clock(),
    }


def pending(request: HttpRequest) -> Pending | None:
    data = request.session.get(PENDING_SESSION_KEY)
    if not isinstance(data, dict):
        return None
    if clock() - float(data.get("since", 0)) > PENDING_SECONDS:
        clear_pending(request)
        return None
    user = get_user_model().objects.filter(pk=data.get("user_id"), is_active=True).first()
    if user is None or data.get("backend") not in settings.AUTHENTICATION_BACKENDS:
        clear_pending(request)
        return None
    return Pending(user=user, backend=data["backend"], next_url=data.get("next", ""))


def clear_pending(request: HttpRequest) -> None:
    request.session.pop(PENDING_SESSION_KEY, None)


def finish_login(request: HttpRequest, state: Pending) -> str:
    """Log the pending user in for real; the URL to go to next."""
    clear_pending(request)
    reset_failures(state.user.get_username(), request_ip(request))
    auth_login(request, state.user, backend=state.backend)
    return safe_next(request, state.next_url) or resolve_url(settings.LOGIN_REDIRECT_URL)


def issuer_name() -> str:
    return str(settings.PROVINCE.get("portal_name", "Cong 1022"))
