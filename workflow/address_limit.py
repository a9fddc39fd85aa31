"""Staff log-in: a limit per address on wrong passwords for many names (SECURITY AC4, AC5).

The lockout (workflow/auth.py) stops guessing one name's password; it does nothing against
trying a few common passwords on many names from one address ("password spraying"). This
module slows such an address, and is built so that it cannot lock an office out:

- What counts: the distinct user names (in their normal form) whose password failed from the
  address within a window (default 15 minutes). One person mistyping their own password five
  times is one name, and is the lockout's business, not this limit's.
- The soft limit: once the address has failed for that many names (default 30; an office of
  hundreds behind one NAT address mistypes far fewer names in 15 minutes), it is slowed, not
  blocked: an attempt from it is let through once per few seconds (default 10) and the rest
  are asked to wait that long (429 with Retry-After), without the password being checked.
  The slowing lasts until a window has passed since the address's last failure.
- Who is never slowed: a browser that has logged in under the name before. A full log-in
  (after the code, where one is needed) leaves a signed, HttpOnly cookie, scoped to the log-in
  page, naming (as keyed digests, not in clear) the last few names that logged in with it
  (OWASP's "device cookies"). An attempt for one of those names skips the address limit, so
  staff at their usual desks log in with their first right password however busy an attacker
  behind the same address is; only a name's first log-in on a new browser may have to wait.
  The cookie exempts from nothing else: the per-name lockout applies to it as to anyone.
- Counters live in the cache and fail open (a cache outage slows nobody), as the lockout's do.

Settings: STAFF_LOGIN_ADDRESS_NAMES, STAFF_LOGIN_ADDRESS_WINDOW_SECONDS,
STAFF_LOGIN_ADDRESS_SLOW_SECONDS and STAFF_KNOWN_BROWSER_DAYS (.env.example).
"""

from __future__ import annotations

import hashlib
import logging
import math

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.crypto import salted_hmac

from config.cache import increment
from routing.auth import normalise_username

from . import auth

logger = logging.getLogger("workflow.auth")

KNOWN_BROWSER_COOKIE = "staff_known_browser"
KNOWN_BROWSER_SALT = "workflow.address_limit.known_browser"
# A shared desk's browser remembers this many names; older ones drop out.
KNOWN_BROWSER_NAMES = 8


def names_allowed() -> int:
    return int(settings.STAFF_LOGIN_ADDRESS_NAMES)


def window_seconds() -> int:
    return int(settings.STAFF_LOGIN_ADDRESS_WINDOW_SECONDS)


def slow_seconds() -> int:
    return max(1, int(settings.STAFF_LOGIN_ADDRESS_SLOW_SECONDS))


def _key(kind: str, *parts: object) -> str:
    digest = hashlib.sha256("\0".join(str(part) for part in parts).encode()).hexdigest()
    return f"staff-login-address:{kind}:{digest}"


# --- The address ---------------------------------------------------------------------------------
def is_slowed(ip: str) -> bool:
    try:
        until = cache.get(_key("slow", ip))
    except Exception:  # noqa: BLE001 — a cache outage must not stop every log-in
        logger.exception("address limit unavailable")
        return False
    return until is not None and until > auth.clock()


def take_turn(ip: str) -> bool:
    """A slowed address lets one attempt through per slow period: True for this one (the
    cache's add is atomic, so two at once get one turn)."""
    period = slow_seconds()
    turn = int(auth.clock() // period)
    try:
        return bool(cache.add(_key("turn", ip, turn), 1, period * 2))
    except Exception:  # noqa: BLE001
        logger.exception("address limit unavailable")
        return True


def seconds_to_wait() -> int:
    period = slow_seconds()
    return max(1, math.ceil(period - auth.clock() % period))


def register_failure(ip: str, username: str) -> bool:
    """Count a wrong password for `username` from `ip`; True when it is the one that slows
    the address (so the caller audits it once)."""
    window = window_seconds()
    now = auth.clock()
    slow_key = _key("slow", ip)
    try:
        until = cache.get(slow_key)
        if until is not None and until > now:
            cache.set(slow_key, now + window, window)  # an attack under way keeps it slowed
            return False
        bucket = int(now // window)
        # The first failure of this name from this address in the window: one more name.
        if not cache.add(_key("name", ip, bucket, normalise_username(username)), 1, window):
            return False
        if increment(_key("names", ip, bucket), window) != names_allowed():
            return False
        cache.set(slow_key, now + window, window)
    except Exception:  # noqa: BLE001
        logger.exception("address limit unavailable")
        return False
    return True


# --- Browsers that logged in before --------------------------------------------------------------
def _name_digest(username: str) -> str:
    return salted_hmac(KNOWN_BROWSER_SALT, normalise_username(username)).hexdigest()[:32]


def _known_digests(request: HttpRequest) -> list[str]:
    raw = request.COOKIES.get(KNOWN_BROWSER_COOKIE)
    if not raw:
        return []
    try:
        value = signing.loads(raw, salt=KNOWN_BROWSER_SALT,
                              max_age=settings.STAFF_KNOWN_BROWSER_DAYS * 24 * 60 * 60)
    except signing.BadSignature:  # forged, altered or too old: a browser like any other
        return []
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def is_known_browser(request: HttpRequest, username: str) -> bool:
    return _name_digest(username) in _known_digests(request)


def remember_browser(request: HttpRequest, response: HttpResponse, username: str) -> None:
    """After a full log-in: this browser is known for `username` (the newest first)."""
    digest = _name_digest(username)
    digests = [digest, *(d for d in _known_digests(request) if d != digest)]
    max_age = settings.STAFF_KNOWN_BROWSER_DAYS * 24 * 60 * 60
    response.set_cookie(
        KNOWN_BROWSER_COOKIE,
        signing.dumps(digests[:KNOWN_BROWSER_NAMES], salt=KNOWN_BROWSER_SALT),
        max_age=max_age, path=reverse("staff:login"), secure=settings.SESSION_COOKIE_SECURE,
        httponly=True, samesite="Lax",
    )
