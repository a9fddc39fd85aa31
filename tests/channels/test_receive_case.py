"""receive_case's `contact_via_channel`: Facebook and Zalo reporters are answered there."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.conftest import MONDAY
from workflow.models import Case
from workflow.services import receive_case

pytestmark = pytest.mark.django_db

FIELDS = {"title": "Cây đổ chắn đường", "content": "Cây xanh đổ chắn ngang đường Cách Mạng.",
          "reporter_name": "Zalo 8750", "now": MONDAY}


@pytest.mark.parametrize("channel", [Case.Channel.FACEBOOK, Case.Channel.ZALO])
def test_a_platform_case_needs_no_phone_or_e_mail_when_answered_through_the_platform(channel):
    case = receive_case(channel=channel, contact_via_channel=True, **FIELDS)
    assert case.pk and case.channel == channel


def test_a_platform_case_still_needs_a_contact_without_the_flag():
    with pytest.raises(ValidationError) as caught:
        receive_case(channel=Case.Channel.ZALO, **FIELDS)
    assert "reporter_phone" in caught.value.message_dict


def test_the_flag_waives_nothing_on_another_channel():
    with pytest.raises(ValidationError) as caught:
        receive_case(channel=Case.Channel.WEB, contact_via_channel=True, **FIELDS)
    assert "reporter_phone" in caught.value.message_dict
    assert not Case.objects.exists()
