"""Separate consents for SMS and e-mail updates, and an outbox that honours them (SECURITY DP2).

Processing consent is required to send the form; the two update boxes are optional and start
unticked. A declined channel gets no message at all, the receipt with the tracking code
included, for this case's whole life; a case that was never asked (a hotline call, an app
that does not ask) is told on every channel it gave, as before.
"""

import re

import pytest
from django.utils import timezone

from feedback import services as feedback_services
from tests.conftest import MONDAY
from tests.feedback.support import SUBMIT, send, submission
from workflow import services
from workflow.models import Case, OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


def reporter_messages(case: Case, template: str = "case_received") -> list[str]:
    return sorted(OutboxMessage.objects.filter(case=case, to_reporter=True, template=template)
                  .values_list("channel", flat=True))


def answers(case: Case) -> dict[str, bool]:
    return dict(case.consents.values_list("purpose", "agreed"))


def test_the_form_offers_both_update_boxes_unticked_next_to_the_required_consent(client):
    html = client.get(SUBMIT).content.decode()
    for name in ("consent", "sms_updates", "email_updates"):
        box = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
        assert 'type="checkbox"' in box
        assert "checked" not in box
        assert "required" not in box or name == "consent"
    assert "Send me SMS updates" in html and "Send me e-mail updates" in html


def test_both_boxes_ticked_are_recorded_and_both_channels_get_the_receipt(client, settings):
    settings.PRIVACY_NOTICE_VERSION = "2026-test"
    send(client, submission(sms_updates="on", email_updates="on"))
    case = Case.objects.get()
    assert answers(case) == {"processing": True, "sms_updates": True, "email_updates": True}
    assert set(case.consents.values_list("notice_version", flat=True)) == {"2026-test"}
    assert {c.given_at for c in case.consents.all()} == {case.received_at}
    assert reporter_messages(case) == ["email", "sms"]


def test_boxes_left_unticked_are_recorded_as_declined_and_nothing_is_sent(client):
    response = send(client, submission())
    case = Case.objects.get()
    assert answers(case) == {"processing": True, "sms_updates": False, "email_updates": False}
    assert reporter_messages(case) == []
    page = client.get(response["Location"]).content.decode()
    assert case.display_code in page
    assert "You did not ask for SMS updates, so this code is not sent by SMS" in page
    assert "We also send it to you by SMS." not in page


def test_the_success_page_promises_the_sms_only_when_it_was_asked_for(client):
    response = send(client, submission(sms_updates="on"))
    page = client.get(response["Location"]).content.decode()
    assert "We also send it to you by SMS." in page
    assert "You did not ask for SMS updates" not in page


def test_e_mail_only_gets_the_e_mail_and_no_sms(client):
    send(client, submission(email_updates="on"))
    assert reporter_messages(Case.objects.get()) == ["email"]


def test_a_declined_sms_stays_declined_for_the_later_steps(client, province):
    send(client, submission(email_updates="on"))
    case = Case.objects.get()
    services.classify_case(case_id=case.pk, category=province.permits,
                           actor=province.coordinator, now=timezone.now())
    services.dispatch_case(case_id=case.pk, unit_ids=[province.roads.pk],
                           actor=province.coordinator, now=timezone.now())
    assert reporter_messages(case, "case_dispatched") == ["email"]


def test_a_retry_keeps_the_first_answer_on_the_success_page_and_in_the_outbox(client):
    first = submission(idempotency_key="c" * 32)
    send(client, first)
    response = send(client, {**first, "sms_updates": "on"})
    case = Case.objects.get()
    assert answers(case)["sms_updates"] is False
    assert reporter_messages(case) == []
    assert "You did not ask for SMS updates" in client.get(response["Location"]).content.decode()


def test_a_hotline_case_that_was_never_asked_is_told_on_every_channel(province):
    case = province.receive(now=MONDAY, channel=Case.Channel.HOTLINE)
    assert not case.consents.exists()
    assert reporter_messages(case) == ["email", "sms"]


def test_an_app_that_does_not_ask_leaves_the_channels_as_they_were():
    case, _created = feedback_services.submit_case(
        title="Cây đổ chắn đường", content="Cây đổ chắn ngang đường Cách Mạng Tháng Tám.",
        reporter_name="Lê Thị Cúc", reporter_phone="0903111222", reporter_email="cuc@example.vn",
        notice_version="2026-11", idempotency_key="app-no-choice-0001", channel=Case.Channel.APP,
        now=timezone.now(),
    )
    assert answers(case) == {"processing": True}
    assert reporter_messages(case) == ["email", "sms"]


def test_an_app_that_asks_passes_the_answers_through_the_same_service():
    case, _created = feedback_services.submit_case(
        title="Cây đổ chắn đường", content="Cây đổ chắn ngang đường Cách Mạng Tháng Tám.",
        reporter_name="Lê Thị Cúc", reporter_phone="0903111222", reporter_email="cuc@example.vn",
        notice_version="2026-11", sms_updates=True, email_updates=False,
        idempotency_key="app-with-choice-01", channel=Case.Channel.APP, now=timezone.now(),
    )
    assert answers(case) == {"processing": True, "sms_updates": True, "email_updates": False}
    assert reporter_messages(case) == ["sms"]
