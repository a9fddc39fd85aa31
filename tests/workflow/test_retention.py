"""Retention (SECURITY DP6): the clock jumps past the periods and the purge acts, once."""

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from config.celery import app
from feedback.models import Attachment, Comment, Consent
from publishing.selectors import public_cases
from routing.audit import record
from routing.models import AuditEvent
from tests.conftest import MONDAY
from tests.workflow import drive
from workflow import services
from workflow.models import (
    Assignment,
    Case,
    CaseEvent,
    DeadlineAlert,
    Draft,
    DraftPhoto,
    OutboxMessage,
)
from workflow.privacy.retention import ANONYMOUS_NAME, PurgeResult, purge
from workflow.tasks import purge_retention_task

pytestmark = pytest.mark.django_db

STEP = timedelta(minutes=10)
REJECTED_DAYS = 30
ANONYMISE_DAYS = 365


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def _attach(case: Case) -> Attachment:
    attachment = Attachment(case=case, kind=Attachment.Kind.PHOTO, content_type="image/jpeg",
                            size=4, sha256="0" * 64)
    attachment.file.save("x.jpg", ContentFile(b"jpeg"), save=False)
    attachment.save()
    return attachment


def rejected(p, now, *, with_unit: bool = False) -> Case:
    """A rejected case with everything that can hang off one: its events and messages, an
    attachment and a consent; with_unit, a unit's returned assignment (whose events PROTECT
    it), a draft with an evidence photo and a deadline alert."""
    case = p.receive(now=now)
    _attach(case)
    Consent.objects.create(case=case, purpose=Consent.Purpose.PROCESSING, notice_version="t",
                           given_at=now)
    services.classify_case(case_id=case.pk, category=p.permits, actor=p.coordinator,
                           now=now + STEP)
    if with_unit:
        (assignment,) = services.dispatch_case(case_id=case.pk, unit_ids=[p.roads.pk],
                                               actor=p.coordinator, now=now + 2 * STEP)
        services.return_assignment(assignment_id=assignment.pk, reason="Không thuộc thẩm quyền",
                                   actor=p.roads_staff, now=now + 3 * STEP)
        draft = Draft.objects.create(assignment=assignment, body="x", created_at=now + 3 * STEP)
        photo = DraftPhoto(draft=draft)
        photo.image.save("p.jpg", ContentFile(b"jpeg"), save=False)
        photo.save()
        DeadlineAlert.objects.create(key=f"test:{case.pk}", kind="reminder", case=case,
                                     assignment=assignment, stage="pending", due_at=now, at=now)
    return services.reject_case(case_id=case.pk, reason="advertising", actor=p.coordinator,
                                now=now + 4 * STEP)


def _files(media) -> set[str]:
    return {str(path.relative_to(media)) for path in media.rglob("*") if path.is_file()}


def _run(now, captured, **kwargs) -> PurgeResult:
    with captured(execute=True):
        return purge(now=now, rejected_after_days=REJECTED_DAYS,
                     anonymise_after_days=ANONYMISE_DAYS, **kwargs)


def test_a_rejected_case_past_the_period_goes_with_its_events_messages_and_files(
    province, media, django_capture_on_commit_callbacks
):
    old = rejected(province, MONDAY, with_unit=True)
    young = rejected(province, MONDAY + timedelta(days=20))
    old_files = {a.file.name for a in old.attachments.all()} | {
        p.image.name for p in DraftPhoto.objects.filter(draft__assignment__case=old)
    }
    young_files = {a.file.name for a in young.attachments.all()}
    assert old_files | young_files <= _files(media) and len(old_files) == 2
    old_events = CaseEvent.objects.filter(case=old).count()
    old_outbox = OutboxMessage.objects.filter(case=old).count()
    assert old_events >= 5 and old_outbox >= 2

    # 31 days after the first rejection, 11 after the second.
    result = _run(MONDAY + timedelta(days=31), django_capture_on_commit_callbacks)

    assert result == PurgeResult(cases_purged=1, events_purged=old_events,
                                 outbox_purged=old_outbox, attachments_purged=1,
                                 photos_purged=1, files_deleted=2)
    assert not Case.objects.filter(pk=old.pk).exists()
    assert not CaseEvent.objects.filter(case_id=old.pk).exists()
    assert not OutboxMessage.objects.filter(case_id=old.pk).exists()
    assert not Assignment.objects.filter(case_id=old.pk).exists()
    assert not DeadlineAlert.objects.filter(case_id=old.pk).exists()
    assert not Consent.objects.filter(case_id=old.pk).exists()
    assert not Attachment.objects.filter(case_id=old.pk).exists()
    assert not old_files & _files(media)
    # The younger rejection keeps everything, files included.
    assert Case.objects.filter(pk=young.pk, state=Case.State.REJECTED).exists()
    assert CaseEvent.objects.filter(case=young).exists()
    assert OutboxMessage.objects.filter(case=young).exists()
    assert young_files <= _files(media)


