"""Reporters who wrote by e-mail, Facebook or Zalo have no phone on file: their receipt
carries a private link that opens their case, and an e-mail reporter may also track with
code and e-mail (SECURITY AC3, AC4; issue 18, observation 6)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.channels.test_email_intake import an_email, fetch
from tests.channels.test_facebook import URL as FACEBOOK_URL
from tests.channels.test_replies import platform  # noqa: F401 — a fixture
from tests.channels.test_zalo import URL as ZALO_URL
from tests.channels.test_zalo import fresh
from workflow.models import Case, OutboxMessage
from workflow.notifications.delivery import Outcome, deliver_message

from .support import (
    FACEBOOK_MESSAGE,
    ZALO_TEXT_EVENT,
    encode,
    facebook_signature,
    zalo_signature,
)

pytestmark = pytest.mark.django_db(transaction=True)

TRACK = reverse("public:track")
TRACKED = reverse("public:tracked")
# The link as the receipt gives it: the portal, the link's page, a token of 43 base64url
# characters (256 bits, SECURITY AC3 asks for 128 at least).
LINK = re.compile(r"https?://[^\s/]+(/tra-cuu/lien-ket/(?P<token>[A-Za-z0-9_-]{43})/)")


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


def sent_text(case: Case, channel: str) -> str:
    """Deliver the reporter's receipt on `channel` and return what they received."""
    row = OutboxMessage.objects.get(case=case, channel=channel, to_reporter=True)
    assert deliver_message(row.pk, timezone.now()) == Outcome.SENT
    if channel == OutboxMessage.Channel.EMAIL:
        return mail.outbox[-1].body
    return ""


def link_in(text: str) -> str:
    match = LINK.search(text)
    assert match, text
    return match[1]


def email_case(mailbox) -> Case:
    mailbox.append(an_email(reply_to="An <an.reply@example.vn>"))
    assert fetch().created == 1
    return Case.objects.get()


def facebook_case(client: Client) -> Case:
    body = encode(FACEBOOK_MESSAGE)
    response = client.post(FACEBOOK_URL, data=body, content_type="application/json",
                           headers={"X-Hub-Signature-256": facebook_signature(body)})
    assert response.status_code == 200
    return Case.objects.get()


def zalo_case(client: Client) -> Case:
    document = fresh(ZALO_TEXT_EVENT)
    body = encode(document)
    response = client.post(ZALO_URL, data=body, content_type="application/json",
                           headers={"X-ZEvent-Signature": zalo_signature(body, document)})
    assert response.status_code == 200
    return Case.objects.get()


def opened_by(client: Client, link: str) -> str:
    """Follow the link like a browser: its page opens the case and leads to the tracked page."""
    response = client.get(link)
    assert response.status_code == 302 and response["Location"] == TRACKED
    # The link is the key: no Referer may carry it to the next page or anywhere else.
    assert response["Referrer-Policy"] == "no-referrer"
    page = client.get(TRACKED)
    assert page.status_code == 200
    return page.content.decode()


# --- The receipt carries the link, and the link opens the case --------------------------------
def test_an_email_reporters_receipt_carries_a_link_that_opens_their_case(mailbox, client):
    case = email_case(mailbox)
    link = link_in(sent_text(case, OutboxMessage.Channel.EMAIL))
    html = opened_by(client, link)
    assert case.display_code in html and case.title in html


def test_a_facebook_reporters_reply_on_messenger_carries_the_link(platform, client):  # noqa: F811
    case = facebook_case(client)
    sent_text(case, OutboxMessage.Channel.CHANNEL)
    [request] = platform["facebook"].requests
    link = link_in(request["body"]["message"]["text"])
    html = opened_by(Client(), link)
    assert case.display_code in html and case.title in html


def test_a_zalo_reporters_reply_on_the_official_account_carries_the_link(platform, client):  # noqa: F811
    case = zalo_case(client)
    sent_text(case, OutboxMessage.Channel.CHANNEL)
    [request] = platform["zalo"].requests
    link = link_in(request["body"]["message"]["text"])
    html = opened_by(Client(), link)
    assert case.display_code in html and case.title in html


