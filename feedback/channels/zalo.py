"""Zalo official-account webhooks: the MAC, its freshness, and the events.

Zalo documents the check as `X-ZEvent-Signature: mac = sha256(appId + data + timeStamp +
OAsecretKey)`: the hex SHA-256 of the app id, the raw body and the timestamp (both fields
of that same body) and the OA secret key. Deliveries carry the digest either bare or after
a literal `mac=`; both forms are accepted, nothing else is.

The timestamp (milliseconds since the epoch) is signed, so a delivery further than
`ZALO_WEBHOOK_MAX_AGE_SECONDS` from our clock, either way, is refused: a captured delivery
cannot be replayed later. Each message still makes one case however often it comes, so a
repeat inside the window changes nothing either.

Only `user_send_text` becomes a case; follows, reactions, images and the rest are ignored.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import datetime, timedelta
from typing import Any

from .events import ChannelMessage, id_of

PLATFORM = "zalo"
SIGNATURE_HEADER = "X-ZEvent-Signature"
TEXT_EVENT = "user_send_text"
# The digest alone, or after `mac=` (any case, spaces around the `=` tolerated).
_SIGNATURE = re.compile(r"(?:mac\s*=\s*)?([0-9a-f]{64})", re.IGNORECASE)
_TIMESTAMP = re.compile(r"[0-9]{1,20}")  # milliseconds since the epoch


def _signed_fields(document: Any) -> tuple[str, str] | None:
    """The app id and timestamp of a delivery as they were signed, or None."""
    if not isinstance(document, dict):
        return None
    given_app, timestamp = document.get("app_id"), document.get("timestamp")
    if not all(isinstance(v, str | int) and not isinstance(v, bool)
               for v in (given_app, timestamp)):
        return None
    return str(given_app), str(timestamp)


def signature_is_valid(
    body: bytes, header: str, document: Any, secret_key: str, app_id: str = ""
) -> bool:
    """Whether `header` is the MAC of `body` (parsed as `document`) under our secret key.

    An empty secret accepts nothing. With `app_id` set, a delivery for another app is
    refused even when its MAC is right.
    """
    match = _SIGNATURE.fullmatch(header.strip())
    fields = _signed_fields(document)
    if not secret_key or match is None or fields is None:
        return False
    given_app, timestamp = fields
    if app_id and given_app != app_id:
        return False
    expected = hashlib.sha256(
        given_app.encode() + body + timestamp.encode() + secret_key.encode()
    ).hexdigest()
    return hmac.compare_digest(expected, match.group(1).lower())


def is_fresh(document: Any, *, now: datetime, max_age: timedelta) -> bool:
    """Whether the delivery's timestamp lies within `max_age` of `now`, before or after."""
    fields = _signed_fields(document)
    if fields is None or not _TIMESTAMP.fullmatch(fields[1]):
        return False
    return abs(now.timestamp() * 1000 - int(fields[1])) <= max_age.total_seconds() * 1000


def text_messages(document: Any) -> list[ChannelMessage]:
    """The text message of a delivery (Zalo sends one event per request), or none."""
    if not isinstance(document, dict) or document.get("event_name") != TEXT_EVENT:
        return []
    message = document.get("message")
    if not isinstance(message, dict):
        return []
    text, message_id = message.get("text"), message.get("msg_id")
    sender_id = id_of(document, "sender")
    if not (isinstance(text, str) and text.strip() and sender_id):
        return []
    if not (isinstance(message_id, str) and message_id):
        return []
    page_id = id_of(document, "recipient")
    return [ChannelMessage(platform=PLATFORM, sender_id=sender_id, page_id=page_id,
                           message_id=message_id, text=text, raw=document)]
