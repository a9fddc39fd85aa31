"""The web form's intake: the form is accepted as one row while the citizen waits, and the
worker builds its case moments later, with the code the citizen was shown."""

import json
from datetime import timedelta

import pytest
import redis
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.urls import reverse

from feedback import intake
from feedback.models import Attachment, Consent, Submission
from feedback.tasks import build_submissions_task
from routing.models import AuditEvent
from tests.conftest import cache_down
from tests.feedback.support import SUBMIT, jpeg_with_gps, submission, track, upload
from workflow.models import Case, CaseEvent, OutboxMessage

pytestmark = pytest.mark.django_db

SUBMITTED = reverse("public:submitted")
BUILD_TASK = "feedback.tasks.build_submissions_task"


def queued_builds() -> int:
    """The build tasks waiting in the real broker."""
    broker = redis.Redis.from_url(django_settings.CELERY_BROKER_URL)
    return sum(json.loads(message)["headers"]["task"] == BUILD_TASK
               for message in broker.lrange("celery", 0, -1))


def test_the_form_is_one_row_and_the_worker_builds_the_case_with_the_code_shown(
        client, province):
    response = client.post(SUBMIT, submission(sms_updates="on"))
    assert response["Location"] == SUBMITTED
    sent = Submission.objects.get()
    assert not Case.objects.exists()
    assert sent.payload["reporter_phone"] == "0912345678"
    assert sent.display_code in client.get(SUBMITTED).content.decode()

    assert intake.build_waiting() == 1
    case = Case.objects.get()
    sent.refresh_from_db()
    assert sent.case == case
    assert case.tracking_code == sent.tracking_code
    assert case.received_at == sent.received_at  # the deadlines count from the sending
    assert case.state == Case.State.RECEIVED
    assert (case.title, case.reporter_name) == ("Đường ngập sau mưa ở phường 3",
                                                "Nguyễn Thị Hoa")
    assert CaseEvent.objects.filter(case=case, kind="received").exists()
    assert Consent.objects.filter(case=case).count() == 3  # processing, SMS yes, e-mail no
    receipt = OutboxMessage.objects.get(case=case, channel="sms", to_reporter=True)
    assert receipt.context["code"] == case.display_code
    # The reporter's details now live in the case only.
    assert sent.payload == {}
    assert sent.display_code in client.get(SUBMITTED).content.decode()


def test_a_retry_after_the_case_was_built_shows_the_same_code_and_makes_nothing_more(client):
    data = submission()
    client.post(SUBMIT, data)
    intake.build_waiting()
    retry = client.post(SUBMIT, data)
    assert retry["Location"] == SUBMITTED
    assert intake.build_waiting() == 0
    assert Submission.objects.count() == Case.objects.count() == 1
    assert Case.objects.get().display_code in client.get(SUBMITTED).content.decode()


def test_a_photo_is_stored_at_once_and_attached_by_the_worker_and_a_retry_leaves_no_copy(
        client):
    data = submission()
    client.post(SUBMIT, {**data, "photos": [upload(jpeg_with_gps())]})
    client.post(SUBMIT, {**data, "photos": [upload(jpeg_with_gps())]})
    stored = Submission.objects.get().payload["files"]
    assert len(stored) == 1
    _dirs, files = default_storage.listdir("private/attachments")
    assert len(files) == 1
    intake.build_waiting()
    attachment = Attachment.objects.get()
    assert attachment.file.name == stored[0]["name"]
    assert attachment.case == Case.objects.get()
    assert attachment.kind == Attachment.Kind.PHOTO and attachment.size == stored[0]["size"]
    assert reverse("public:attachment", args=[attachment.pk]) not in str(stored)


def test_tracking_a_case_not_built_yet_says_it_is_being_registered(client, settings):
    settings.LANGUAGE_CODE = "en"
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    client.post(SUBMIT, submission())
    sent = Submission.objects.get()
    response = track(client, sent.display_code, "0912 345 678")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"We received your feedback {sent.display_code}" in html
    assert "are registering it" in html
    # The wrong phone is told nothing of it, and counts as a miss.
    wrong = track(client, sent.display_code, "0987654321").content.decode()
    assert "are registering it" not in wrong
    assert "We found no feedback with this tracking code and phone number" in wrong
    intake.build_waiting()
    assert track(client, sent.display_code, "0912345678")["Location"] == reverse(
        "public:tracked")