def test_the_case_keeps_only_a_hash_of_its_link(mailbox):
    case = email_case(mailbox)
    token = LINK.search(sent_text(case, OutboxMessage.Channel.EMAIL))["token"]
    case.refresh_from_db()
    stored = [str(value) for value in Case.objects.filter(pk=case.pk).values().get().values()]
    assert case.track_link_hash and not any(token in value for value in stored)
    assert not any(token in str(row.context) for row in OutboxMessage.objects.all())


def test_a_resent_receipt_carries_the_same_link(mailbox):
    case = email_case(mailbox)
    first = link_in(sent_text(case, OutboxMessage.Channel.EMAIL))
    OutboxMessage.objects.filter(case=case).update(status=OutboxMessage.Status.PENDING)
    assert link_in(sent_text(case, OutboxMessage.Channel.EMAIL)) == first


def test_the_coordinators_email_never_carries_the_reporters_link(mailbox, province):
    case = email_case(mailbox)
    for row in OutboxMessage.objects.filter(case=case, to_reporter=False):
        deliver_message(row.pk, timezone.now())
    staff_mail = [m.body for m in mail.outbox]
    assert staff_mail and not any("/tra-cuu/lien-ket/" in body for body in staff_mail)


def test_a_made_up_or_cut_link_opens_nothing(mailbox, client):
    case = email_case(mailbox)
    link = link_in(sent_text(case, OutboxMessage.Channel.EMAIL))
    changed = link[:-10] + ("A" if link[-10] != "A" else "B") + link[-9:]  # one character
    for wrong in (link[:-5] + "/", changed):
        response = client.get(wrong)
        assert response.status_code == 404
        assert "This link opens no feedback" in response.content.decode()
        assert response["Referrer-Policy"] == "no-referrer"
    assert client.get(TRACKED).status_code == 302  # nothing was opened


def test_guessing_links_is_rate_limited_per_address(client, settings):
    settings.PUBLIC_RATE_LIMITS = {**settings.PUBLIC_RATE_LIMITS, "track:ip": (3, 900)}
    guess = reverse("public:track_link", args=["A" * 43])
    assert [client.get(guess).status_code for _ in range(4)] == [404, 404, 404, 429]


# --- Code and e-mail ---------------------------------------------------------------------------
def test_an_email_reporter_tracks_with_code_and_email(mailbox, client):
    case = email_case(mailbox)
    response = client.post(TRACK, {"code": case.display_code.lower(),
                                   "email": "An.Reply@Example.vn"})
    assert response.status_code == 302 and response["Location"] == TRACKED
    assert case.title in client.get(TRACKED).content.decode()


def test_an_unknown_code_and_a_wrong_email_get_the_same_answer(mailbox, client):
    case = email_case(mailbox)
    wrong_email = client.post(TRACK, {"code": case.display_code, "email": "other@example.vn"})
    unknown_code = client.post(TRACK, {"code": "ZZZZZ-ZZZZZ", "email": "an.reply@example.vn"})
    assert wrong_email.status_code == unknown_code.status_code == 200

    def answer(response) -> str:
        return re.search(r'<div class="error-summary".*?</div>', response.content.decode(),
                         re.S)[0]

    assert answer(wrong_email) == answer(unknown_code)
    assert "tracking code and e-mail address" in answer(wrong_email)
    assert client.get(TRACKED).status_code == 302


def test_tracking_by_email_is_rate_limited_per_address_like_the_phone(mailbox, client, settings):
    settings.PUBLIC_RATE_LIMITS = {**settings.PUBLIC_RATE_LIMITS, "track:phone": (2, 3600)}
    case = email_case(mailbox)
    for code in ("AAAAA-AAAAA", "BBBBB-BBBBB"):
        client.post(TRACK, {"code": code, "email": "an.reply@example.vn"})
    # The right code no longer helps: the address has used up its tries.
    response = client.post(TRACK, {"code": case.display_code, "email": "an.reply@example.vn"})
    assert response.status_code == 429


def test_the_track_form_asks_for_a_phone_or_an_email(client):
    response = client.post(TRACK, {"code": "AAAAA-AAAAA"})
    assert response.status_code == 400
    assert "Give the phone number or the e-mail address" in response.content.decode()
