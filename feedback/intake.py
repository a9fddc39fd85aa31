"""The web form's intake: a submission is accepted as one row while the citizen waits, and
the worker builds its case moments later.

While the citizen waits: the form is checked, the photos re-encoded and stored, and one
row written (Submission) with the tracking code they are shown. Everything a case brings
with it (its event, the consents, the receipt SMS and the coordinators' e-mails in the
outbox, the abuse-list check, the attachments' rows) is the worker's, through the same
service as every other channel (feedback.services.submit_case). The case's time of receipt
is the submission's, so its deadlines are what they would have been.

The worker is woken on commit, once for however many submissions arrive before it starts
(`wake`); the beat builds anything left behind (a broker that was down, a lost task).
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import asdict
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.core.files.base import ContentFile, File
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils.dateparse import parse_datetime

from config.celery import enqueue
from config.retry import retry_on_conflict
from routing.models import Area, Category
from workflow.models.cases import new_tracking_code
from workflow.photos import CleanPhoto

from . import services
from .models import Attachment, Submission
from .uploads import StoredFile
from .videos import CleanVideo

log = logging.getLogger("feedback.intake")

# Set while a build task is queued and has not begun: later submissions need not queue
# another. The worker clears it before it looks, so none is missed; it expires anyway, in
# case the task was lost.
WAKE_KEY = "feedback:intake:wake"
WAKE_SECONDS = 5
# A submission whose build failed this often waits for a person (the admin lists it).
MAX_ATTEMPTS = 5
# The unique index a submission's random tracking code may meet (feedback.models.Submission).
CODE_UNIQUE = "submission_code_unique"


def store_files(photos: list[CleanPhoto], videos: list[CleanVideo]) -> list[StoredFile]:
    """Store the cleaned files under new random names (SECURITY IN2): they are served only
    once the worker has made them a case's attachments, through the checked view."""
    field = Attachment._meta.get_field("file")
    stored = []
    for photo in photos:
        name = field.storage.save(field.generate_filename(None, f"photo.{photo.extension}"),
                                  ContentFile(photo.content))
        stored.append(StoredFile(Attachment.Kind.PHOTO, name, photo.content_type,
                                 len(photo.content), photo.sha256))
    for video in videos:
        video.file.seek(0)
        name = field.storage.save(field.generate_filename(None, f"video.{video.extension}"),
                                  File(video.file))
        stored.append(StoredFile(Attachment.Kind.VIDEO, name, video.content_type, video.size,
                                 video.sha256))
    return stored


def remove_files(files: list[StoredFile]) -> None:
    storage = Attachment._meta.get_field("file").storage
    for item in files:
        storage.delete(item.name)


# The form's fields that travel to the case unchanged (feedback.services.submit_case).
PLAIN_FIELDS = ("title", "content", "reporter_name", "reporter_phone", "reporter_email",
                "reporter_address", "is_confidential", "location_text", "email_updates")


def accept(
    data: dict[str, Any],
    *,
    files: list[StoredFile],
    notice_version: str,
    language: str,
    now: datetime,
) -> tuple[Submission, bool]:
    """Write the submission (`data`: the form's cleaned fields) and wake the worker.
    Returns (submission, True); or, for a key already sent (a double submit, a retry, the
    case built since), the first submission and False, and the files are removed."""
    idempotency_key, occurred_at, category = (data["idempotency_key"], data["occurred_at"],
                                              data["category"])
    payload = {
        **{name: data[name] for name in PLAIN_FIELDS},
        "occurred_at": occurred_at.isoformat() if occurred_at else None,
        "category": category.pk if category else None,
        "area": data["area"].pk if data.get("area") else None,
        "notice_version": notice_version,
        "files": [asdict(item) for item in files],
    }

    def write() -> Submission:
        return Submission.objects.create(
            received_at=now, idempotency_key=idempotency_key,
            tracking_code=new_tracking_code(), sms_updates=data["sms_updates"],
            payload=payload, language=language,
        )

    try:
        # A tracking code already taken (50 random bits) is drawn again.
        submission = retry_on_conflict(write, naming=CODE_UNIQUE)
    except IntegrityError:
        first = Submission.objects.filter(idempotency_key=idempotency_key).first()
        if first is None:
            raise
        remove_files(files)
        return first, False
    transaction.on_commit(wake)
    return submission, True


