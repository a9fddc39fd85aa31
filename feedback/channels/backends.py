"""Replies to a Facebook or Zalo reporter, chosen by CHANNEL_REPLY_BACKEND like SMS_BACKEND.

- ConsoleChannelBackend writes to standard output that a reply went, never its text;
- LocmemChannelBackend keeps them in the module-level `outbox` list (tests);
- MessengerBackend posts to the Messenger Send API, ZaloOaBackend to the Zalo OA message
  API, and PlatformBackend hands each reply to the one of the two its platform needs.

`send` returns the platform's message id, or raises the SMS backends' TemporaryFailure
(time-out, 5xx, 429, a reply that cannot be read, an error the platform calls transient;
with the platform's Retry-After on a 429 or 503), WindowClosed (Messenger's refusal of a
reply outside its 24-hour window) or PermanentFailure (any other refusal). Exception texts
never hold the recipient's id, the text or a token, since they end up in logs and in the
outbox row (SECURITY AU3).
"""

from __future__ import annotations

import http.client
import json
import ssl
import sys
import threading
import uuid
from dataclasses import dataclass
from typing import Any, TextIO
from urllib.parse import SplitResult, urlsplit

from django.conf import settings
from django.utils.module_loading import import_string

from workflow.notifications.backends import (
    MAX_REPLY_BYTES,
    PermanentFailure,
    TemporaryFailure,
    WindowClosed,
    temporary_http_failure,
)

__all__ = [
    "BaseChannelBackend", "ConsoleChannelBackend", "LocmemChannelBackend", "MessengerBackend",
    "PermanentFailure", "PlatformBackend", "TemporaryFailure", "WindowClosed", "ZaloOaBackend",
    "get_channel_backend", "outbox",
]


class BaseChannelBackend:
    def __init__(self, **options: Any) -> None:
        self.options = options

    def send(self, platform: str, recipient_id: str, text: str, *, reference: str = "") -> str:
        """Send `text` to the platform user `recipient_id`; return the platform's message id.

        `reference` is ours and the same on every attempt of a message.
        """
        raise NotImplementedError


class ConsoleChannelBackend(BaseChannelBackend):
    def __init__(self, stream: TextIO | None = None, **options: Any) -> None:
        super().__init__(**options)
        self.stream = stream

    def send(self, platform: str, recipient_id: str, text: str, *, reference: str = "") -> str:
        stream = self.stream or sys.stdout
        provider_id = f"console-{uuid.uuid4().hex[:12]}"
        # That a reply went, never to whom or what: this output is the server's log (AU3).
        stream.write(f"{platform} {provider_id} ({reference}): {len(text)} characters, "
                     "not shown\n")
        stream.flush()
        return provider_id


@dataclass(frozen=True)
class ChannelReply:
    platform: str
    recipient_id: str
    text: str
    reference: str
    provider_id: str


outbox: list[ChannelReply] = []
_outbox_lock = threading.Lock()


class LocmemChannelBackend(BaseChannelBackend):
    """Keeps every reply in `outbox`, like django.core.mail.outbox; tests empty it."""

    def send(self, platform: str, recipient_id: str, text: str, *, reference: str = "") -> str:
        provider_id = f"locmem-{uuid.uuid4().hex[:12]}"
        with _outbox_lock:
            outbox.append(ChannelReply(platform=platform, recipient_id=recipient_id, text=text,
                                       reference=reference, provider_id=provider_id))
        return provider_id


# --- The platforms' HTTP APIs -----------------------------------------------------------------
def _http_url(url: str, setting: str) -> SplitResult:
    if not url:
        raise ValueError(f"{setting} is not set")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{setting} must be an http(s) URL")
    return parts


