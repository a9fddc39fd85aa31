"""Retention (SECURITY DP6; WORKFLOW.md "Records (Art. 12)").

Two steps, each safe to run again and again (a second run finds nothing left to do):

1. A rejected case whose rejection is older than ``RETENTION_REJECTED_DAYS`` is deleted with
   everything that hangs off it: its events, outgoing messages, deadline alerts,
   assignments (extensions, drafts and their evidence photos), attachments, comments,
   ratings and consents, and the uploaded files on storage. The event log is append-only in
   the database too (migration 0002); this is the one place that lifts that guard, with
   ``SET LOCAL cong1022.allow_purge = 'on'`` inside the batch's own transaction, and drops
   it again before the batch ends.
2. A closed case (published, or rejected and not purged yet) whose closing is older than
   ``RETENTION_ANONYMISE_DAYS`` loses the reporter's contact data: name, phone, e-mail and
   address. Its public record (title, content, reply, attachments, timeline) stays. A case
   that is open again (reopened and handled anew) is never touched; once it is published
   again, its period starts from that new closing.

A case closes when its last stage starts with no deadline (``_end_stage`` on reject,
publish and keep-result), so ``stage_started_at`` is the closing time of a closed case.

Other apps' rows go through the inventory's registry (privacy/inventory.py): those hanging
off a purged case go with it by their foreign key, each app naming the files to remove and
what it counts; each app blanks its own rows of an anonymised case (feedback the platform's
sender id) and empties its raw data past the rejected cases' period, whatever the case's
state (feedback the raw Facebook or Zalo events cases came from).

3. Rows that only ever hold a person's contact: the abuse list's entries (Art. 18.2) are
   deleted ``ABUSE_LIST_RETENTION_DAYS`` after they were added, and at once when the
   coordinator has switched them off; the sent-messages table of the demo and development
   (SentMessage: codes and addresses) loses its rows ``SENT_MESSAGES_RETENTION_DAYS`` after
   they were written.

Audit rows (routing.AuditEvent) are never purged here; each real run adds one.
Outgoing messages keep only codes in ``context`` (the tracking code, a rejection reason
code, a stage and a deadline) and read the reporter's address at send time, so
anonymising the case is enough: nothing personal is left in the outbox.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.storage import Storage
from django.db import connection, transaction
from django.db.models import DateTimeField, Q, QuerySet
from django.db.models.functions import Coalesce

from routing.audit import record
from routing.models import AuditEvent

from ..models import AbuseListEntry, Case, CaseEvent, OutboxMessage, SentMessage
from .inventory import CaseData, CaseIds, case_data

logger = logging.getLogger("workflow.retention")

BATCH = 500
# What an anonymised case shows as the reporter's name (reporter_name may not be blank).
ANONYMOUS_NAME = "—"

_ALLOW_PURGE = "SET LOCAL cong1022.allow_purge = 'on'"
_FORBID_PURGE = "SET LOCAL cong1022.allow_purge = 'off'"


@dataclass
class PurgeResult:
    cases_purged: int = 0
    events_purged: int = 0
    outbox_purged: int = 0
    attachments_purged: int = 0
    photos_purged: int = 0
    files_deleted: int = 0
    payloads_purged: int = 0
    cases_anonymised: int = 0
    abuse_list_purged: int = 0
    sent_messages_purged: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    @property
    def changed(self) -> bool:
        return any(self.as_dict().values())


def default_rejected_days() -> int:
    return int(getattr(settings, "RETENTION_REJECTED_DAYS", 30))


def default_anonymise_days() -> int:
    return int(getattr(settings, "RETENTION_ANONYMISE_DAYS", 365))


def abuse_list_to_purge(now: datetime) -> QuerySet[AbuseListEntry]:
    """Entries past ABUSE_LIST_RETENTION_DAYS, and those switched off (no purpose left)."""
    cutoff = now - timedelta(days=int(getattr(settings, "ABUSE_LIST_RETENTION_DAYS", 365)))
    return AbuseListEntry.objects.filter(Q(active=False) | Q(added_at__lt=cutoff))


def sent_messages_to_purge(now: datetime) -> QuerySet[SentMessage]:
    cutoff = now - timedelta(days=int(getattr(settings, "SENT_MESSAGES_RETENTION_DAYS", 7)))
    return SentMessage.objects.filter(sent_at__lt=cutoff)


def _closed_at() -> Coalesce:
    # Old rows written without stage bookkeeping fall back to their last change: later than
    # the real closing, so a case is never purged or anonymised early.
    return Coalesce("stage_started_at", "updated_at", output_field=DateTimeField())


def rejected_to_purge(*, now: datetime, rejected_after_days: int) -> QuerySet[Case]:
    cutoff = now - timedelta(days=rejected_after_days)
    return Case.objects.alias(closed_at=_closed_at()).filter(
        state=Case.State.REJECTED, closed_at__lt=cutoff
    )


def closed_to_anonymise(*, now: datetime, anonymise_after_days: int) -> QuerySet[Case]:
    cutoff = now - timedelta(days=anonymise_after_days)
    already = Q(reporter_name=ANONYMOUS_NAME, reporter_phone="", reporter_email="",
                reporter_address="")
    return (
        Case.objects.alias(closed_at=_closed_at())
        .filter(state__in=(Case.State.PUBLISHED, Case.State.REJECTED), closed_at__lt=cutoff)
        .exclude(already)
    )


def anonymise_cases(case_ids: CaseIds) -> int:
    """Blank the reporter's contact data of the cases, and every app's own rows of them.

    A queryset update: it leaves updated_at and the public record as they were. The caller
    holds the cases' row locks.
    """
    done = Case.objects.filter(pk__in=case_ids).update(
        reporter_name=ANONYMOUS_NAME, reporter_phone="", reporter_email="", reporter_address=""
    )
    for handler in case_data():
        handler.anonymise(case_ids)
    return done


def _check_days(**days: int) -> None:
    for name, value in days.items():
        if int(value) < 1:
            raise ValueError(f"{name} must be at least 1 day, not {value}")


def purge(
    *,
    now: datetime,
    rejected_after_days: int | None = None,
    anonymise_after_days: int | None = None,
    dry_run: bool = False,
    batch: int = BATCH,
) -> PurgeResult:
    """Apply the retention periods as of `now`; with `dry_run`, only count what would go.

    Raw channel payloads follow the rejected cases' period (the regulation's 30 days).
    """
    rejected_after_days = (
        default_rejected_days() if rejected_after_days is None else rejected_after_days
    )
    anonymise_after_days = (
        default_anonymise_days() if anonymise_after_days is None else anonymise_after_days
    )
    _check_days(rejected_after_days=rejected_after_days,
                anonymise_after_days=anonymise_after_days)
    if dry_run:
        return _count(now, rejected_after_days, anonymise_after_days)

    result = PurgeResult()
    outcome = "ok"
    try:
        while (done := _purge_batch(result, now, rejected_after_days, batch)):
            if done < batch:
                break
        cutoff = now - timedelta(days=rejected_after_days)
        for handler in case_data():
            while (done := _expire_batch(result, handler, cutoff, batch)):
                if done < batch:
                    break
        while (done := _anonymise_batch(result, now, anonymise_after_days, batch)):
            if done < batch:
                break
        result.abuse_list_purged += _delete_in_batches(abuse_list_to_purge(now), batch)
        result.sent_messages_purged += _delete_in_batches(sent_messages_to_purge(now), batch)
    except Exception:
        outcome = "error"
        raise
    finally:
        try:
            _audit(result, outcome, rejected_after_days, anonymise_after_days)
        except Exception:
            if outcome == "ok":
                raise
            # The run's own failure is the one to report; the batches done so far stay done.
            logger.exception("retention: the failed run could not be audited")
    logger.info("retention: %s", result.as_dict())
    return result


def _add(result: PurgeResult, counts: dict[str, int]) -> None:
    for counter, value in counts.items():
        setattr(result, counter, getattr(result, counter) + value)


def _count(now: datetime, rejected_after_days: int, anonymise_after_days: int) -> PurgeResult:
    doomed = rejected_to_purge(now=now, rejected_after_days=rejected_after_days)
    doomed_ids = doomed.values("pk")
    cutoff = now - timedelta(days=rejected_after_days)
    result = PurgeResult(
        cases_purged=doomed.count(),
        events_purged=CaseEvent.objects.filter(case__in=doomed_ids).count(),
        outbox_purged=OutboxMessage.objects.filter(case__in=doomed_ids).count(),
        cases_anonymised=closed_to_anonymise(now=now, anonymise_after_days=anonymise_after_days)
        .exclude(pk__in=doomed_ids)
        .count(),
        abuse_list_purged=abuse_list_to_purge(now).count(),
        sent_messages_purged=sent_messages_to_purge(now).count(),
    )
    for handler in case_data():
        _add(result, handler.purge_counts(doomed_ids))
        _add(result, {"files_deleted": len(handler.purge_files(doomed_ids)),
                      handler.expired_counter: handler.count_expired(cutoff, doomed_ids)})
    return result


@transaction.atomic
def _purge_batch(result: PurgeResult, now: datetime, days: int, batch: int) -> int:
    """Delete up to `batch` rejected cases and all they hold; return how many."""
    ids = list(
        rejected_to_purge(now=now, rejected_after_days=days)
        .order_by("pk")
        .select_for_update(skip_locked=True)
        .values_list("pk", flat=True)[:batch]
    )
    if not ids:
        return 0
    files: list[tuple[Storage, str]] = []
    for handler in case_data():
        # Counted before the delete: the cases are locked, so no row is added meanwhile.
        _add(result, handler.purge_counts(ids))
        files.extend(handler.purge_files(ids))

    with connection.cursor() as cursor:
        cursor.execute(_ALLOW_PURGE)
        # Outgoing messages PROTECT their events, and events PROTECT their case and
        # assignment: messages first, then events, then the case cascades the rest.
        outbox, _ = OutboxMessage.objects.filter(case_id__in=ids).delete()
        # The default manager refuses deletes (append-only); the base manager is plain.
        events, _ = CaseEvent._base_manager.filter(case_id__in=ids).delete()
        _, per_model = Case.objects.filter(pk__in=ids).delete()
        # SET LOCAL lasts to the end of the whole transaction; when a caller's
        # transaction wraps this one, the guard must not stay lifted for the rest of it.
        cursor.execute(_FORBID_PURGE)

    result.cases_purged += per_model.get(Case._meta.label, 0)
    result.events_purged += events
    result.outbox_purged += outbox
    result.files_deleted += len(files)
    # Files go once the rows are gone for good: a rolled-back batch keeps both.
    transaction.on_commit(lambda: _delete_files(files), robust=True)
    return len(ids)


def _delete_files(files: list[tuple[Storage, str]]) -> None:
    for storage, name in files:
        try:
            storage.delete(name)
        except OSError as exc:
            # Logged by name only: names are random (SECURITY IN2), never a person's data.
            logger.warning("retention: could not delete file %s (%s)", name,
                           type(exc).__name__)


@transaction.atomic
def _expire_batch(result: PurgeResult, handler: CaseData, cutoff: datetime, batch: int) -> int:
    done = handler.expire(cutoff, batch)
    _add(result, {handler.expired_counter: done})
    return done


@transaction.atomic
def _anonymise_batch(result: PurgeResult, now: datetime, days: int, batch: int) -> int:
    ids = list(
        closed_to_anonymise(now=now, anonymise_after_days=days)
        .order_by("pk")
        .select_for_update(skip_locked=True)
        .values_list("pk", flat=True)[:batch]
    )
    if not ids:
        return 0
    result.cases_anonymised += anonymise_cases(ids)
    return len(ids)


def _delete_in_batches(rows: QuerySet, batch: int) -> int:
    """Delete `rows` (rows nothing else points to), `batch` at a time; return how many."""
    deleted = 0
    while ids := list(rows.order_by("pk").values_list("pk", flat=True)[:batch]):
        with transaction.atomic():
            count, _ = rows.model.objects.filter(pk__in=ids).delete()
        deleted += count
        if len(ids) < batch:
            break
    return deleted


def _audit(result: PurgeResult, outcome: str, rejected_days: int, anonymise_days: int) -> None:
    # The system applying the configured retention periods to reporters' personal data.
    record(
        AuditEvent.Action.PERSONAL_DATA,
        outcome=outcome,
        purge=result.as_dict(),
        retention_days={"rejected": rejected_days, "anonymise": anonymise_days},
    )
