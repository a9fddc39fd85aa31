"""The one shape both platforms' messages are read into."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Platform ids are digit strings of about 16–20 characters; anything longer is not one.
MAX_ID_LENGTH = 64


@dataclass(frozen=True)
class ChannelMessage:
    platform: str  # ChannelSender.Platform, equal to the Case.Channel value
    sender_id: str
    page_id: str
    message_id: str
    text: str
    raw: dict[str, Any] = field(default_factory=dict)


def platform_id(value: Any) -> str:
    """`value` as a platform id, or "" when it is not one (missing, empty, too long)."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return ""
    text = str(value).strip()
    return text if 0 < len(text) <= MAX_ID_LENGTH else ""


def id_of(document: dict[str, Any], key: str) -> str:
    """The platform id at `document[key]["id"]`, or "" when the shape is not that."""
    inner = document.get(key)
    return platform_id(inner.get("id")) if isinstance(inner, dict) else ""
