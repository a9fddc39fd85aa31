"""The Facebook and Zalo webhooks: the only views exempt from CSRF (SECURITY AC6).

No cookie or session authenticates these requests: each is accepted on the platform's
signature over its raw body, checked before anything is parsed into a case. A forged or
missing signature, or a secret not configured, is refused with 403 and writes nothing.
Logs carry counts only, never a sender id or a message (AU3).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from config.text import storable_json

from ..throttling import client_ip, is_limited, record_hit
from . import facebook, zalo
from .events import ChannelMessage
from .services import receive_channel_message

logger = logging.getLogger("feedback.channels")

# Both platforms send a few kilobytes per delivery; a batch of Messenger events stays far
# below this.
MAX_BODY_BYTES = 256 * 1024
FAILURE_SCOPE = "webhook:ip"


def _plain(text: str, status: int = 200) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


def _refuse(request: HttpRequest, platform: str, reason: str) -> HttpResponse:
    record_hit(FAILURE_SCOPE, client_ip(request))
    logger.warning("%s webhook refused: %s", platform, reason)
    return _plain("Forbidden", 403)


def _read_body(request: HttpRequest) -> bytes | HttpResponse:
    """The raw body, or the answer when the sender is over its limit or the body too big."""
    if is_limited(FAILURE_SCOPE, client_ip(request)):
        return _plain("Too many requests", 429)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY_BYTES:
        return _plain("Payload too large", 413)
    body = request.body
    if len(body) > MAX_BODY_BYTES:  # pragma: no cover — the server caps at CONTENT_LENGTH
        return _plain("Payload too large", 413)
    return body


def _platform_limited(platform: str) -> bool:
    """A flood guard over all of a platform's signed deliveries; the platform retries."""
    scope = f"webhook:{platform}"
    if is_limited(scope, platform):
        return True
    record_hit(scope, platform)
    return False


def _take(platform: str, messages: list[ChannelMessage]) -> None:
    now = timezone.now()
    created = skipped = 0
    for message in messages:
        try:
            _case, is_new = receive_channel_message(message, now=now)
        except ValidationError:
            skipped += 1
            continue
        created += is_new
    logger.info("%s webhook: %d message(s), %d new case(s), %d skipped",
                platform, len(messages), created, skipped)


def _parse(body: bytes) -> Any:
    """The body's JSON with every string storable: a platform cannot be told that a message
    held a lone surrogate or a NUL, so those are repaired here, once, for every field (the
    ids, the text, the raw payload kept for the record)."""
    try:
        # Nesting no platform sends runs out of stack here, not in a later step.
        return storable_json(json.loads(body))
    except (ValueError, RecursionError):  # UnicodeDecodeError included
        return None


def _signed_intake(
    request: HttpRequest, platform: str, verify: Callable[[bytes, Any], bool],
    read: Callable[[Any], list[ChannelMessage]], answer: str,
    fresh: Callable[[Any], bool] | None = None,
) -> HttpResponse:
    body = _read_body(request)
    if isinstance(body, HttpResponse):
        return body
    document = _parse(body)
    if not verify(body, document):
        return _refuse(request, platform, "signature")
    if fresh is not None and not fresh(document):
        # Signed by the platform, so not counted against the sender's address: only too
        # old (or too far ahead) to be taken as a new delivery (a replay).
        logger.warning("%s webhook refused: stale timestamp", platform)
        return _plain("Forbidden", 403)
    if _platform_limited(platform):
        return _plain("Too many requests", 429)
    if document is None:
        return _plain("Bad request", 400)
    _take(platform, read(document))
    return _plain(answer)


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def facebook_webhook(request: HttpRequest) -> HttpResponse:
    """GET: Meta's subscription handshake. POST: a signed delivery of Messenger events.

    Meta waits a few seconds for the 200 and resends what it did not get; each message is
    one case, however often it comes.
    """
    if request.method == "GET":
        if is_limited(FAILURE_SCOPE, client_ip(request)):
            return _plain("Too many requests", 429)
        challenge = facebook.handshake_challenge(request.GET, settings.FACEBOOK_VERIFY_TOKEN)
        if challenge is None:
            return _refuse(request, facebook.PLATFORM, "verify token")
        return _plain(challenge)

    header = request.headers.get(facebook.SIGNATURE_HEADER, "")

    def verify(body: bytes, _document: Any) -> bool:
        return facebook.signature_is_valid(body, header, settings.FACEBOOK_APP_SECRET)

    return _signed_intake(request, facebook.PLATFORM, verify, facebook.text_messages,
                          "EVENT_RECEIVED")


@csrf_exempt
@never_cache
@require_http_methods(["POST"])
def zalo_webhook(request: HttpRequest) -> HttpResponse:
    """A signed Zalo OA event; a person's text message becomes a case, once."""
    header = request.headers.get(zalo.SIGNATURE_HEADER, "")

    def verify(body: bytes, document: Any) -> bool:
        return zalo.signature_is_valid(body, header, document, settings.ZALO_OA_SECRET_KEY,
                                       settings.ZALO_APP_ID)

    def fresh(document: Any) -> bool:
        return zalo.is_fresh(document, now=timezone.now(),
                             max_age=timedelta(seconds=settings.ZALO_WEBHOOK_MAX_AGE_SECONDS))

    return _signed_intake(request, zalo.PLATFORM, verify, zalo.text_messages, "OK", fresh)
