"""The reporter's actions on a published case: comments and ratings (Art. 11)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from config.text import normalize_text
from routing.models import Area, Category
from routing.selectors import REPORTER
from workflow.errors import TransitionRefused
from workflow.models import Case
from workflow.photos import CleanPhoto
from workflow.services import (
    note_clarification_asked,
    receive_once,
    record_case,
    reopen_case,
)

from .models import Attachment, Comment, Consent, Rating
from .uploads import StoredFile
from .videos import CleanVideo


@transaction.atomic
def rate_case(*, case_id: int, value: str, note: str = "", now: datetime) -> Rating:
    """The reporter rates the published result, once per publication; "unsatisfied"
    sends the case back to the coordinator (Art. 10.4, 11.3)."""
    case = Case.objects.select_for_update().get(pk=case_id)
    if case.state != Case.State.PUBLISHED:
        raise TransitionRefused(_("Only a published result can be rated."))
    if value not in Rating.Value.values:
        raise ValidationError({"value": _("Choose one of the three ratings.")})
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                case=case, round=case.reopen_count, value=value, note=normalize_text(note),
                created_at=now,
            )
    except IntegrityError:
        raise TransitionRefused(_("This result has already been rated.")) from None
    if value == Rating.Value.UNSATISFIED:
        reopen_case(case_id=case.pk, actor=REPORTER, now=now, note=rating.note)
    return rating


@transaction.atomic
def add_reporter_comment(*, case_id: int, body: str, now: datetime) -> Comment:
    """The reporter asks for clarification of the published result (Art. 11.1): the
    question is kept, the case marked in the staff's queues and they are told. A state
    secret's result is told outside the portal, so its questions are too (Art. 10.3c)."""
    case = Case.objects.select_for_update().get(pk=case_id)
    if case.state not in (Case.State.PUBLISHED, Case.State.REOPENED) or case.is_state_secret:
        raise TransitionRefused(_("Comments open once the result is published."))
    body = normalize_text(body)
    if not body:
        raise ValidationError({"body": _("This field is required.")})
    comment = Comment.objects.create(
        case=case, author_kind=Comment.Author.REPORTER, body=body, created_at=now
    )
    note_clarification_asked(case=case, now=now)
    return comment


def submit_case(
    *,
    title: str,
    content: str,
    reporter_name: str,
    reporter_phone: str,
    reporter_email: str = "",
    reporter_address: str = "",
    is_confidential: bool = False,
    location_text: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    occurred_at: datetime | None = None,
    category: Category | None = None,
    area: Area | None = None,
    photos: Sequence[CleanPhoto] = (),
    videos: Sequence[CleanVideo] = (),
    stored_files: Sequence[StoredFile] = (),
    notice_version: str | None,
    sms_updates: bool | None = None,
    email_updates: bool | None = None,
    idempotency_key: str | None,
    channel: str = Case.Channel.WEB,
    language: str = "vi",
    tracking_code: str | None = None,
    now: datetime,
) -> tuple[Case, bool]:
    """A citizen's submission (the web portal, the mobile app's API, an Open311 app): the
    case, its photos and videos and, when the reporter was shown the privacy notice, the
    consents, in one transaction. Returns (case, created); a repeated `idempotency_key`
    (double submit, retry) returns the first case with created False and stores nothing
    more (IN4).

    `sms_updates` and `email_updates` are the reporter's answers to the two optional boxes
    (SECURITY DP2); None means they were not asked, and they are then told on every channel
    they gave. A declined channel gets nothing, not even the tracking code.

    The photos are already re-encoded (workflow.photos.clean_photo) and the videos checked
    and cleaned (feedback.videos.clean_video); no URL is fetched. `stored_files` are such
    files already in storage (the web form's intake), and `tracking_code` the code its
    reporter was shown: kept unless another case has it (then a new one, which the
    reporter's receipt carries).
    """
    answers = {Consent.Purpose.SMS_UPDATES: sms_updates,
               Consent.Purpose.EMAIL_UPDATES: email_updates}
    if not notice_version:
        answers = {}  # a choice made without the notice is no consent at all
    declined = [channel for purpose, channel in ((Consent.Purpose.SMS_UPDATES, "sms"),
                                                 (Consent.Purpose.EMAIL_UPDATES, "email"))
                if answers.get(purpose) is False]

    codes = iter([tracking_code] if tracking_code else [])

    def record() -> Case:
        case = record_case(
            channel=channel, title=title, content=content, reporter_name=reporter_name,
            reporter_phone=reporter_phone, reporter_email=reporter_email,
            reporter_address=reporter_address, is_confidential=is_confidential,
            location_text=location_text, latitude=latitude, longitude=longitude,
            occurred_at=occurred_at, category=category, area=area,
            idempotency_key=idempotency_key,
            language=language, now=now, declined_channels=declined,
            tracking_code=next(codes, None),
        )
        if notice_version:
            Consent.objects.bulk_create([
                Consent(case=case, purpose=purpose, agreed=agreed,
                        notice_version=notice_version, given_at=now)
                for purpose, agreed in ((Consent.Purpose.PROCESSING, True), *answers.items())
                if agreed is not None
            ])
        for photo in photos:
            attachment = Attachment(
                case=case, kind=Attachment.Kind.PHOTO, content_type=photo.content_type,
                size=photo.size, sha256=photo.sha256,
            )
            # The name only feeds upload_to, which ignores it (IN2).
            attachment.file.save(f"photo.{photo.extension}", ContentFile(photo.content),
                                 save=False)
            attachment.save()
        for video in videos:
            attachment = Attachment(
                case=case, kind=Attachment.Kind.VIDEO, content_type=video.content_type,
                size=video.size, sha256=video.sha256,
            )
            video.file.seek(0)
            attachment.file.save(f"video.{video.extension}", File(video.file), save=False)
            attachment.save()
        Attachment.objects.bulk_create([
            Attachment(case=case, kind=item.kind, file=item.name, content_type=item.content_type,
                       size=item.size, sha256=item.sha256)
            for item in stored_files
        ])
        return case

    # A repeated key hands back the first case, and nothing more is stored.
    return receive_once(record, idempotency_key)
