"""What workflow asks about a reporter is answered by feedback at start-up, and a question
nobody answers is an error that names it, never a silent default (workflow.reporters)."""

import pytest

from feedback.models import Consent
from tests.conftest import MONDAY
from workflow import reporters
from workflow.models import Case, OutboxMessage


@pytest.fixture
def nothing_registered(monkeypatch):
    monkeypatch.setattr(reporters, "_declined", [])
    monkeypatch.setattr(reporters, "_reply_senders", {})
    monkeypatch.setattr(reporters, "_attachments", [])


@pytest.mark.django_db
def test_feedback_answers_what_the_reporter_declined_from_their_consents(province):
    case = province.receive()
    assert reporters.declined_channels(case) == set()
    Consent.objects.create(case=case, purpose=Consent.Purpose.SMS_UPDATES, agreed=False,
                           notice_version="1", given_at=MONDAY)
    assert reporters.declined_channels(case) == {OutboxMessage.Channel.SMS}


def test_feedback_answers_the_platform_and_attachment_questions_at_start_up():
    assert callable(reporters.reply_sender(Case.Channel.FACEBOOK))
    assert callable(reporters.reply_sender(Case.Channel.ZALO))
    assert callable(reporters.case_attachments_answer().annotation)


@pytest.mark.usefixtures("nothing_registered")
def test_an_unanswered_consent_question_is_an_error_not_an_empty_answer():
    with pytest.raises(reporters.NotRegistered, match="register_declined_channels"):
        reporters.declined_channels(Case())


@pytest.mark.usefixtures("nothing_registered")
def test_an_unanswered_reply_channel_or_attachment_question_names_itself():
    with pytest.raises(reporters.NotRegistered, match="'facebook'"):
        reporters.reply_sender(Case.Channel.FACEBOOK)
    with pytest.raises(reporters.NotRegistered, match="register_case_attachments"):
        reporters.case_attachments_answer()
