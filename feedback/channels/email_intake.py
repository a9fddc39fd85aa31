"""E-mail intake: the 1022 mailbox read over IMAP, each new message one received case.

`fetch_new_messages` logs in (IMAPS, or STARTTLS, or plain on loopback), reads the messages
not yet \\Seen, oldest first, and hands each to `receive_email`, which records it in one
transaction: the case (channel "email"), its photos, and an IncomingEmail row. Only once that
transaction has committed is the message marked \\Seen; a message that cannot become a case
(no sender address, an automatic reply, too big) is recorded as refused and also \\Flagged,
so the operator finds it in the mailbox. A message that fails for another reason (a bug, the
database gone) stays unseen and is read again on the next run; the others go on.

The case's idempotency key is a digest of the Message-ID (of the sender, date, subject and
body where there is none), so a message read again, by a second run or a second worker, makes
no second case (IN4). The reporter's address is the Reply-To's, else the From's.

Text: the text/plain part where there is one, else the HTML part stripped of its markup;
charsets and RFC 2047 headers decoded; NFC. Attachments: images are re-encoded like the web
form's photos (workflow.photos.clean_photo); anything else is left out and noted, by type
and size, on the IncomingEmail row. Logs carry counts and reasons only (SECURITY AU3).
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import hashlib
import imaplib
import logging
import re
import ssl
from dataclasses import asdict, dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import getaddresses
from html.parser import HTMLParser

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from config.text import normalize_line, normalize_text, storable
from workflow.models import Case
from workflow.photos import CleanPhoto, clean_photo

from ..models import IncomingEmail
from ..services import submit_case

logger = logging.getLogger("feedback.channels.email")

KEY_PREFIX = "email:"
KEY_LENGTH = 64  # Case.idempotency_key
TITLE_LENGTH = 120
CONTENT_LENGTH = 10_000  # the web form's limit
IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp")
_FETCH_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")


class NotACase(Exception):
    """This message cannot become a case; the text says why, without personal data."""


# --- Settings -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class MailboxSettings:
    host: str
    port: int
    user: str
    password: str
    mailbox: str = "INBOX"
    use_ssl: bool = True
    starttls: bool = False
    timeout: float = 30.0
    batch: int = 50
    max_bytes: int = 30 * 1024 * 1024

    @classmethod
    def from_settings(cls) -> MailboxSettings:
        return cls(
            host=settings.EMAIL_INTAKE_HOST, port=settings.EMAIL_INTAKE_PORT,
            user=settings.EMAIL_INTAKE_USER, password=settings.EMAIL_INTAKE_PASSWORD,
            mailbox=settings.EMAIL_INTAKE_MAILBOX, use_ssl=settings.EMAIL_INTAKE_SSL,
            starttls=settings.EMAIL_INTAKE_STARTTLS, timeout=settings.EMAIL_INTAKE_TIMEOUT,
            batch=settings.EMAIL_INTAKE_BATCH, max_bytes=settings.EMAIL_INTAKE_MAX_BYTES,
        )

    @property
    def configured(self) -> bool:
        return bool(self.host)


@dataclass
class FetchResult:
    read: int = 0  # messages looked at
    created: int = 0  # new cases
    repeated: int = 0  # seen before: no new case
    refused: int = 0  # recorded, no case, flagged in the mailbox
    failed: int = 0  # left unseen, read again next time
    reasons: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {k: v for k, v in asdict(self).items() if k != "reasons"}


# --- Reading one message ------------------------------------------------------------------------
@dataclass(frozen=True)
class ParsedEmail:
    key: str
    sender_name: str
    sender_email: str
    subject: str
    body: str
    photos: tuple[CleanPhoto, ...]
    left_out: tuple[str, ...]  # "application/pdf, 120 kB" …


class _TextOfHtml(HTMLParser):
    """The readable text of an HTML body: no tags, scripts or styles; blocks on new lines."""

    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
              "table", "ul", "ol", "pre", "hr"}
    HIDDEN = {"script", "style", "head", "title", "template"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.hidden = max(self.hidden - 1, 0)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)

    def text(self) -> str:
        lines = (" ".join(line.split()) for line in "".join(self.parts).splitlines())
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_to_text(html: str) -> str:
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    return parser.text()


def _part_text(part: EmailMessage) -> str:
    """A text part decoded by its charset; an unknown or wrong charset falls back to UTF-8."""
    try:
        content = part.get_content()
    except (LookupError, UnicodeError, AssertionError, ValueError):
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("utf-8", "replace")
    return content if isinstance(content, str) else ""


def _header(message: EmailMessage, name: str) -> str:
    try:
        value = message.get(name)
    except (IndexError, ValueError, TypeError, AttributeError, email.errors.HeaderParseError):
        return ""
    return str(value) if value is not None else ""


def _address(message: EmailMessage, name: str) -> tuple[str, str]:
    """(display name, address) of the first valid address in header `name`, or ("", "")."""
    raw = _header(message, name)
    for display, address in getaddresses([raw]):
        address = address.strip().lower()
        try:
            validate_email(address)
        except ValidationError:
            continue
        return normalize_line(display), address
    return "", ""


def message_key(message: EmailMessage, raw: bytes) -> str:
    """The case's idempotency key: `email:` and the start of a SHA-256 of the Message-ID.

    Without a Message-ID: of the sender, date and subject headers and the raw body.
    """
    message_id = _header(message, "Message-ID").strip()
    if message_id:
        material = message_id.encode("utf-8", "surrogateescape")
    else:
        head, _sep, body = raw.partition(b"\r\n\r\n")
        if not _sep:
            head, _sep, body = raw.partition(b"\n\n")
        material = b"\0".join(
            _header(message, name).encode("utf-8", "surrogateescape")
            for name in ("From", "Date", "Subject")
        ) + b"\0" + body
    digest = hashlib.sha256(material).hexdigest()
    return (KEY_PREFIX + digest)[:KEY_LENGTH]


def _is_automatic(message: EmailMessage, sender: str) -> bool:
    """An auto-reply, a bounce or a list message (RFC 3834): answering it could loop."""
    auto = _header(message, "Auto-Submitted").strip().lower()
    if auto and auto != "no":
        return True
    if _header(message, "Precedence").strip().lower() in ("bulk", "junk", "list", "auto_reply"):
        return True
    if any(_header(message, name) for name in ("X-Autoreply", "X-Autorespond", "List-Id")):
        return True
    local = sender.partition("@")[0]
    return local in ("mailer-daemon", "postmaster", "no-reply", "noreply")


def _size_text(size: int) -> str:
    return f"{max(-(-size // 1024), 1)} kB"  # rounded up


def _attachments(message: EmailMessage) -> tuple[list[CleanPhoto], list[str]]:
    photos: list[CleanPhoto] = []
    left_out: list[str] = []
    for part in message.iter_attachments():
        if part.is_multipart():
            left_out.append(part.get_content_type())
            continue
        payload = part.get_payload(decode=True) or b""
        content_type = part.get_content_type()
        described = f"{content_type}, {_size_text(len(payload))}"
        if content_type not in IMAGE_TYPES and content_type != "application/octet-stream":
            left_out.append(described)
            continue
        if len(photos) >= settings.PUBLIC_PHOTO_MAX_COUNT:
            left_out.append(f"{described} (over {settings.PUBLIC_PHOTO_MAX_COUNT} photos)")
            continue
        try:
            # The real type comes from the bytes; the declared type and name are ignored.
            photos.append(clean_photo(SimpleUploadedFile("photo", payload)))
        except ValidationError as error:
            left_out.append(f"{described} ({error.code or 'not a photo'})")
    return photos, left_out


def parse_email(raw: bytes) -> ParsedEmail:
    """The parts of a case in one raw message; raises NotACase when it cannot be one."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    if not isinstance(message, EmailMessage) or not message.keys():
        raise NotACase("no headers")
    name, sender = _address(message, "Reply-To")
    from_name, from_address = _address(message, "From")
    if not sender:
        name, sender = from_name, from_address
    if not sender:
        raise NotACase("no valid sender address")
    if _is_automatic(message, from_address or sender):
        raise NotACase("automatic message")
    subject = normalize_line(_header(message, "Subject"))
    body_part = message.get_body(preferencelist=("plain", "html"))
    body = ""
    if body_part is not None:
        text = _part_text(body_part)
        body = html_to_text(text) if body_part.get_content_type() == "text/html" else text
    photos, left_out = _attachments(message)
    return ParsedEmail(
        key=message_key(message, raw), sender_name=from_name or name,
        sender_email=sender, subject=subject, body=normalize_text(body),
        photos=tuple(photos), left_out=tuple(left_out),
    )


