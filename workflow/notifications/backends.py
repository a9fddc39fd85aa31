"""SMS backends, chosen by the SMS_BACKEND setting the way EMAIL_BACKEND chooses mail's.

- ConsoleSmsBackend writes to standard output that a message went, never its number or text;
- LocmemSmsBackend keeps them in the module-level `outbox` list (tests);
- HttpGatewaySmsBackend posts them to an HTTP gateway, such as the brand-name SMS gateways
  of Vietnamese carriers, configured by the SMS_GATEWAY setting.

`send` returns the provider's message id, or raises TemporaryFailure (time-out, 5xx, 429,
a reply that cannot be read: try again later) or PermanentFailure (any other refusal: do
not try again). A 429 or 503 with Retry-After carries the wait the gateway asked for, which
delivery honours. Exception texts never hold the number or the text of the message, since
they end up in logs and in the outbox row (SECURITY AU3).
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import json
import socket
import ssl
import sys
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, TextIO
from urllib.parse import SplitResult, urlencode, urlsplit

from django.conf import settings
from django.utils.module_loading import import_string

MAX_REPLY_BYTES = 64 * 1024


class SmsError(Exception):
    """A message could not be sent."""


class TemporaryFailure(SmsError):
    """The gateway may accept the message later: time-out, 5xx, 429, an unreadable reply.

    `retry_after` is the wait the gateway asked for (its Retry-After), if it said.
    """

    def __init__(self, message: str = "", *, retry_after: timedelta | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentFailure(SmsError):
    """The gateway refused the message; sending it again would be refused again."""


class WindowClosed(PermanentFailure):
    """The platform takes no standard reply this long after the person's last message."""


# Statuses after which a gateway's Retry-After means "not before then" (RFC 9110 10.2.3).
RETRY_AFTER_STATUSES = (429, 503)


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> timedelta | None:
    """A Retry-After header as a wait: delta-seconds or an HTTP-date; None when absent or
    unreadable. A date in the past is no wait at all."""
    value = (value or "").strip()
    if not value:
        return None
    if value.isdigit():
        return timedelta(seconds=int(value[:9]))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:  # an HTTP-date is always GMT
        when = when.replace(tzinfo=UTC)
    return max(when - (now or datetime.now(UTC)), timedelta(0))


def temporary_http_failure(name: str, status: int, retry_after: str | None) -> TemporaryFailure:
    """The failure for a 429 or 5xx answer, with the wait it asked for on a 429 or 503."""
    wait = parse_retry_after(retry_after) if status in RETRY_AFTER_STATUSES else None
    return TemporaryFailure(f"{name} answered HTTP {status}", retry_after=wait)


class BaseSmsBackend:
    def __init__(self, **options: Any) -> None:
        self.options = options

    def send(self, to: str, text: str, *, reference: str = "") -> str:
        """Send `text` to the phone number `to`; return the provider's message id.

        `reference` is ours and the same on every attempt of a message, so a gateway that
        supports it can drop a repeat.
        """
        raise NotImplementedError


class ConsoleSmsBackend(BaseSmsBackend):
    def __init__(self, stream: TextIO | None = None, **options: Any) -> None:
        super().__init__(**options)
        self.stream = stream

    def send(self, to: str, text: str, *, reference: str = "") -> str:
        stream = self.stream or sys.stdout
        provider_id = f"console-{uuid.uuid4().hex[:12]}"
        # That a message went, never to whom or what: this output is the server's log, and
        # the text may hold a one-time or tracking code (SECURITY AU3). To read messages,
        # use the sent-messages backend (workflow.notifications.sent).
        stream.write(f"SMS {provider_id} ({reference}): {len(text)} characters, not shown\n")
        stream.flush()
        return provider_id


@dataclass(frozen=True)
class SmsMessage:
    to: str
    text: str
    reference: str
    provider_id: str


outbox: list[SmsMessage] = []
_outbox_lock = threading.Lock()


class LocmemSmsBackend(BaseSmsBackend):
    """Keeps every message in `outbox`, like django.core.mail.outbox; tests empty it."""

    def send(self, to: str, text: str, *, reference: str = "") -> str:
        provider_id = f"locmem-{uuid.uuid4().hex[:12]}"
        with _outbox_lock:
            outbox.append(SmsMessage(to=to, text=text, reference=reference,
                                     provider_id=provider_id))
        return provider_id


