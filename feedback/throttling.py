"""Rate limits in the cache (Redis in production), per IP, per phone, per tracking code.

Counting is a fixed window per key. Identifiers are hashed before they become cache keys,
so phone numbers never sit in Redis. A cache that is down lets the request through: the
request path must not need Redis to succeed (SECURITY RE1).
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from routing import audit

logger = logging.getLogger(__name__)


def client_ip(request: HttpRequest) -> str:
    """The client's address, read as the audit log reads it (TRUSTED_PROXY_COUNT)."""
    return audit.client_ip(request) or ""


def _key(scope: str, ident: str) -> str:
    digest = hashlib.sha256(f"{scope}:{ident}".encode()).hexdigest()[:32]
    return f"throttle:{scope}:{digest}"


def _limit(scope: str) -> tuple[int, int]:
    hits, window = settings.PUBLIC_RATE_LIMITS[scope]
    return int(hits), int(window)


def is_limited(scope: str, ident: str) -> bool:
    """Whether `ident` has used up its allowance for `scope` (e.g. "track:ip")."""
    if not ident:
        return False
    hits, _window = _limit(scope)
    try:
        return int(cache.get(_key(scope, ident), 0)) >= hits
    except Exception:  # noqa: BLE001 — a cache outage must not refuse citizens
        logger.warning("Rate-limit cache unavailable; letting %s through", scope)
        return False


def record_hit(scope: str, ident: str) -> None:
    """Count one use of `scope` by `ident` in the current window."""
    if not ident:
        return
    _hits, window = _limit(scope)
    key = _key(scope, ident)
    try:
        if not cache.add(key, 1, timeout=window):
            try:
                cache.incr(key)
            except ValueError:  # the window ended between add() and incr()
                cache.set(key, 1, timeout=window)
    except Exception:  # noqa: BLE001
        logger.warning("Rate-limit cache unavailable; %s not counted", scope)


def any_limited(checks: dict[str, str]) -> bool:
    """Whether any (scope → identifier) pair is over its limit."""
    return any(is_limited(scope, ident) for scope, ident in checks.items())


def record_hits(checks: dict[str, str]) -> None:
    for scope, ident in checks.items():
        record_hit(scope, ident)