def test_a_code_another_channel_took_meanwhile_is_replaced_and_sent_by_sms(client, province):
    client.post(SUBMIT, submission(sms_updates="on"))
    sent = Submission.objects.get()
    shown = sent.tracking_code
    other = province.receive(title="Từ đường dây nóng")
    Case.objects.filter(pk=other.pk).update(tracking_code=shown)
    assert intake.build_waiting() == 1
    sent.refresh_from_db()
    case = sent.case
    assert case.tracking_code != shown
    assert sent.tracking_code == case.tracking_code  # the "sent" page shows the new one
    receipt = OutboxMessage.objects.get(case=case, channel="sms", to_reporter=True)
    assert receipt.context["code"] == case.display_code


def test_a_code_another_submission_holds_is_drawn_again(client, monkeypatch):
    client.post(SUBMIT, submission())
    taken = Submission.objects.get().tracking_code
    codes = iter([taken, "A1B2C3D4E5"])
    monkeypatch.setattr(intake, "new_tracking_code", lambda: next(codes))
    response = client.post(SUBMIT, submission(reporter_phone="0912000333"))
    assert response["Location"] == SUBMITTED
    assert sorted(Submission.objects.values_list("tracking_code", flat=True)) == sorted(
        [taken, "A1B2C3D4E5"])


def test_the_worker_is_woken_once_for_the_submissions_before_it_starts(
        client, django_capture_on_commit_callbacks):
    before = queued_builds()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SUBMIT, submission())
        client.post(SUBMIT, submission(reporter_phone="0912000333"))
    assert queued_builds() == before + 1
    build_submissions_task()  # the worker clears the mark before it looks
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SUBMIT, submission(reporter_phone="0912000444"))
    assert queued_builds() == before + 2
    assert Case.objects.count() == 2


def test_with_the_cache_down_the_form_is_accepted_and_the_beat_builds_it(
        client, settings, django_capture_on_commit_callbacks):
    cache_down(settings)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SUBMIT, submission())
    assert response["Location"] == SUBMITTED
    assert not Case.objects.exists()
    schedule = django_settings.CELERY_BEAT_SCHEDULE["build-submissions"]
    assert schedule["task"] == BUILD_TASK and schedule["schedule"] <= 60
    assert build_submissions_task() == 1
    assert Case.objects.get().tracking_code == Submission.objects.get().tracking_code


def test_a_submission_that_fails_to_build_does_not_hold_up_the_others(client, caplog):
    client.post(SUBMIT, submission())
    broken = Submission.objects.get()
    Submission.objects.filter(pk=broken.pk).update(
        payload={**broken.payload, "content": None}, received_at=broken.received_at
        - timedelta(minutes=1))
    client.post(SUBMIT, submission(reporter_phone="0912000555"))
    assert intake.build_waiting() == 1
    assert Case.objects.get().reporter_phone == "0912000555"
    broken.refresh_from_db()
    assert broken.case is None and broken.attempts == 1
    assert f"submission {broken.pk} not built" in caplog.text
    assert "Nguyễn Thị Hoa" not in caplog.text
    assert "given up" not in caplog.text
    for _run in range(intake.MAX_ATTEMPTS):
        intake.build_waiting()
    broken.refresh_from_db()
    assert broken.attempts == intake.MAX_ATTEMPTS  # left for a person, no longer tried
    assert caplog.text.count(f"submission {broken.pk} given up") == 1


def test_the_admin_lists_submissions_without_the_reporters_details(admin_client, client):
    client.post(SUBMIT, submission())
    client.post(SUBMIT, submission(reporter_phone="0912000666", reporter_name="Lê Văn Tâm"))
    intake.build_waiting(limit=1)
    waiting = Submission.objects.get(case__isnull=True)
    pages = [admin_client.get(reverse("admin:feedback_submission_changelist")),
             admin_client.get(reverse("admin:feedback_submission_change", args=[waiting.pk]))]
    for page in pages:
        assert page.status_code == 200
        html = page.content.decode()
        assert waiting.display_code in html
        for detail in ("Lê Văn Tâm", "0912000666", "0912345678", "hoa@example.vn"):
            assert detail not in html


def test_the_administrator_has_a_given_up_submission_built_again(admin_client, client):
    client.post(SUBMIT, submission())
    given_up = Submission.objects.get()
    Submission.objects.filter(pk=given_up.pk).update(attempts=intake.MAX_ATTEMPTS)
    assert intake.build_waiting() == 0
    response = admin_client.post(reverse("admin:feedback_submission_changelist"), {
        "action": "build_again", "_selected_action": [given_up.pk], "index": 0})
    assert response.status_code == 302
    given_up.refresh_from_db()
    assert given_up.attempts == 0
    audit = AuditEvent.objects.get(action=AuditEvent.Action.CONFIG_CHANGED)
    assert audit.detail == {"change": "submission_build_again", "submission_id": given_up.pk}
    assert intake.build_waiting() == 1
    assert Case.objects.get().tracking_code == given_up.tracking_code
