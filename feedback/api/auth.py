"""API keys of the machine channels, and the idempotency keys they send."""

from __future__ import annotations

import hashlib

from django.utils import timezone

from ..forms import IDEMPOTENCY_KEY
from ..models import ApiKey

# last_used_at is for the administrator's eyes; an hour's precision spares a write per call.
LAST_USED_PRECISION_SECONDS = 3600


def authenticate_key(raw: str | None) -> ApiKey | None:
    """The active API key row for `raw`, noting when it was last used; None if unknown."""
    key = ApiKey.authenticate(raw)
    if key is not None:
        now = timezone.now()
        if key.last_used_at is None or \
                (now - key.last_used_at).total_seconds() > LAST_USED_PRECISION_SECONDS:
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key


def scoped_idempotency_key(scope: str, raw: str | None) -> str | None:
    """The client's Idempotency-Key as stored, kept apart per channel and client so that no
    client can reach another's case by sending its key; None when absent.

    Raises ValueError when the header is present but not 16–64 of [A-Za-z0-9_-].
    """
    if raw is None or raw == "":
        return None
    if not IDEMPOTENCY_KEY.match(raw):
        raise ValueError(raw)
    digest = hashlib.sha256(f"{scope}\0{raw}".encode()).hexdigest()
    return f"{scope.split(':')[0]}-{digest[:48]}"
