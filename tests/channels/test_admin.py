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
