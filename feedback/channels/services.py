"""A platform message becomes a received case, with who sent it, in one transaction."""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.db import transaction

from workflow.models import Case
from workflow.services import receive_case

from ..models import ChannelSender
from .events import ChannelMessage

TITLE_LENGTH = 60
# Case.idempotency_key holds 64 characters; a Messenger mid alone can be longer.
KEY_LENGTH = 64


def idempotency_key(platform: str, message_id: str) -> str:
    """`<platform>:<message id>`, or its digest when that does not fit the column."""
    key = f"{platform}:{message_id}"
    if len(key) <= KEY_LENGTH:
        return key
    digest = hashlib.sha256(message_id.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{platform}:sha256:{digest}"[:KEY_LENGTH]


def title_of(text: str) -> str:
    """The first line that has something on it, cut to TITLE_LENGTH characters."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first[:TITLE_LENGTH].rstrip()


def reporter_label(message: ChannelMessage) -> str:
    # Not the person's name: the platforms do not send it, and the id's tail tells apart
    # two senders on the coordinator's list without showing the whole id.
    return f"{message.platform.capitalize()} {message.sender_id[-4:]}"


@transaction.atomic
def receive_channel_message(message: ChannelMessage, *, now: datetime) -> tuple[Case, bool]:
    """Record `message` as a received case on its platform's channel, with its sender.

    Returns (case, created). The platform's message id is the idempotency key, so a
    delivery the platform repeats returns the first case with created False (IN4).
    Raises ValidationError when the text normalises to nothing; nothing is then written.
    """
    case = receive_case(
        channel=message.platform,
        title=title_of(message.text),
        content=message.text,
        reporter_name=reporter_label(message),
        idempotency_key=idempotency_key(message.platform, message.message_id),
        contact_via_channel=True,
        now=now,
    )
    _sender, created = ChannelSender.objects.get_or_create(
        case=case,
        defaults={
            "platform": message.platform,
            "sender_id": message.sender_id,
            "page_id": message.page_id,
            "raw_payload": message.raw,
            "received_at": now,
        },
    )
    return case, created
