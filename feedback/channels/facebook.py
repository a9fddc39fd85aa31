"""Facebook Messenger webhooks: the subscription handshake, the signature, the events.

Meta signs each delivery with `X-Hub-Signature-256: sha256=<hex>`, the HMAC-SHA256 of the
raw request body keyed with the app secret. Events come in `entry[].messaging[]`; only a
person's text message becomes a case. Echoes of the page's own messages, delivery and read
receipts, postbacks and the like are ignored.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from .events import ChannelMessage, id_of, platform_id

PLATFORM = "facebook"
SIGNATURE_HEADER = "X-Hub-Signature-256"
SIGNATURE_PREFIX = "sha256="
MAX_CHALLENGE_LENGTH = 256


def handshake_challenge(params: Mapping[str, str], verify_token: str) -> str | None:
    """The challenge to echo when the subscription request carries our verify token."""
    if not verify_token or params.get("hub.mode") != "subscribe":
        return None
    given = params.get("hub.verify_token", "")
    challenge = params.get("hub.challenge", "")
    if not challenge or len(challenge) > MAX_CHALLENGE_LENGTH:
        return None
    if not hmac.compare_digest(given.encode(), verify_token.encode()):
        return None
    return challenge


def signature_is_valid(body: bytes, header: str, app_secret: str) -> bool:
    """Whether `header` is the app's signature of `body`. An empty secret accepts nothing."""
    if not app_secret or not header.startswith(SIGNATURE_PREFIX):
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    given = header[len(SIGNATURE_PREFIX):].strip().lower()
    return hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace"))


def text_messages(document: Any) -> list[ChannelMessage]:
    """The people's text messages of a delivery; everything else is left out."""
    if not isinstance(document, dict) or document.get("object") != "page":
        return []
    found = []
    for entry in _dicts(document.get("entry")):
        for event in _dicts(entry.get("messaging")):
            message = event.get("message")
            if not isinstance(message, dict) or message.get("is_echo"):
                continue
            text = message.get("text")
            sender_id = id_of(event, "sender")
            message_id = message.get("mid")
            if not (isinstance(text, str) and text.strip() and sender_id):
                continue
            if not (isinstance(message_id, str) and message_id):
                continue
            page_id = id_of(event, "recipient") or platform_id(entry.get("id"))
            found.append(ChannelMessage(platform=PLATFORM, sender_id=sender_id,
                                        page_id=page_id, message_id=message_id, text=text,
                                        raw=event))
    return found


def _dicts(value: Any) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
