"""E-mail intake: messages in a real IMAP mailbox (dovecot on loopback) become received cases."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import unicodedata
from email.header import Header
from email.message import EmailMessage
from email.policy import SMTP

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from PIL import Image

from feedback.channels.email_intake import (
    FetchResult,
    MailboxSettings,
    fetch_new_messages,
    html_to_text,
    parse_email,
)
from feedback.models import Attachment, IncomingEmail
from feedback.tasks import fetch_email_task
from tests.conftest import MONDAY
from tests.feedback.support import jpeg_with_gps
from workflow.models import Case, OutboxMessage

pytestmark = pytest.mark.django_db(transaction=True)

SUBJECT = "Đèn đường hỏng trước số 12 đường 30/4"
BODY = "Ba bóng đèn không sáng từ tuần trước, buổi tối rất tối và nguy hiểm.\n\nNguyễn Văn An"


def an_email(*, subject: str | None = SUBJECT, body: str | None = BODY,
             message_id: str | None = "<20260302080000.1234@mail.example.vn>",
             sender: str = "Nguyễn Văn An <an.nguyen@example.vn>", reply_to: str = "",
             photo: bytes | None = None, cte: str | None = None, html: str | None = None,
             extra: dict[str, str] | None = None) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "1022@tayninh.gov.vn"
    message["Date"] = "Mon, 02 Mar 2026 08:00:00 +0700"
    if reply_to:
        message["Reply-To"] = reply_to
    if message_id:
        message["Message-ID"] = message_id
    for name, value in (extra or {}).items():
        message[name] = value
    if body is not None:
        message.set_content(body, cte=cte) if cte else message.set_content(body)
    if html is not None:
        if body is None:
            message.set_content(html, subtype="html")
        else:
            message.add_alternative(html, subtype="html")
    if photo is not None:
        message.add_attachment(photo, maintype="image", subtype="jpeg",
                               filename="IMG_0042.jpg")
    raw = message.as_bytes(policy=SMTP)
    if subject is not None:
        # RFC 2047, as Vietnamese mail clients send it.
        encoded = Header(subject, "utf-8").encode()
        raw = f"Subject: {encoded}\r\n".encode() + raw
    return raw


def fetch(**kwargs) -> FetchResult:
    return fetch_new_messages(MailboxSettings.from_settings(), now=MONDAY, **kwargs)


# --- One message, one case ------------------------------------------------------------------
def test_an_email_with_a_vietnamese_subject_and_a_photo_becomes_one_received_case(mailbox):
    mailbox.append(an_email(photo=jpeg_with_gps(), reply_to="An <an.reply@example.vn>"))
    assert fetch().as_dict() == {"read": 1, "created": 1, "repeated": 0, "refused": 0,
                                 "failed": 0}
    case = Case.objects.get()
    assert (case.channel, case.state) == (Case.Channel.EMAIL, Case.State.RECEIVED)
    assert case.title == SUBJECT
    assert case.content == BODY
    assert case.reporter_name == "Nguyễn Văn An"
    assert case.reporter_email == "an.reply@example.vn"  # the Reply-To's address
    assert case.reporter_phone == ""
    [photo] = Attachment.objects.filter(case=case)
    assert (photo.kind, photo.content_type) == (Attachment.Kind.PHOTO, "image/jpeg")
    with Image.open(photo.file) as image:
        assert not image.getexif()  # re-encoded like the web form's photos: no GPS
    assert IncomingEmail.objects.get().case == case
    # Told by e-mail that it was received, at the address to reply to.
    assert OutboxMessage.objects.filter(case=case, channel="email", to_reporter=True).exists()
    # Marked \Seen once the case was committed.
    [flags] = mailbox.flags()
    assert "\\Seen" in flags and "\\Flagged" not in flags


def test_the_same_message_read_again_makes_no_second_case(mailbox):
    raw = an_email()
    mailbox.append(raw)
    assert fetch().created == 1
    assert fetch().read == 0  # \Seen: not read again
    # The same message delivered twice (or marked unread by someone): found by its Message-ID.
    mailbox.append(raw)
    mailbox.append(raw, flags="")
    result = fetch()
    assert (result.read, result.created, result.repeated) == (2, 0, 2)
    assert Case.objects.count() == 1
    assert all("\\Seen" in flags for flags in mailbox.flags())


def test_a_message_without_a_message_id_is_read_once_too(mailbox):
    raw = an_email(message_id=None)
    mailbox.append(raw)
    mailbox.append(raw)
    result = fetch()
    assert (result.created, result.repeated) == (1, 1)
    assert Case.objects.count() == 1


def test_a_quoted_printable_utf8_body_is_decoded_and_normalised_to_nfc(mailbox):
    decomposed = unicodedata.normalize("NFD", BODY)
    raw = an_email(body=decomposed, cte="quoted-printable")
    assert b"Content-Transfer-Encoding: quoted-printable" in raw
    mailbox.append(raw)
    fetch()
    content = Case.objects.get().content
    assert content == BODY
    assert unicodedata.is_normalized("NFC", content)


def test_an_html_only_email_is_read_without_its_markup(mailbox):
    html = ("<html><head><style>p {color: red}</style></head><body>"
            "<p>Rác thải ùn ứ ở chợ phường 3</p><p>Đã một tuần chưa được thu gom &amp; "
            "bốc mùi.</p><script>alert(1)</script></body></html>")
    mailbox.append(an_email(body=None, html=html))
    fetch()
    assert Case.objects.get().content == ("Rác thải ùn ứ ở chợ phường 3\n\n"
                                          "Đã một tuần chưa được thu gom & bốc mùi.")


def test_the_plain_text_part_is_preferred_to_the_html_one(mailbox):
    mailbox.append(an_email(html="<p>Bản <b>HTML</b></p>"))
    fetch()
    assert Case.objects.get().content == BODY


def test_an_email_with_no_text_is_still_recorded_and_other_attachments_are_noted(mailbox):
    message = EmailMessage()
    message["From"] = "hoa@example.vn"
    message["Message-ID"] = "<empty-1@example.vn>"
    message.add_attachment(b"%PDF-1.7 " + b"x" * 3000, maintype="application",
                           subtype="pdf", filename="don-kien-nghi.pdf")
    mailbox.append(message.as_bytes(policy=SMTP))
    assert fetch().created == 1
    case = Case.objects.get()
    assert case.reporter_email == "hoa@example.vn"
    assert case.title and case.content  # our words, since the reporter wrote none
    assert not case.attachments.exists()
    note = IncomingEmail.objects.get(case=case).note
    assert "application/pdf, 3 kB" in note
    assert "don-kien-nghi" not in note  # no client file names (IN2)


def test_an_attachment_that_only_claims_to_be_a_photo_is_left_out(mailbox):
    mailbox.append(an_email(photo=b"<?php system($_GET['c']); ?>"))
    fetch()
    case = Case.objects.get()
    assert not case.attachments.exists()
    assert "not_photo" in IncomingEmail.objects.get(case=case).note


# --- Messages that cannot be cases ----------------------------------------------------------
def test_one_bad_message_does_not_block_the_others(mailbox):
    mailbox.append(b"this is not an e-mail at all\r\n\r\n\x00\xff\xfe")
    mailbox.append(an_email(sender="not an address"))
    mailbox.append(an_email(message_id="<good@example.vn>"))
    result = fetch()
    assert (result.read, result.created, result.refused, result.failed) == (3, 1, 2, 0)
    assert Case.objects.get().idempotency_key.startswith("email:")
    refused = IncomingEmail.objects.filter(outcome=IncomingEmail.Outcome.REFUSED)
    assert refused.count() == 2 and not refused.filter(case__isnull=False).exists()
    # The refused ones are flagged for the operator; nothing is read again.
    bad, no_sender, good = mailbox.flags()
    assert "\\Flagged" in bad and "\\Flagged" in no_sender and "\\Flagged" not in good
    assert fetch().read == 0


def test_an_automatic_reply_makes_no_case_so_no_reply_loops(mailbox):
    mailbox.append(an_email(subject="Trả lời tự động: Đã tiếp nhận phản ánh",
                            extra={"Auto-Submitted": "auto-replied"}))
    mailbox.append(an_email(message_id="<bounce@example.vn>",
                            sender="MAILER-DAEMON@mail.example.vn"))
    result = fetch()
    assert (result.created, result.refused) == (0, 2)
    assert not Case.objects.exists()


def test_a_message_over_the_size_limit_is_refused_unread(mailbox, settings):
    settings.EMAIL_INTAKE_MAX_BYTES = 2000
    mailbox.append(an_email(body="Nội dung dài. " * 400))
    result = fetch()
    assert result.refused == 1
    assert re.fullmatch(r"too big \(\d+ kB\)", result.reasons[0])
    assert not Case.objects.exists()


def test_a_wrong_password_is_an_error_for_the_operator(mailbox, settings):
    settings.EMAIL_INTAKE_PASSWORD = "wrong"
    with pytest.raises(Exception, match="(?i)auth"):
        fetch()


# --- The task, the beat and the command -----------------------------------------------------
def test_the_task_reads_the_mailbox_and_does_nothing_when_intake_is_off(mailbox, settings):
    mailbox.append(an_email())
    assert fetch_email_task.run()["created"] == 1
    settings.EMAIL_INTAKE_HOST = ""
    assert fetch_email_task.run() == {}


def test_the_beat_reads_the_mailbox_only_where_a_host_is_configured():
    script = ("from django.conf import settings; "
              "print(settings.CELERY_BEAT_SCHEDULE.get('fetch-email'))")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    def beat_entry(**extra: str) -> str:
        out = subprocess.run([sys.executable, "-c", script], env={**env, **extra},  # noqa: S603
                             capture_output=True, text=True, check=True, cwd=settings.BASE_DIR)
        return out.stdout.strip()
    assert beat_entry(EMAIL_INTAKE_HOST="") == "None"
    assert beat_entry(EMAIL_INTAKE_HOST="imap.tayninh.gov.vn", EMAIL_INTAKE_SECONDS="300") == (
        "{'task': 'feedback.tasks.fetch_email_task', 'schedule': 300.0}")


def test_the_logs_hold_neither_addresses_nor_subjects_nor_text(mailbox, caplog):
    caplog.set_level("DEBUG")
    mailbox.append(an_email())
    mailbox.append(an_email(message_id="<2@example.vn>", extra={"Auto-Submitted": "auto-replied"}))
    fetch()
    assert "e-mail uid" in caplog.text
    for secret in ("an.nguyen", "example.vn", "Nguyễn", "Đèn đường", "bóng đèn"):
        assert secret not in caplog.text


def test_the_command_prints_what_it_did(mailbox):
    mailbox.append(an_email())
    out = io.StringIO()
    call_command("fetch_email", stdout=out)
    assert "1 new case" in out.getvalue()
    assert Case.objects.get().channel == Case.Channel.EMAIL


def test_the_command_says_when_intake_is_not_configured(settings):
    settings.EMAIL_INTAKE_HOST = ""
    with pytest.raises(CommandError, match="EMAIL_INTAKE_HOST"):
        call_command("fetch_email")


# --- Reading, without a mailbox ---------------------------------------------------------------
@pytest.mark.django_db(transaction=False)
def test_the_key_is_a_digest_of_the_message_id_and_fits_the_column():
    parsed = parse_email(an_email(message_id="<" + "x" * 300 + "@example.vn>"))
    assert len(parsed.key) == 64
    assert parsed.key.startswith("email:") and set(parsed.key[6:]) <= set("0123456789abcdef")
    assert parse_email(an_email()).key == parse_email(an_email(subject="Khác")).key
    assert parse_email(an_email()).key != parse_email(an_email(message_id="<other@x>")).key


@pytest.mark.django_db(transaction=False)
def test_html_loses_its_tags_scripts_and_entities():
    assert html_to_text("<div>Một<br>hai</div><style>x{}</style>&lt;ba&gt;") == "Một\nhai\n<ba>"