class _JsonApiBackend(BaseChannelBackend):
    """POST a JSON body with short connect and read time-outs; read a JSON reply."""

    platform = ""
    name = "platform"

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.connect_timeout = float(
            options.get("connect_timeout", getattr(settings, "CHANNEL_REPLY_CONNECT_TIMEOUT", 3))
        )
        self.read_timeout = float(
            options.get("read_timeout", getattr(settings, "CHANNEL_REPLY_READ_TIMEOUT", 10))
        )

    def _check_platform(self, platform: str) -> None:
        if platform != self.platform:
            raise PermanentFailure(f"{self.name} backend cannot send to {platform[:16]}")

    def _post(self, parts: SplitResult, body: dict[str, Any],
              headers: dict[str, str]) -> tuple[int, Any]:
        """(HTTP status, the reply's JSON or None when it is not JSON).

        A 429 or 5xx raises TemporaryFailure here, with the Retry-After of a 429 or 503.
        """
        path = parts.path or "/"
        if parts.query:
            path = f"{path}?{parts.query}"
        headers = {"Accept": "application/json", "User-Agent": "cong1022-channels/1",
                   "Content-Type": "application/json; charset=utf-8", **headers}
        if parts.scheme == "https":
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                parts.hostname, parts.port, timeout=self.connect_timeout,
                context=ssl.create_default_context(),
            )
        else:
            conn = http.client.HTTPConnection(parts.hostname, parts.port,
                                              timeout=self.connect_timeout)
        try:
            try:
                conn.connect()
            except (TimeoutError, OSError) as exc:
                raise TemporaryFailure(f"{self.name} unreachable ({type(exc).__name__})") from None
            # Connected: from here on the read time-out applies to every wait.
            conn.sock.settimeout(self.read_timeout)
            try:
                conn.request("POST", path, body=json.dumps(body, ensure_ascii=False).encode(),
                             headers=headers)
                response = conn.getresponse()
                reply = response.read(MAX_REPLY_BYTES)
            except TimeoutError:
                raise TemporaryFailure(f"{self.name} time-out") from None
            except (http.client.HTTPException, OSError) as exc:
                raise TemporaryFailure(
                    f"{self.name} connection failed ({type(exc).__name__})"
                ) from None
        finally:
            conn.close()
        if response.status == 429 or response.status >= 500:
            raise temporary_http_failure(self.name, response.status,
                                         response.getheader("Retry-After"))
        try:
            document = json.loads(reply.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            document = None
        return response.status, document


# Messenger's error subcode for "sent outside of allowed window" (code 10).
OUTSIDE_WINDOW = "2018278"


class MessengerBackend(_JsonApiBackend):
    """The Messenger Send API: POST {FACEBOOK_GRAPH_URL}/me/messages with the page token.

    Messenger accepts a standard reply only within 24 hours of the person's last message;
    later it refuses (WindowClosed), and the reporter is answered by other means.
    """

    platform = "facebook"
    name = "messenger"

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        base = options.get("graph_url", settings.FACEBOOK_GRAPH_URL)
        self.parts = _http_url(base.rstrip("/") + "/me/messages" if base else "",
                               "FACEBOOK_GRAPH_URL")
        self.token = options.get("page_access_token", settings.FACEBOOK_PAGE_ACCESS_TOKEN)

    def send(self, platform: str, recipient_id: str, text: str, *, reference: str = "") -> str:
        self._check_platform(platform)
        body = {"recipient": {"id": recipient_id}, "messaging_type": "RESPONSE",
                "message": {"text": text}}
        # The token goes in a header, not the query string, so no access log keeps it.
        status, document = self._post(self.parts, body,
                                      {"Authorization": f"Bearer {self.token}"})
        error = document.get("error") if isinstance(document, dict) else None
        if isinstance(error, dict) and error.get("is_transient"):
            raise TemporaryFailure(f"messenger transient error {_code(error)}")
        if isinstance(error, dict) and str(error.get("error_subcode")) == OUTSIDE_WINDOW:
            raise WindowClosed(f"messenger: outside the reply window {_code(error)}")
        if not 200 <= status < 300 or error is not None:
            raise PermanentFailure(f"messenger refused with HTTP {status}, error {_code(error)}")
        if not isinstance(document, dict):
            raise TemporaryFailure(f"messenger reply unreadable (HTTP {status})")
        return str(document.get("message_id") or "")[:100]


class ZaloOaBackend(_JsonApiBackend):
    """The Zalo OA message API (ZALO_API_URL, e.g. …/v3.0/oa/message/cs) with the OA token.

    Zalo answers HTTP 200 with `error` 0 on success and another code on a refusal.
    """

    platform = "zalo"
    name = "zalo"

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.parts = _http_url(options.get("api_url", settings.ZALO_API_URL), "ZALO_API_URL")
        self.token = options.get("access_token", settings.ZALO_OA_ACCESS_TOKEN)

    def send(self, platform: str, recipient_id: str, text: str, *, reference: str = "") -> str:
        self._check_platform(platform)
        body = {"recipient": {"user_id": recipient_id}, "message": {"text": text}}
        status, document = self._post(self.parts, body, {"access_token": self.token})
        if not 200 <= status < 300:
            raise PermanentFailure(f"zalo refused with HTTP {status}")
        if not isinstance(document, dict) or "error" not in document:
            raise TemporaryFailure(f"zalo reply unreadable (HTTP {status})")
        if document["error"] not in (0, "0"):
            raise PermanentFailure(f"zalo refused with error {str(document['error'])[:12]}")
        data = document.get("data")
        return str(data.get("message_id") or "")[:100] if isinstance(data, dict) else ""


class PlatformBackend(BaseChannelBackend):
    """Each reply through its own platform's API."""

    def send(self, platform: str, recipient_id: str, text: str, *, reference: str = "") -> str:
        backends = {"facebook": MessengerBackend, "zalo": ZaloOaBackend}
        if platform not in backends:
            raise PermanentFailure(f"no reply backend for {platform[:16]}")
        return backends[platform](**self.options).send(platform, recipient_id, text,
                                                       reference=reference)


def _code(error: Any) -> str:
    if not isinstance(error, dict):
        return "-"
    return f"{str(error.get('code', '-'))[:12]}/{str(error.get('error_subcode', '-'))[:12]}"


def get_channel_backend(backend: str | None = None, **options: Any) -> BaseChannelBackend:
    """An instance of the backend named by `backend` or the CHANNEL_REPLY_BACKEND setting."""
    path = backend or getattr(settings, "CHANNEL_REPLY_BACKEND", "") or (
        "feedback.channels.backends.ConsoleChannelBackend"
    )
    return import_string(path)(**options)
