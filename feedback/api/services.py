"""Intake from the machine channels (the mobile app's JSON API, Open311 apps).

The web portal's `feedback.services.submit_case` records its cases as channel "web"; these
channels need their own channel on the case, so they come through here, with the same steps.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction

from routing.models import Category
from workflow.models import Case
from workflow.services import receive_case

from ..models import Attachment, Consent
from ..uploads import CleanPhoto


@transaction.atomic
def receive_channel_case(
    *,
    channel: str,
    title: str,
    content: str,
    reporter_name: str,
    reporter_phone: str = "",
    reporter_email: str = "",
    reporter_address: str = "",
    is_confidential: bool = False,
    location_text: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    occurred_at: datetime | None = None,
    category: Category | None = None,
    photos: Sequence[CleanPhoto] = (),
    notice_version: str | None,
    idempotency_key: str | None,
    language: str = "vi",
    now: datetime,
) -> tuple[Case, bool]:
    """A case from a machine channel, with its photos and (when the client showed the
    privacy notice) the reporter's consent, in one transaction. Returns (case, created);
    a repeated `idempotency_key` returns the first case with created False (IN4).

    The photos are already re-encoded (feedback.uploads.clean_photo); no URL is fetched.
    """
    case = receive_case(
        channel=channel, title=title, content=content, reporter_name=reporter_name,
        reporter_phone=reporter_phone, reporter_email=reporter_email,
        reporter_address=reporter_address, is_confidential=is_confidential,
        location_text=location_text, latitude=latitude, longitude=longitude,
        occurred_at=occurred_at, category=category, idempotency_key=idempotency_key,
        language=language, now=now,
    )
    # receive_case hands back the earlier case on a repeated key; only a new one is ours.
    if case.received_at != now:
        return case, False
    if notice_version:
        Consent.objects.create(case=case, purpose=Consent.Purpose.PROCESSING,
                               notice_version=notice_version, given_at=now)
    for photo in photos:
        attachment = Attachment(case=case, kind=Attachment.Kind.PHOTO,
                                content_type=photo.content_type, size=photo.size,
                                sha256=photo.sha256)
        # The name only feeds upload_to, which ignores it (IN2).
        attachment.file.save(f"photo.{photo.extension}", ContentFile(photo.content), save=False)
        attachment.save()
    return case, True
