"""Recorded-format deliveries of both platforms, their signatures, and a stand-in API."""

from __future__ import annotations

import contextlib
import copy
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

FACEBOOK_APP_SECRET = "3f1c0b8e2a9d4c7f8e6b5a4d3c2b1a09"
FACEBOOK_VERIFY_TOKEN = "1022-tayninh-verify-7Qm2"
ZALO_OA_SECRET_KEY = "Zq8nR2vT6yW1xK4pL7mC"
ZALO_APP_ID = "1234567890123456789"

PAGE_ID = "107425138795321"
PSID = "7012345678904321"
MID = ("m_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_"
       "5cgXIbu7I3rBN0P")
FB_TEXT = ("Đèn đường hỏng trước số 12 đường 30/4\n"
           "Ba bóng đèn không sáng từ tuần trước, buổi tối rất tối và nguy hiểm.")

ZALO_USER_ID = "4368496045530508750"
ZALO_OA_ID = "2049385672813408761"
ZALO_MSG_ID = "4b8d0e1fe1d2aa1df2c2"
ZALO_TEXT = "Rác thải ùn ứ ở chợ phường 3 đã một tuần chưa được thu gom."

# A Messenger delivery as Meta sends it: one entry per page, events in `messaging`.
FACEBOOK_MESSAGE = {
    "object": "page",
    "entry": [{
        "id": PAGE_ID,
        "time": 1772413200123,
        "messaging": [{
            "sender": {"id": PSID},
            "recipient": {"id": PAGE_ID},
            "timestamp": 1772413199876,
            "message": {"mid": MID, "text": FB_TEXT},
        }],
    }],
}

FACEBOOK_ECHO = {
    "object": "page",
    "entry": [{"id": PAGE_ID, "time": 1772413300456, "messaging": [{
        "sender": {"id": PAGE_ID},
        "recipient": {"id": PSID},
        "timestamp": 1772413300321,
        "message": {"is_echo": True, "app_id": 1517776481860111, "metadata": "reply",
                    "mid": "m_echo_0001", "text": "Cảm ơn bạn, chúng tôi đã nhận phản ánh."},
    }]}],
}

FACEBOOK_DELIVERY_AND_READ = {
    "object": "page",
    "entry": [{"id": PAGE_ID, "time": 1772413400789, "messaging": [
        {"sender": {"id": PSID}, "recipient": {"id": PAGE_ID}, "timestamp": 1772413400700,
         "delivery": {"mids": ["m_echo_0001"], "watermark": 1772413400600}},
        {"sender": {"id": PSID}, "recipient": {"id": PAGE_ID}, "timestamp": 1772413400750,
         "read": {"watermark": 1772413400650}},
    ]}],
}

# A Zalo OA event as Zalo sends it: one event per request, the timestamp a string of ms.
ZALO_TEXT_EVENT = {
    "app_id": ZALO_APP_ID,
    "user_id_by_app": "552177279717587730",
    "event_name": "user_send_text",
    "timestamp": "1772413199876",
    "sender": {"id": ZALO_USER_ID},
    "recipient": {"id": ZALO_OA_ID},
    "message": {"msg_id": ZALO_MSG_ID, "text": ZALO_TEXT},
}

ZALO_FOLLOW_EVENT = {
    "app_id": ZALO_APP_ID,
    "oa_id": ZALO_OA_ID,
    "user_id_by_app": "552177279717587730",
    "event_name": "follow",
    "timestamp": "1772413000000",
    "source": "oa_profile",
    "follower": {"id": ZALO_USER_ID},
}


def encode(document: dict[str, Any]) -> bytes:
    # The platforms send compact UTF-8; the signature is over exactly these bytes.
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def facebook_signature(body: bytes, secret: str = FACEBOOK_APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def zalo_signature(body: bytes, document: dict[str, Any],
                   secret: str = ZALO_OA_SECRET_KEY) -> str:
    digest = hashlib.sha256(
        document["app_id"].encode() + body + document["timestamp"].encode() + secret.encode()
    ).hexdigest()
    return f"mac={digest}"


def variant(document: dict[str, Any], **message: Any) -> dict[str, Any]:
    """A copy of a one-message Facebook delivery with other message fields."""
    copied = copy.deepcopy(document)
    copied["entry"][0]["messaging"][0]["message"].update(message)
    return copied


class StandInApi:
    """The Messenger Send API or the Zalo OA API on loopback, answering from a script.

    Each answer is (status, JSON document or raw text, delay in seconds[, extra headers]);
    once the script runs out it answers `default`. Every request is recorded.
    """

    def __init__(self, default: tuple[int, Any, float]) -> None:
        self.script: list[tuple] = []
        self.default = default
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length).decode())
                with api.lock:
                    api.requests.append(
                        {"path": self.path, "headers": dict(self.headers), "body": body}
                    )
                    status, payload, delay, *extra = (api.script.pop(0) if api.script
                                                      else api.default)
                if delay:
                    time.sleep(delay)
                data = (payload if isinstance(payload, str) else json.dumps(payload)).encode()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in (extra[0] if extra else {}).items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def then(self, status: int, payload: Any, delay: float = 0.0,
             headers: dict[str, str] | None = None) -> StandInApi:
        self.script.append((status, payload, delay, headers or {}))
        return self

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def now_ms(offset_seconds: float = 0) -> str:
    """A Zalo timestamp (milliseconds) of now: deliveries outside the replay window are refused."""
    return str(int((time.time() + offset_seconds) * 1000))


def escaped(document: Any) -> bytes:
    """A delivery's body with every non-ASCII character escaped: a lone surrogate or a NUL
    travels as its JSON escape, as a platform may send it."""
    return json.dumps(document, separators=(",", ":")).encode()