def test_running_twice_acts_once(province, media, django_capture_on_commit_callbacks):
    rejected(province, MONDAY, with_unit=True)
    rejected(province, MONDAY + timedelta(days=1))
    drive.published(province, MONDAY)
    later = MONDAY + timedelta(days=400)

    first = _run(later, django_capture_on_commit_callbacks)
    second = _run(later, django_capture_on_commit_callbacks)

    assert first.cases_purged == 2 and first.cases_anonymised == 1
    assert second == PurgeResult()
    assert not second.changed


def test_purging_goes_in_batches(province, media, django_capture_on_commit_callbacks):
    for day in range(5):
        rejected(province, MONDAY + timedelta(days=day))
    with django_capture_on_commit_callbacks(execute=True):
        result = purge(now=MONDAY + timedelta(days=60), rejected_after_days=REJECTED_DAYS,
                       anonymise_after_days=ANONYMISE_DAYS, batch=2)
    assert result.cases_purged == 5
    assert not Case.objects.exists()
    assert not _files(media)


def test_a_published_case_loses_its_reporter_but_keeps_its_public_record(
    province, media, django_capture_on_commit_callbacks
):
    case = drive.published(province, MONDAY, reporter_address="12 Đường 30/4")
    _attach(case)
    Comment.objects.create(case=case, author_kind=Comment.Author.REPORTER, body="Cảm ơn",
                           created_at=MONDAY + timedelta(days=1))
    before = Case.objects.get(pk=case.pk)
    events = list(CaseEvent.objects.filter(case=case).values_list("pk", "kind"))
    files = _files(media)

    # Not yet: a year less a day after publication.
    assert _run(MONDAY + timedelta(days=364), django_capture_on_commit_callbacks) == PurgeResult()
    result = _run(MONDAY + timedelta(days=366), django_capture_on_commit_callbacks)

    assert result == PurgeResult(cases_anonymised=1)
    after = Case.objects.get(pk=case.pk)
    assert (after.reporter_name, after.reporter_phone, after.reporter_email,
            after.reporter_address) == (ANONYMOUS_NAME, "", "", "")
    for field in ("state", "title", "content", "reply_text", "published_at", "tracking_code",
                  "location_text", "category_id", "received_at", "updated_at"):
        assert getattr(after, field) == getattr(before, field), field
    assert list(CaseEvent.objects.filter(case=case).values_list("pk", "kind")) == events
    assert after.attachments.count() == 1 and after.comments.count() == 1
    assert _files(media) == files
    assert public_cases().filter(pk=case.pk).exists()
    # What the outbox kept is codes only: nothing personal to clear there.
    for context in OutboxMessage.objects.filter(case=case).values_list("context", flat=True):
        assert set(context) <= {"code", "reason", "due_at", "stage"}


def test_a_rejected_case_not_yet_purged_is_anonymised_when_that_period_is_shorter(
    province, media, django_capture_on_commit_callbacks
):
    case = rejected(province, MONDAY)
    with django_capture_on_commit_callbacks(execute=True):
        result = purge(now=MONDAY + timedelta(days=20), rejected_after_days=60,
                       anonymise_after_days=10)
    assert result == PurgeResult(cases_anonymised=1)
    case.refresh_from_db()
    assert case.reporter_name == ANONYMOUS_NAME and case.reporter_phone == ""


def test_open_and_reopened_cases_are_never_anonymised(
    province, media, django_capture_on_commit_callbacks
):
    received = province.receive(now=MONDAY)
    reopened = drive.reopened(province, MONDAY)
    processing = drive.processing(province, MONDAY).case

    result = _run(MONDAY + timedelta(days=3 * 365), django_capture_on_commit_callbacks)

    assert result == PurgeResult()
    for case in (received, reopened, processing):
        case.refresh_from_db()
        assert case.reporter_name == "Nguyễn Văn An"
        assert case.reporter_phone == "0912345678"
        assert case.reporter_email == "an@example.vn"


def test_a_case_published_again_after_reopening_counts_from_its_new_closing(
    province, media, django_capture_on_commit_callbacks
):
    case = drive.reopened(province, MONDAY)
    kept_at = MONDAY + timedelta(days=200)
    services.keep_result(case_id=case.pk, note="Kết quả giữ nguyên", actor=province.coordinator,
                         now=kept_at)

    assert _run(MONDAY + timedelta(days=400), django_capture_on_commit_callbacks) == PurgeResult()
    assert _run(kept_at + timedelta(days=366),
                django_capture_on_commit_callbacks) == PurgeResult(cases_anonymised=1)


def test_audit_rows_survive_and_each_run_adds_one(
    province, media, django_capture_on_commit_callbacks
):
    old = rejected(province, MONDAY)
    earlier = record(AuditEvent.Action.EXPORT, obj=old, rows=1)

    _run(MONDAY + timedelta(days=31), django_capture_on_commit_callbacks)
    _run(MONDAY + timedelta(days=31), django_capture_on_commit_callbacks)

    assert AuditEvent.objects.filter(pk=earlier.pk).exists()
    runs = list(AuditEvent.objects.filter(detail__has_key="purge").order_by("pk"))
    assert [run.detail["purge"]["cases_purged"] for run in runs] == [1, 0]
    assert runs[0].actor is None and runs[0].outcome == "ok"
    assert runs[0].detail["retention_days"] == {"rejected": 30, "anonymise": 365}


