"""The read-only admin list of channel senders shows no sender id."""

import pytest
from django.urls import reverse

from .support import FACEBOOK_MESSAGE, PSID, encode, facebook_signature

pytestmark = pytest.mark.django_db


def test_the_channel_sender_list_answers_without_the_sender_id(admin_client, client):
    body = encode(FACEBOOK_MESSAGE)
    client.post(reverse("channels:facebook"), data=body, content_type="application/json",
                headers={"X-Hub-Signature-256": facebook_signature(body)})
    response = admin_client.get(reverse("admin:feedback_channelsender_changelist"))
    assert response.status_code == 200
    assert b"Facebook" in response.content
    assert PSID.encode() not in response.content


def test_the_mailbox_intake_list_shows_each_message_outcome_without_an_address(admin_client,
                                                                              province):
    from django.utils import timezone

    from feedback.models import IncomingEmail

    case = province.receive()
    IncomingEmail.objects.create(key="a" * 64, case=case, outcome=IncomingEmail.Outcome.CASE,
                                 note="", received_at=timezone.now())
    IncomingEmail.objects.create(key="b" * 64, outcome=IncomingEmail.Outcome.REFUSED,
                                 note="auto_reply", received_at=timezone.now())

    response = admin_client.get(reverse("admin:feedback_incomingemail_changelist"))

    assert response.status_code == 200
    assert case.display_code.encode() in response.content
    assert b"auto_reply" in response.content
    assert b"an@example.vn" not in response.content
