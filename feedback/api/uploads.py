"""Photos uploaded ahead of a submission, each held for a short while under a token.

An app on a weak connection sends each photo on its own (POST /api/v1/uploads) and gets a
token back, then submits the case naming its tokens (`photo_tokens`). The photo is checked and
re-encoded on upload exactly like the web form's (workflow.photos.clean_photo, SECURITY
IN2); only the clean re-encoding is kept, in the cache, for API_UPLOAD_TOKEN_SECONDS. A token
works only for the API key that uploaded it, and only once: a case takes its photos, and an
unused photo simply expires. Tokens are stored as digests, never as given.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from workflow.photos import CleanPhoto

TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def lifetime() -> timedelta:
    return timedelta(seconds=getattr(settings, "API_UPLOAD_TOKEN_SECONDS", 3600))


def _cache_key(api_key_id: int, token: str) -> str:
    digest = hashlib.sha256(token.encode()).hexdigest()
    return f"api-upload:{api_key_id}:{digest}"


def hold_photo(api_key_id: int, photo: CleanPhoto, *, now: datetime | None = None
               ) -> tuple[str, datetime]:
    """Keep `photo` for the key's next submission; (its token, when it expires)."""
    token = secrets.token_urlsafe(24)
    ttl = lifetime()
    cache.set(_cache_key(api_key_id, token), photo, timeout=int(ttl.total_seconds()))
    return token, (now or timezone.now()) + ttl


def held_photos(api_key_id: int, tokens: Sequence[str]) -> list[CleanPhoto]:
    """The photos of `tokens`, in order; ValidationError naming the problem otherwise."""
    if len(set(tokens)) != len(tokens):
        raise ValidationError(_("The same upload token is given twice."), code="repeated")
    if any(not TOKEN.match(token) for token in tokens):
        raise ValidationError(_("An upload token is not one we issued."), code="malformed")
    keys = [_cache_key(api_key_id, token) for token in tokens]
    found = cache.get_many(keys)
    if len(found) != len(keys):
        raise ValidationError(
            _("An upload token is unknown or has expired. Upload the photo again."),
            code="unknown",
        )
    return [found[key] for key in keys]


def release(api_key_id: int, tokens: Sequence[str]) -> None:
    """Forget the photos of `tokens` once a case holds them."""
    cache.delete_many([_cache_key(api_key_id, token) for token in tokens])
