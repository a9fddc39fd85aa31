"""feedback's answers to what workflow asks about a reporter (workflow/reporters.py).

Registered in FeedbackConfig.ready(): what the reporter declined on the form (their
Consent rows), how a Facebook or Zalo reporter is answered through the platform, the
reporter's photos and videos for the staff case page (case_attachments.py), the page a
private tracking link opens, and the questions after the result (clarifications.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Max
from django.urls import reverse

from workflow.models import Case, OutboxMessage
from workflow.notifications.backends import PermanentFailure, WindowClosed

from .channels.backends import get_channel_backend
from .models import ChannelSender, Consent

CONSENT_CHANNELS = {Consent.Purpose.SMS_UPDATES: OutboxMessage.Channel.SMS,
                    Consent.Purpose.EMAIL_UPDATES: OutboxMessage.Channel.EMAIL}


def declined_channels(case: Case) -> set[str]:
    """The outbox channels the reporter said no to on the form (SECURITY DP2)."""
    declined = Consent.objects.filter(case=case, purpose__in=CONSENT_CHANNELS, agreed=False)
    return {CONSENT_CHANNELS[purpose] for purpose in declined.values_list("purpose", flat=True)}


def reply_through_platform(message: OutboxMessage, text: str, now: datetime) -> str:
    """A reply through the Facebook page or Zalo OA the case came from, inside the window."""
    sender = ChannelSender.objects.filter(case_id=message.case_id).first()
    if not message.to_reporter or sender is None or not sender.sender_id:
        raise PermanentFailure("no platform id to reply to")
    # The window runs from the person's last message to us, on any of their cases.
    last = ChannelSender.objects.filter(
        platform=sender.platform, sender_id=sender.sender_id
    ).aggregate(last=Max("received_at"))["last"] or sender.received_at
    hours = settings.CHANNEL_REPLY_WINDOW_HOURS.get(sender.platform)
    if hours is not None and now > last + timedelta(hours=hours):
        raise WindowClosed(f"{sender.platform} reply window of {hours:g} hours closed")
    # The SMS's reference too: one per (event, recipient), the same on every attempt, resend
    # and restored database, never a row id another message may have had before.
    return get_channel_backend().send(sender.platform, sender.sender_id, text,
                                      reference=message.reference)


def track_link_path(token: str) -> str:
    """The page that opens a case by its private link (views.track_link)."""
    return reverse("public:track_link", args=[token])


def register() -> None:
    from workflow.reporters import (
        register_case_attachments,
        register_clarifications,
        register_declined_channels,
        register_reply_sender,
        register_track_link_path,
    )

    from .case_attachments import STAFF_CASE_PAGE
    from .clarifications import CLARIFICATIONS

    register_declined_channels(declined_channels)
    for channel in (Case.Channel.FACEBOOK, Case.Channel.ZALO):
        register_reply_sender(channel, reply_through_platform)
    register_case_attachments(STAFF_CASE_PAGE)
    register_track_link_path(track_link_path)
    register_clarifications(CLARIFICATIONS)