def wake() -> None:
    """Queue the build task unless one is already queued. Best effort: with the cache or
    the broker down the citizen still has their code, and the beat builds the case."""
    from .tasks import build_submissions_task

    try:
        first = cache.add(WAKE_KEY, 1, timeout=WAKE_SECONDS)
    except Exception as exc:  # noqa: BLE001 — Redis down must not fail a sent form
        log.warning("intake: worker not woken (%s); the beat will build the case",
                    type(exc).__name__)
        return
    if first:
        enqueue(build_submissions_task, log_as="intake: the build task")


def build_waiting(*, limit: int = 500) -> int:
    """Build the waiting submissions' cases, oldest first, each in its own transaction;
    two workers never take the same one. A build that fails is logged (by id only) and
    tried again on a later run, up to MAX_ATTEMPTS. Returns the number built."""
    with contextlib.suppress(Exception):  # a cache that is down: the key expires anyway
        cache.delete(WAKE_KEY)  # before looking: a submission from now on queues a new run
    built, failed = 0, []
    while built < limit:
        with transaction.atomic():
            submission = (Submission.objects.select_for_update(skip_locked=True)
                          .filter(case__isnull=True, attempts__lt=MAX_ATTEMPTS)
                          .exclude(pk__in=failed).order_by("received_at").first())
            if submission is None:
                break
            try:
                with transaction.atomic():
                    build(submission)
            except Exception:
                log.exception("intake: submission %s not built", submission.pk)
                failed.append(submission.pk)
                Submission.objects.filter(pk=submission.pk).update(attempts=F("attempts") + 1)
                if submission.attempts + 1 >= MAX_ATTEMPTS:
                    log.error("intake: submission %s given up after %d attempts; the admin "
                              "can build it again", submission.pk, MAX_ATTEMPTS)
                continue
        built += 1
    return built


def try_again(submissions: QuerySet[Submission]) -> list[int]:
    """Those of `submissions` still without a case start their attempts again, and the
    worker is woken; their ids."""
    ids = list(submissions.filter(case__isnull=True).values_list("pk", flat=True))
    Submission.objects.filter(pk__in=ids).update(attempts=0)
    transaction.on_commit(wake)
    return ids


def build(submission: Submission) -> None:
    """The case of one submission, through the service every channel uses; then the
    submission keeps only its code, its key and its case."""
    data: dict[str, Any] = submission.payload
    files = [StoredFile(**item) for item in data["files"]]
    category_id, area_id = data["category"], data.get("area")  # older rows have no area
    case, created = services.submit_case(
        **{name: data[name] for name in PLAIN_FIELDS},
        occurred_at=parse_datetime(data["occurred_at"]) if data["occurred_at"] else None,
        category=Category.objects.filter(pk=category_id).first() if category_id else None,
        area=Area.objects.filter(pk=area_id).first() if area_id else None,
        stored_files=files, notice_version=data["notice_version"],
        sms_updates=submission.sms_updates, idempotency_key=submission.idempotency_key,
        tracking_code=submission.tracking_code, language=submission.language,
        now=submission.received_at,
    )
    if not created:
        remove_files(files)  # the key's case was made already, with its own files
    submission.case = case
    submission.tracking_code = case.tracking_code  # another only if the code was taken
    submission.payload = {}
    submission.save(update_fields=["case", "tracking_code", "payload"])


def waiting_submission(code: str, phone: str) -> Submission | None:
    """A submission whose case is not built yet, for its reporter (code and phone)."""
    submission = Submission.objects.filter(tracking_code=code, case__isnull=True).first()
    if submission is None or submission.payload.get("reporter_phone") != phone:
        return None
    return submission