def _title_and_content(parsed: ParsedEmail) -> tuple[str, str]:
    first_line = next((ln.strip() for ln in parsed.body.splitlines() if ln.strip()), "")
    title = (parsed.subject or first_line)[:TITLE_LENGTH].rstrip()
    content = parsed.body or parsed.subject
    # In the coordinator's language: these words are ours, not the reporter's.
    with override(settings.LANGUAGE_CODE):
        if not content:
            content = (_("(The e-mail had no text; see its photos.)") if parsed.photos
                       else _("(The e-mail had no text.)"))
        title = title or _("E-mail without a subject")
    return title, content[:CONTENT_LENGTH]


# --- Recording ----------------------------------------------------------------------------------
def already_read(key: str) -> IncomingEmail | None:
    return IncomingEmail.objects.filter(key=key).first()


@transaction.atomic
def receive_email(parsed: ParsedEmail, *, now: datetime) -> tuple[Case, bool]:
    """The case of an e-mail, with its photos and its IncomingEmail row, in one transaction.

    Returns (case, created); a key seen before returns its first case with created False.
    Raises ValidationError when the case's fields do not hold (nothing is written then).
    """
    title, content = _title_and_content(parsed)
    case, created = submit_case(
        channel=Case.Channel.EMAIL, title=title, content=content,
        reporter_name=parsed.sender_name or parsed.sender_email.partition("@")[0],
        reporter_phone="", reporter_email=parsed.sender_email, photos=parsed.photos,
        # The reporter was shown no privacy notice: no consent is recorded.
        notice_version=None, idempotency_key=parsed.key, now=now,
    )
    # The declared types come from the sender's headers: a NUL there must not fail the row.
    note = storable("; ".join(parsed.left_out))
    if note:
        note = "Attachments left out: " + note
    IncomingEmail.objects.get_or_create(
        key=parsed.key,
        defaults={"case": case, "outcome": IncomingEmail.Outcome.CASE, "note": note[:2000],
                  "received_at": now},
    )
    return case, created