class HttpGatewaySmsBackend(BaseSmsBackend):
    """POST (or GET) to an HTTP gateway, with short connect and read time-outs.

    Options (SMS_GATEWAY, overridable by keyword):
      URL, METHOD ("POST"), BODY ("json" or "form"), AUTH ("none", "basic" or "token"),
      USERNAME / PASSWORD (basic), TOKEN, TOKEN_HEADER ("Authorization"), TOKEN_PREFIX
      ("Bearer "), FIELDS (our names "to", "text", "sender", "reference" to the gateway's),
      SENDER (the registered brand name), EXTRA (fixed fields every request carries),
      PHONE_FORMAT ("84" to send 84xxxxxxxxx, "0" to keep 0xxxxxxxxx), SUCCESS_FIELD and
      SUCCESS_VALUE (a JSON field, dotted for nesting, that must equal the value; unset:
      any 2xx succeeds), ID_FIELD (where the provider's message id is), CONNECT_TIMEOUT
      and READ_TIMEOUT in seconds, PROBE_URL (what the circuit breaker's probe asks with a
      GET; unset: URL).

    READ_TIMEOUT bounds the whole wait for the answer, not each read: a gateway trickling
    its reply is cut off at it, so a send lasts at most `longest_send_seconds()`.
    """

    DEFAULT_FIELDS = {"to": "to", "text": "text", "sender": "sender", "reference": "reference"}

    def __init__(self, **options: Any) -> None:
        config = {**getattr(settings, "SMS_GATEWAY", {}), **options}
        super().__init__(**config)
        self.url = config.get("URL", "")
        if not self.url:
            raise ValueError("SMS_GATEWAY['URL'] is not set")
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("SMS_GATEWAY['URL'] must be an http(s) URL")
        self.parts = parts
        self.method = config.get("METHOD", "POST").upper()
        self.body_format = config.get("BODY", "json")
        self.auth = config.get("AUTH", "none")
        self.fields = {**self.DEFAULT_FIELDS, **config.get("FIELDS", {})}
        self.sender = config.get("SENDER", "")
        self.extra = dict(config.get("EXTRA", {}))
        self.phone_format = str(config.get("PHONE_FORMAT", "0"))
        self.success_field = config.get("SUCCESS_FIELD") or ""
        self.success_value = config.get("SUCCESS_VALUE")
        self.id_field = config.get("ID_FIELD") or ""
        self.connect_timeout = float(config.get("CONNECT_TIMEOUT", 3))
        self.read_timeout = float(config.get("READ_TIMEOUT", 10))
        self.probe_url = config.get("PROBE_URL") or ""

    def longest_send_seconds(self) -> float:
        """The longest a send can last: a connection tried on up to CONNECT_ADDRESSES
        addresses (an IPv6 and an IPv4 one), then the whole answer within READ_TIMEOUT."""
        return self.connect_timeout * CONNECT_ADDRESSES + self.read_timeout

    # --- The request ---------------------------------------------------------------------
    def payload(self, to: str, text: str, reference: str) -> dict[str, Any]:
        data = dict(self.extra)
        data[self.fields["to"]] = self.format_phone(to)
        data[self.fields["text"]] = text
        if self.sender and self.fields.get("sender"):
            data[self.fields["sender"]] = self.sender
        if reference and self.fields.get("reference"):
            data[self.fields["reference"]] = reference
        return data

    def format_phone(self, to: str) -> str:
        digits = "".join(ch for ch in to if ch.isdigit())
        if self.phone_format == "84" and digits.startswith("0"):
            return "84" + digits[1:]
        if self.phone_format == "0" and digits.startswith("84") and len(digits) > 10:
            return "0" + digits[2:]
        return digits

    def headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json", "User-Agent": "cong1022-sms/1"}
        if self.auth == "basic":
            pair = f"{self.options.get('USERNAME', '')}:{self.options.get('PASSWORD', '')}"
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
        elif self.auth == "token":
            header = self.options.get("TOKEN_HEADER", "Authorization")
            headers[header] = self.options.get("TOKEN_PREFIX", "Bearer ") + self.options.get(
                "TOKEN", ""
            )
        return headers

    def send(self, to: str, text: str, *, reference: str = "") -> str:
        data = self.payload(to, text, reference)
        headers = self.headers()
        path = self.parts.path or "/"
        body: bytes | None = None
        if self.method == "GET":
            query = "&".join(q for q in (self.parts.query, urlencode(data)) if q)
            path = f"{path}?{query}"
        else:
            if self.parts.query:
                path = f"{path}?{self.parts.query}"
            if self.body_format == "form":
                body = urlencode(data).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            else:
                body = json.dumps(data, ensure_ascii=False).encode()
                headers["Content-Type"] = "application/json; charset=utf-8"
        status, reply, retry_after = self._exchange(path, body, headers)
        return self._interpret(status, reply, retry_after)

    def probe(self) -> str:
        """Whether the gateway answers, sending no message: "" if it does, else why not.

        Any HTTP answer but a 5xx or a 429 counts (a 405 to a GET on the send URL too)."""
        parts = urlsplit(self.probe_url or self.url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            status, _reply, _after = self._exchange(path, None, self.headers(), method="GET",
                                                    parts=parts)
        except TemporaryFailure as exc:
            return str(exc)
        if status == 429 or status >= 500:
            return f"gateway answered HTTP {status}"
        return ""

    def _exchange(
        self, path: str, body: bytes | None, headers: dict[str, str], *,
        method: str | None = None, parts: SplitResult | None = None,
    ) -> tuple[int, bytes, str | None]:
        """(HTTP status, the reply's first bytes, its Retry-After header)."""
        parts = parts or self.parts
        if parts.scheme == "https":
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                parts.hostname, parts.port, timeout=self.connect_timeout,
                context=ssl.create_default_context(),
            )
        else:
            conn = http.client.HTTPConnection(
                parts.hostname, parts.port, timeout=self.connect_timeout
            )
        try:
            try:
                conn.connect()
            except (TimeoutError, OSError) as exc:
                raise TemporaryFailure(f"gateway unreachable ({type(exc).__name__})") from None
            # Connected: each wait is bounded by the read time-out, and the whole exchange
            # too: at the deadline the socket is shut, ending any read still waiting.
            sock = conn.sock
            sock.settimeout(self.read_timeout)
            expired = threading.Event()
            deadline = threading.Timer(self.read_timeout, _shut, (sock, expired))
            deadline.daemon = True
            deadline.start()
            try:
                conn.request(method or self.method, path, body=body, headers=headers)
                response = conn.getresponse()
                reply = response.read(MAX_REPLY_BYTES)
            except TimeoutError:
                raise TemporaryFailure("gateway time-out") from None
            except (http.client.HTTPException, OSError) as exc:
                if expired.is_set():
                    raise TemporaryFailure("gateway time-out") from None
                raise TemporaryFailure(
                    f"gateway connection failed ({type(exc).__name__})"
                ) from None
            finally:
                deadline.cancel()
            if expired.is_set():  # a reply cut short at the deadline
                raise TemporaryFailure("gateway time-out")
            return response.status, reply, response.getheader("Retry-After")
        finally:
            conn.close()

    def _interpret(self, status: int, reply: bytes, retry_after: str | None = None) -> str:
        if status == 429 or status >= 500:
            raise temporary_http_failure("gateway", status, retry_after)
        if not 200 <= status < 300:
            raise PermanentFailure(f"gateway refused with HTTP {status}")
        if not (self.success_field or self.id_field):
            return ""
        try:
            document = json.loads(reply.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            # Unknown outcome, as with a time-out: retried, with our reference attached.
            raise TemporaryFailure(f"gateway reply unreadable (HTTP {status})") from None
        if self.success_field:
            value = _dig(document, self.success_field)
            if value is _MISSING:
                raise TemporaryFailure(f"gateway reply without {self.success_field}")
            if str(value) != str(self.success_value):
                raise PermanentFailure(
                    f"gateway refused: {self.success_field}={str(value)[:40]}"
                )
        provider_id = _dig(document, self.id_field) if self.id_field else ""
        return "" if provider_id is _MISSING or provider_id is None else str(provider_id)[:100]


_MISSING = object()
# Addresses a connection may be tried on (socket.create_connection tries each in turn).
CONNECT_ADDRESSES = 2


def _shut(sock: socket.socket, expired: threading.Event) -> None:
    expired.set()
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _dig(document: Any, dotted: str) -> Any:
    for name in dotted.split("."):
        if not isinstance(document, dict) or name not in document:
            return _MISSING
        document = document[name]
    return document


def get_sms_backend(backend: str | None = None, **options: Any) -> BaseSmsBackend:
    """An instance of the backend named by `backend` or the SMS_BACKEND setting."""
    path = backend or getattr(
        settings, "SMS_BACKEND", "workflow.notifications.backends.ConsoleSmsBackend"
    )
    return import_string(path)(**options)
