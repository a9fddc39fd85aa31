"""Writing the audit log (SECURITY AU1–AU3): one call per event, from any app.

    record(AuditEvent.Action.EXPORT, request=request, obj=report, rows=120)

`detail` takes ids, counts and short codes. Keys that name a secret are dropped before the row
is written, as a last guard: never pass a password, a one-time code, a token, a reporter's
identity or a citizen's text.
"""

from __future__ import annotations

import ipaddress
import logging
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


# The PostgreSQL setting that lets TRUNCATE empty the append-only logs (migration
# routing 0006); only `permit_emptying_logs` sets it, for one transaction.
EMPTY_LOGS_SETTING = "cong1022.allow_emptying_logs"


def permit_emptying_logs(connection: Any) -> None:
    """Let TRUNCATE empty the append-only logs (the audit and the case events) until the
    current transaction ends. For maintenance that replaces a whole database: `flush`, the
    benchmark's seed. The caller holds a transaction (`transaction.atomic`)."""
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
        if any(part in key.lower() for part in SECRET_KEY_PARTS):
            logger.warning("audit detail key %r dropped: it may hold a secret", key)
            continue
        clean[key] = value
    return clean


def record(
    action: str,
    *,
    request: HttpRequest | None = None,
    actor: User | AnonymousUser | None = None,
    outcome: str = "ok",
    obj: models.Model | None = None,
    username_tried: str = "",
    **detail: Any,
) -> AuditEvent:
    """Append one audit row. The actor defaults to the request's user, the IP to the
    request's client. Runs in the caller's transaction: the row is kept only if it commits."""
    return AuditEvent.objects.create(
        action=action,
        actor=_user_of(request, actor),
        username_tried=username_tried[:150],
        ip=client_ip(request),
        outcome=outcome,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        detail=_clean(detail),
    )