def record_refusal(key: str, reason: str, *, now: datetime) -> None:
    try:
        with transaction.atomic():
            IncomingEmail.objects.get_or_create(
                key=key, defaults={"outcome": IncomingEmail.Outcome.REFUSED,
                                   "note": storable(reason)[:2000], "received_at": now},
            )
    except IntegrityError:  # another worker recorded it first
        pass


# --- The mailbox --------------------------------------------------------------------------------
def connect(config: MailboxSettings) -> imaplib.IMAP4:
    context = ssl.create_default_context()
    if config.use_ssl:
        client: imaplib.IMAP4 = imaplib.IMAP4_SSL(config.host, config.port,
                                                  ssl_context=context, timeout=config.timeout)
    else:
        client = imaplib.IMAP4(config.host, config.port, timeout=config.timeout)
        if config.starttls:
            client.starttls(ssl_context=context)
    client.login(config.user, config.password)
    return client


def _quoted(mailbox: str) -> str:
    return '"' + mailbox.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _check(status: str, what: str) -> None:
    if status != "OK":
        raise imaplib.IMAP4.error(f"{what} failed")


def _fetch(client: imaplib.IMAP4, uid: bytes, what: str) -> list[tuple[bytes, bytes]]:
    status, data = client.uid("FETCH", uid, what)
    _check(status, "FETCH")
    return [item for item in data if isinstance(item, tuple)]