def test_the_dry_run_counts_and_changes_nothing(
    province, media, django_capture_on_commit_callbacks
):
    old = rejected(province, MONDAY, with_unit=True)
    published = drive.published(province, MONDAY)
    later = MONDAY + timedelta(days=400)
    files, audits = _files(media), AuditEvent.objects.count()

    dry = _run(later, django_capture_on_commit_callbacks, dry_run=True)

    assert Case.objects.filter(pk=old.pk).exists()
    assert Case.objects.get(pk=published.pk).reporter_phone == "0912345678"
    assert _files(media) == files
    assert AuditEvent.objects.count() == audits
    # It counted what the real run then does.
    assert dry == _run(later, django_capture_on_commit_callbacks)
    assert dry.cases_purged == 1 and dry.files_deleted == 2 and dry.cases_anonymised == 1


def test_the_command_prints_the_counts_and_a_second_run_zeros(
    province, media, django_capture_on_commit_callbacks
):
    rejected(province, MONDAY)
    instant = (MONDAY + timedelta(days=31)).isoformat()

    dry = StringIO()
    call_command("retention", "--dry-run", "--now", instant, stdout=dry)
    assert "Dry run" in dry.getvalue() and "rejected cases deleted: 1" in dry.getvalue()
    assert Case.objects.count() == 1

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("retention", "--now", instant, stdout=out)
    assert "rejected cases deleted: 1" in out.getvalue()
    assert Case.objects.count() == 0

    again = StringIO()
    call_command("retention", "--now", instant, stdout=again)
    assert "rejected cases deleted: 0" in again.getvalue()
    assert "closed cases anonymised: 0" in again.getvalue()


def test_the_command_refuses_a_bad_instant_or_period(province):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("retention", "--now", "yesterday")
    with pytest.raises(CommandError):
        call_command("retention", "--rejected-days", "0")


def test_the_beat_runs_the_task_nightly_with_the_configured_periods(
    province, media, django_capture_on_commit_callbacks
):
    entry = app.conf.beat_schedule["retention"]
    assert entry["task"] == purge_retention_task.name
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({2}, {30})
    assert settings.RETENTION_REJECTED_DAYS == 30
    assert settings.RETENTION_ANONYMISE_DAYS == 365
    assert set(purge_retention_task()) == set(PurgeResult().as_dict())


def test_the_event_trigger_still_refuses_a_plain_delete_after_a_purge(
    province, media, django_capture_on_commit_callbacks
):
    rejected(province, MONDAY)
    young = rejected(province, MONDAY + timedelta(days=20))
    _run(MONDAY + timedelta(days=31), django_capture_on_commit_callbacks)

    # Same outer transaction as the purge: its permission did not outlive its batch.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute("DELETE FROM workflow_caseevent WHERE case_id = %s", [young.pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute("UPDATE workflow_caseevent SET note = 'x' WHERE case_id = %s", [young.pk])
    with pytest.raises(TypeError):
        CaseEvent.objects.filter(case=young).delete()
    assert CaseEvent.objects.filter(case=young).exists()


def test_raw_channel_payloads_go_after_the_period_and_the_sender_id_with_the_contact(
    province, media, django_capture_on_commit_callbacks
):
    from feedback.models import ChannelSender as sender_model
    open_case = province.receive(now=MONDAY, channel=Case.Channel.FACEBOOK)
    closed_case = drive.published(province, MONDAY, channel=Case.Channel.ZALO)
    for case, platform in ((open_case, "facebook"), (closed_case, "zalo")):
        sender_model.objects.create(case=case, platform=platform, sender_id=f"id-{case.pk}",
                                    raw_payload={"message": {"text": "…"}}, received_at=MONDAY)

    assert _run(MONDAY + timedelta(days=29), django_capture_on_commit_callbacks) == PurgeResult()
    month = MONDAY + timedelta(days=31)
    assert _run(month, django_capture_on_commit_callbacks, dry_run=True) == PurgeResult(
        payloads_purged=2)
    assert _run(month, django_capture_on_commit_callbacks) == PurgeResult(payloads_purged=2)
    assert _run(month, django_capture_on_commit_callbacks) == PurgeResult()
    assert list(sender_model.objects.values_list("raw_payload", flat=True)) == [{}, {}]
    assert sender_model.objects.get(case=open_case).sender_id == f"id-{open_case.pk}"

    assert _run(MONDAY + timedelta(days=366), django_capture_on_commit_callbacks) == PurgeResult(
        cases_anonymised=1)
    assert sender_model.objects.get(case=closed_case).sender_id == ""
    assert sender_model.objects.get(case=open_case).sender_id == f"id-{open_case.pk}"
