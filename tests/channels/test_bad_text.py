"""Text a platform sends that PostgreSQL cannot store (a lone surrogate, a NUL) or staff should
not see (bidi overrides) is repaired at the door: the message still becomes its case, never a
500 that the platform would retry forever (SECURITY IN3, IN5)."""

import copy
import json

import pytest

from feedback.channels.email_intake import parse_email, receive_email
from feedback.models import ChannelSender, IncomingEmail
from tests.conftest import MONDAY
from workflow.models import Case

from .support import (
    FACEBOOK_MESSAGE,
    ZALO_TEXT_EVENT,
    escaped,
    facebook_signature,
    now_ms,
    zalo_signature,
)

pytestmark = pytest.mark.django_db



def facebook(client, document):
    body = escaped(document)
    return client.post("/webhooks/facebook", data=body, content_type="application/json",
                       headers={"X-Hub-Signature-256": facebook_signature(body)})


def zalo(client, document):
    document = {**document, "timestamp": now_ms()}
    body = escaped(document)
    return client.post("/webhooks/zalo", data=body, content_type="application/json",
                       headers={"X-ZEvent-Signature": zalo_signature(body, document)})


def test_a_messenger_text_with_surrogates_nul_and_bidi_controls_becomes_a_clean_case(client):
    document = copy.deepcopy(FACEBOOK_MESSAGE)
    event = document["entry"][0]["messaging"][0]
    event["message"] = {"mid": "m_\udcff\x00mid", "text": "Đèn\x00 hỏng \u202etrước\udcff số 12"}
    event["sender"]["id"] = "70123\x004567\ud800"
    event["extra\udfff"] = "\x00"
    assert facebook(client, document).status_code == 200
    case = Case.objects.get()
    assert case.title == "Đèn hỏng trước\ufffd số 12"
    assert case.content == "Đèn hỏng trước\ufffd số 12"
    sender = ChannelSender.objects.get()
    assert sender.sender_id == "701234567\ufffd"
    assert "\x00" not in json.dumps(sender.raw_payload)


def test_a_zalo_text_with_surrogates_and_nul_becomes_a_clean_case(client):
    document = copy.deepcopy(ZALO_TEXT_EVENT)
    document["message"] = {"msg_id": "4b8d\udcff", "text": "Rác\x00 thải\ud83d ùn ứ"}
    assert zalo(client, document).status_code == 200
    assert Case.objects.get().content == "Rác thải\ufffd ùn ứ"


def test_an_email_attachment_declaring_a_type_with_nul_and_bad_bytes_is_noted_cleanly():
    raw = (b"From: An <an@example.vn>\r\nSubject: \xff\xfe \xc4\x90\xc3\xa8n h\xe1\xbb\x8fng\r\n"
           b"Message-ID: <nul-type@example.vn>\r\nMIME-Version: 1.0\r\n"
           b"Content-Type: multipart/mixed; boundary=BB\r\n\r\n--BB\r\n"
           b"Content-Type: text/plain; charset=utf-8\r\n\r\nBa b\xc3\xb3ng \xc4\x91\xc3\xa8n.\r\n"
           b"--BB\r\nContent-Type: image/\xff\xfe\x00x\r\n"
           b"Content-Disposition: attachment; filename=a.png\r\n\r\nAAAA\r\n--BB--\r\n")
    case, created = receive_email(parse_email(raw), now=MONDAY)
    assert created
    assert case.content == "Ba bóng đèn."
    note = IncomingEmail.objects.get().note
    assert note.startswith("Attachments left out: image/")
    assert "\x00" not in note


@pytest.mark.parametrize("depth", [200, 900, 5000])
def test_a_deeply_nested_signed_delivery_is_answered_without_a_500(client, depth):
    body = b'{"object":"page","entry":' + b"[" * depth + b"]" * depth + b"}"
    response = client.post("/webhooks/facebook", data=body, content_type="application/json",
                           headers={"X-Hub-Signature-256": facebook_signature(body)})
    assert response.status_code in (200, 400)
    assert not Case.objects.exists()