def _mark(client: imaplib.IMAP4, uid: bytes, flags: str) -> None:
    try:
        status, _data = client.uid("STORE", uid, "+FLAGS.SILENT", f"({flags})")
        _check(status, "STORE")
    except (imaplib.IMAP4.error, OSError) as exc:
        # Harmless: read again next time, it is found by its key and only marked then.
        logger.warning("e-mail uid %s: not marked %s (%s)", uid.decode(), flags,
                       type(exc).__name__)


def _take_one(client: imaplib.IMAP4, uid: bytes, config: MailboxSettings, now: datetime,
              result: FetchResult) -> None:
    label = uid.decode()
    status, data = client.uid("FETCH", uid, "(RFC822.SIZE)")
    _check(status, "FETCH")
    found = _FETCH_SIZE.search(
        b" ".join(item[0] if isinstance(item, tuple) else item for item in data if item)
    )
    size = int(found.group(1)) if found else 0
    if size > config.max_bytes:
        key = f"{KEY_PREFIX}uid:{config.mailbox}:{label}"[:KEY_LENGTH]
        _refuse(client, uid, key, f"too big ({_size_text(size)})", now, result)
        return
    parts = _fetch(client, uid, "(BODY.PEEK[])")
    if not parts:
        raise imaplib.IMAP4.error("message gone")
    raw = parts[0][1]
    try:
        try:
            parsed = parse_email(raw)
        except NotACase:
            raise
        except Exception as exc:  # it would fail the same way every time
            raise NotACase(f"unreadable message ({type(exc).__name__})") from None
    except NotACase as refusal:
        key = message_key(email.message_from_bytes(raw, policy=email.policy.default), raw)
        _refuse(client, uid, key, str(refusal), now, result)
        return
    earlier = already_read(parsed.key)
    if earlier is not None:
        result.repeated += 1
        _mark(client, uid, "\\Seen" if earlier.case_id else "\\Seen \\Flagged")
        return
    try:
        with transaction.atomic():
            _case, created = receive_email(parsed, now=now)
            # Marked only once the case is committed: a crash before leaves it unseen.
            transaction.on_commit(lambda: _mark(client, uid, "\\Seen"), robust=True)
    except ValidationError as error:
        fields = ", ".join(sorted(getattr(error, "message_dict", {}) or ["__all__"]))
        _refuse(client, uid, parsed.key, f"invalid fields: {fields}", now, result)
        return
    if created:
        result.created += 1
    else:
        result.repeated += 1
    logger.info("e-mail uid %s: %s", label, "new case" if created else "seen before")


def _refuse(client: imaplib.IMAP4, uid: bytes, key: str, reason: str, now: datetime,
            result: FetchResult) -> None:
    record_refusal(key, reason, now=now)
    _mark(client, uid, "\\Seen \\Flagged")
    result.refused += 1
    result.reasons.append(reason)
    logger.warning("e-mail uid %s: no case (%s)", uid.decode(), reason)


def fetch_new_messages(config: MailboxSettings | None = None, *,
                       now: datetime | None = None) -> FetchResult:
    """Read the unseen messages of the mailbox (at most `batch`), each into a case.

    Raises imaplib.IMAP4.error or OSError when the mailbox cannot be reached or opened.
    """
    config = config or MailboxSettings.from_settings()
    if not config.configured:
        raise ValueError("EMAIL_INTAKE_HOST is not set")
    result = FetchResult()
    client = connect(config)
    try:
        status, _data = client.select(_quoted(config.mailbox))
        _check(status, "SELECT")
        status, data = client.uid("SEARCH", None, "UNSEEN")
        _check(status, "SEARCH")
        uids = sorted((data[0] or b"").split(), key=int)[: config.batch]
        for uid in uids:
            result.read += 1
            try:
                _take_one(client, uid, config, now or timezone.now(), result)
            except (imaplib.IMAP4.abort, OSError):
                raise  # the connection is gone: the rest waits for the next run
            except Exception as exc:  # one message's trouble does not stop the others
                result.failed += 1
                logger.exception("e-mail uid %s: failed (%s); read again next run",
                                 uid.decode(), type(exc).__name__)
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            client.logout()
    logger.info("e-mail intake: %s", result.as_dict())
    return result
