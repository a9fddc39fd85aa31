"""Property-based, the platforms and the mailbox (SECURITY IN3, IN5): signed Facebook and Zalo
deliveries and raw e-mails with lone surrogates, NUL, bidi and format characters in every
text and id never fail, and whatever is stored is clean."""

from __future__ import annotations

import base64
import copy
import json

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from feedback.channels.email_intake import NotACase, parse_email, receive_email
from feedback.models import ChannelSender, IncomingEmail
from tests.conftest import MONDAY
from tests.properties import (
    NASTY_ID,
    NASTY_TEXT,
    NASTY_VALUE,
    PROPERTY,
    assert_clean,
    assert_no_server_error,
)
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



def assert_stored_clean() -> None:
    for case in Case.objects.all():
        assert_clean(case.title, short=True)
        assert_clean(case.reporter_name, short=True)
        assert_clean(case.reporter_email, short=True)
        assert_clean(case.content)
    for sender in ChannelSender.objects.all():
        json.dumps(sender.raw_payload, ensure_ascii=False).encode("utf-8")
        sender.sender_id.encode("utf-8")


@PROPERTY
@given(text=NASTY_TEXT, mid=NASTY_VALUE, sender=NASTY_VALUE, page=NASTY_VALUE,
       extra_key=NASTY_TEXT, numeric_sender=st.integers(min_value=2**63, max_value=2**80))
def test_signed_messenger_deliveries_with_nasty_text_and_ids_never_fail(
        client, text, mid, sender, page, extra_key, numeric_sender):
    document = copy.deepcopy(FACEBOOK_MESSAGE)
    document["entry"][0]["id"] = page
    event = document["entry"][0]["messaging"][0]
    event["message"] = {"mid": mid, "text": text}
    event["sender"]["id"] = sender if len(mid) % 2 else numeric_sender
    event[extra_key] = text
    body = escaped(document)
    response = client.post("/webhooks/facebook", data=body, content_type="application/json",
                           headers={"X-Hub-Signature-256": facebook_signature(body)})
    assert_no_server_error(response)
    assert_stored_clean()


@PROPERTY
@given(text=NASTY_TEXT, msg_id=NASTY_VALUE, sender=NASTY_VALUE, timestamp=NASTY_ID)
def test_signed_zalo_events_with_nasty_text_and_ids_never_fail(client, text, msg_id, sender,
                                                               timestamp):
    document = copy.deepcopy(ZALO_TEXT_EVENT)
    document["timestamp"] = now_ms()
    document.update(timestamp=timestamp, sender={"id": sender},
                    message={"msg_id": msg_id, "text": text})
    body = escaped(document)
    response = client.post("/webhooks/zalo", data=body, content_type="application/json",
                           headers={"X-ZEvent-Signature": zalo_signature(body, document)})
    assert_no_server_error(response)
    assert_stored_clean()


def _raw(text: str) -> bytes:
    """What a mail program that got it wrong puts on the wire: UTF-8 with the surrogates'
    bytes as they are (invalid UTF-8)."""
    return text.encode("utf-8", "surrogatepass")


HEADER = st.one_of(
    NASTY_TEXT.map(_raw),
    NASTY_TEXT.map(lambda t: b"=?utf-8?b?" + base64.b64encode(_raw(t)) + b"?="),
    st.binary(max_size=30).map(lambda b: b.replace(b"\n", b" ").replace(b"\r", b" ")),
)
CHARSET = st.sampled_from([b"utf-8", b"iso-8859-1", b"windows-1258", b"x-unknown", b"utf-16"])


@PROPERTY
@given(name=HEADER, subject=HEADER, body=st.one_of(NASTY_TEXT.map(_raw), st.binary(max_size=60)),
       charset=CHARSET, message_id=HEADER, attached_type=st.one_of(st.none(), HEADER))
def test_raw_emails_with_nasty_headers_and_bodies_become_clean_cases_or_are_refused(
        name, subject, body, charset, message_id, attached_type):
    head = (b"From: " + name + b" <an.nguyen@example.vn>\r\nTo: 1022@example.vn\r\n"
            b"Subject: " + subject + b"\r\nMessage-ID: <" + message_id + b"@example.vn>\r\n")
    text = b"Content-Type: text/plain; charset=" + charset + b"\r\n\r\n" + body
    if attached_type is None:
        raw = head + text
    else:
        # An attachment whose declared type is noted on the e-mail's row when it is left out.
        raw = (head + b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=BB\r\n"
               b"\r\n--BB\r\n" + text + b"\r\n--BB\r\nContent-Type: image/" + attached_type
               + b"\r\nContent-Disposition: attachment; filename=a.png\r\n\r\nAAAA\r\n--BB--\r\n")
    try:
        parsed = parse_email(raw)
    except NotACase:
        return
    try:
        receive_email(parsed, now=MONDAY)
    except ValidationError:
        return
    assert_stored_clean()
    for row in IncomingEmail.objects.all():
        row.note.encode("utf-8")
