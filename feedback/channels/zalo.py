"""Zalo official-account webhooks: the MAC and the events.

Zalo signs each delivery with `X-ZEvent-Signature: mac=<hex>`, where the hex is
SHA-256(app_id + raw body + timestamp + OA secret key), app_id and timestamp being the
fields of that same body. Only `user_send_text` becomes a case; follows, reactions, images
and the rest are ignored.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from .events import ChannelMessage, id_of

PLATFORM = "zalo"
SIGNATURE_HEADER = "X-ZEvent-Signature"
SIGNATURE_PREFIX = "mac="
TEXT_EVENT = "user_send_text"


def signature_is_valid(
    body: bytes, header: str, document: Any, secret_key: str, app_id: str = ""
) -> bool:
    """Whether `header` is the MAC of `body` (parsed as `document`) under our secret key.

    An empty secret accepts nothing. With `app_id` set, a delivery for another app is
    refused even when its MAC is right.
    """
    if not secret_key or not header.startswith(SIGNATURE_PREFIX):
        return False
    if not isinstance(document, dict):
        return False
    given_app, timestamp = document.get("app_id"), document.get("timestamp")
    if not all(isinstance(v, str | int) and not isinstance(v, bool)
               for v in (given_app, timestamp)):
        return False
    if app_id and str(given_app) != app_id:
        return False
    expected = hashlib.sha256(
        str(given_app).encode() + body + str(timestamp).encode() + secret_key.encode()
    ).hexdigest()
    given = header[len(SIGNATURE_PREFIX):].strip().lower()
    return hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace"))


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
