"""Rate limits in the cache (Redis in production), per IP, per phone, per tracking code.

Counting is a fixed window per key. Identifiers are hashed before they become cache keys,
so phone numbers never sit in Redis. A cache that is down lets the request through: the
request path must not need Redis to succeed (SECURITY RE1).

With Redis as the cache, a page's checks are one round trip (MGET) and its hits another
(a pipeline); any other cache is asked key by key.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest

from config.cache import increment
from routing import audit

logger = logging.getLogger(__name__)


def client_ip(request: HttpRequest) -> str:
    """The client's address, read as the audit log reads it (TRUSTED_PROXY_COUNT)."""
    return audit.client_ip(request) or ""


# Photos and videos cost the server their decoding whether they are kept or refused (IN2).
UPLOAD_SCOPE = "upload:ip"


def uploads_limited(request: HttpRequest) -> bool:
    """Whether `request` carries files while its address has used up its upload allowance:
    such a request is refused before any file is decoded."""
    return bool(request.FILES) and is_limited(UPLOAD_SCOPE, client_ip(request))


def record_upload(request: HttpRequest) -> None:
    """Count a request's files toward its address's upload allowance: every upload to the
    API, and every form whose files were refused (a sent case counts as a submission)."""
    if request.FILES:
        record_hit(UPLOAD_SCOPE, client_ip(request))


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
        increment(key, window)
    except Exception:  # noqa: BLE001
        logger.warning("Rate-limit cache unavailable; %s not counted", scope)


def _redis_client():
    """The raw client of Django's RedisCache, or None for any other cache."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    return backend._cache.get_client(write=True)


def any_limited(checks: dict[str, str]) -> bool:
    """Whether any (scope → identifier) pair is over its limit."""
    checks = {scope: ident for scope, ident in checks.items() if ident}
    if not checks:
        return False
    keys = {scope: _key(scope, ident) for scope, ident in checks.items()}
    try:
        counts = cache.get_many(keys.values())
    except Exception:  # noqa: BLE001 — a cache outage must not refuse citizens
        logger.warning("Rate-limit cache unavailable; letting %s through", ", ".join(checks))
        return False
    return any(int(counts.get(keys[scope], 0)) >= _limit(scope)[0] for scope in checks)


def record_hits(checks: dict[str, str]) -> None:
    """Count one use of each (scope → identifier) pair in its current window."""
    checks = {scope: ident for scope, ident in checks.items() if ident}
    try:
        client = _redis_client()
    except Exception:  # noqa: BLE001
        client = None
    if client is None:
        for scope, ident in checks.items():
            record_hit(scope, ident)
        return
    try:
        pipe = client.pipeline(transaction=False)
        for scope, ident in checks.items():
            key = cache.make_and_validate_key(_key(scope, ident))
            # As add() then incr(): a new window starts at 0 and expires on its own.
            pipe.set(key, 0, ex=_limit(scope)[1], nx=True)
            pipe.incr(key)
        pipe.execute()
    except Exception:  # noqa: BLE001
        logger.warning("Rate-limit cache unavailable; %s not counted", ", ".join(checks))
