"""Writing the audit log (SECURITY AU1–AU3): one call per event, from any app.

    record(AuditEvent.Action.EXPORT, request=request, obj=report, rows=120)

`detail` takes ids, counts and short codes. Keys that name a secret are dropped before the row
is written, at any depth, as a last guard: never pass a password, a one-time code, a token, a
reporter's identity or a citizen's text.

During a request (routing.middleware.AuditMiddleware) a record made without `request`, by a
service or a signal, still gets the request's address and, when no actor is given, its user:
services stay free of request objects and every row says where it came from.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import models
from django.http import HttpRequest

from .models import AuditEvent

logger = logging.getLogger("routing.audit")

# Lower-cased substrings of detail keys that are never stored.
SECRET_KEY_PARTS = ("password", "passwd", "secret", "token", "code", "otp", "session",
                    "reporter", "phone", "email", "content")


# The request being answered, if any: set by AuditMiddleware around the view.
_current_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)

# The PostgreSQL setting that lets TRUNCATE empty the append-only logs (migration
# routing 0006); only `permit_emptying_logs` sets it, for one transaction.
EMPTY_LOGS_SETTING = "cong1022.allow_emptying_logs"


@contextmanager
def request_context(request: HttpRequest) -> Iterator[None]:
    """Records made inside take the address (and, by default, the user) of `request`."""
    token = _current_request.set(request)
    try:
        yield
    finally:
        _current_request.reset(token)


def current_request() -> HttpRequest | None:
    return _current_request.get()


def permit_emptying_logs(connection: Any) -> None:
    """Let TRUNCATE empty the append-only logs (the audit and the case events) until the
    outermost transaction ends. For maintenance that replaces a whole database: `flush`, the
    benchmark's seed. The caller holds that transaction (`transaction.atomic`)."""
    if connection.vendor != "postgresql":
        return
    if not connection.in_atomic_block:
        raise RuntimeError("permit_emptying_logs() needs a transaction to end with.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, 'on', true)", [EMPTY_LOGS_SETTING])


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies of ours the
    X-Forwarded-For entry the outermost of them appended. None when it is not an address."""
    if request is None:
        return None
    candidate = request.META.get("REMOTE_ADDR", "")
    hops = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if hops > 0:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            candidate = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def _user_of(
    request: HttpRequest | None, actor: User | AnonymousUser | None
) -> User | None:
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    if actor is None or not actor.is_authenticated:
        return None
    return actor


def _clean(detail: dict[str, Any]) -> dict[str, Any]:
    clean = {}
    for key, value in detail.items():
        if any(part in str(key).lower() for part in SECRET_KEY_PARTS):
            logger.warning("audit detail key %r dropped: it may hold a secret", key)
            continue
        clean[key] = _clean(value) if isinstance(value, dict) else value
    return clean


def record(
    action: str,
    *,
    request: HttpRequest | None = None,
    actor: User | AnonymousUser | None = None,
    outcome: str = "ok",
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    username_tried: str = "",
    **detail: Any,
) -> AuditEvent:
    """Append one audit row. The request defaults to the one being answered; the actor to the
    request's user, the IP to the request's client. The object is `obj`, or named by
    `object_type` ("app.model") and `object_id` when it is not at hand. Runs in the caller's
    transaction: the row is kept only if it commits."""
    if request is None:
        request = current_request()
    if action == AuditEvent.Action.PERMISSION_DENIED and request is not None:
        request._audit_denial_recorded = True  # type: ignore[attr-defined]
    return AuditEvent.objects.create(
        action=action,
        actor=_user_of(request, actor),
        username_tried=username_tried[:150],
        ip=client_ip(request),
        outcome=outcome,
        object_type=obj._meta.label_lower if obj is not None else object_type,
        object_id=str(obj.pk) if obj is not None else object_id,
        detail=_clean(detail),
    )
