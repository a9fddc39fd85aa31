"""Message texts, SMS arithmetic and the SMS backends, the HTTP one against a stand-in gateway."""

from __future__ import annotations

import base64
import contextlib
import io
import json
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import pytest

from workflow.models import MessageTemplate
from workflow.notifications import backends
from workflow.notifications.backends import (
    ConsoleSmsBackend,
    HttpGatewaySmsBackend,
    LocmemSmsBackend,
    PermanentFailure,
    TemporaryFailure,
    get_sms_backend,
    parse_retry_after,
)
from workflow.notifications.defaults import DEFAULTS, URGENT_STAFF_TEMPLATES
from workflow.notifications.render import (
    render_message,
    sms_segments,
    sms_text,
    strip_diacritics,
)

HTTP_BACKEND = "workflow.notifications.backends.HttpGatewaySmsBackend"
SLOW_SECONDS = 1.0


class StandInGateway:
    """A carrier's brand-name SMS gateway on loopback, answering from a script.

    Each request takes the next answer: "ok", "500", "429", "400", "refused" (HTTP 200 with
    an error code), "slow" (answers after SLOW_SECONDS), "malformed" (HTTP 200, broken JSON);
    "ok" once the script runs out. "429+120" is a 429 with `Retry-After: 120`, and
    "503+date:120" a 503 with Retry-After as the HTTP-date 120 seconds from now. Every request
    is recorded, whatever the answer.
    """

    def __init__(self, *script: str, pause: float = 0.0) -> None:
        self.script = list(script)
        self.pause = pause
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    body = json.loads(raw)
                else:
                    body = dict(parse_qsl(raw))
                with gateway.lock:
                    gateway.requests.append(
                        {"path": self.path, "headers": dict(self.headers), "body": body}
                    )
                    answer = gateway.script.pop(0) if gateway.script else "ok"
                    number = len(gateway.requests)
                if gateway.pause:
                    time.sleep(gateway.pause)
                # The client may have given up waiting, as it should.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    gateway.answer(self, answer, number)

            def log_message(self, format: str, *args) -> None:  # noqa: A002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/api/sms/send"

    def answer(self, handler: BaseHTTPRequestHandler, answer: str, number: int) -> None:
        if answer == "slow":
            time.sleep(SLOW_SECONDS)
            answer = "ok"
        extra = {}
        if "+" in answer:
            answer, after = answer.split("+", 1)
            if after.startswith("date:"):
                when = datetime.now(UTC) + timedelta(seconds=int(after[5:]))
                after = format_datetime(when, usegmt=True)
            extra["Retry-After"] = after
        status, payload = {
            "ok": (200, json.dumps({"code": "00", "data": {"id": f"gw-{number}"}})),
            "refused": (200, json.dumps({"code": "99", "message": "brandname not registered"})),
            "malformed": (200, '{"code": "00", "data": {"id": '),
            "500": (500, "Internal Server Error"),
            "429": (429, json.dumps({"code": "THROTTLED"})),
            "503": (503, "Service Unavailable"),
            "400": (400, json.dumps({"code": "INVALID_PHONE"})),
        }[answer]
        data = payload.encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        for name, value in extra.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(data)

    def carrying(self, reference: str) -> list[dict]:
        """The requests that carried the message with this reference."""
        return [r for r in self.requests if r["body"].get("RequestId") == reference]

    def settings(self, **overrides) -> dict:
        """SMS_GATEWAY for this gateway: JSON body, token header, success when code == "00"."""
        return {
            "URL": self.url,
            "BODY": "json",
            "AUTH": "token",
            "TOKEN": "test-token",
            "FIELDS": {"to": "Phone", "text": "Content", "sender": "Brandname",
                       "reference": "RequestId"},
            "SENDER": "UBND TAYNINH",
            "PHONE_FORMAT": "84",
            "SUCCESS_FIELD": "code",
            "SUCCESS_VALUE": "00",
            "ID_FIELD": "data.id",
            "CONNECT_TIMEOUT": 0.5,
            "READ_TIMEOUT": 0.3,
            **overrides,
        }

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stand_in_gateway():
    gateways: list[StandInGateway] = []

    def start(*script: str, **kwargs) -> StandInGateway:
        gateway = StandInGateway(*script, **kwargs)
        gateways.append(gateway)
        return gateway

    yield start
    for gateway in gateways:
        gateway.close()


def _backend(gateway: StandInGateway, **overrides) -> HttpGatewaySmsBackend:
    return get_sms_backend(HTTP_BACKEND, **gateway.settings(**overrides))


# --- Diacritics and segments ---------------------------------------------------------------
def test_diacritics_are_stripped_from_a_vietnamese_street_name():
    assert strip_diacritics("Đường Nguyễn Huệ") == "Duong Nguyen Hue"


def test_every_vietnamese_vowel_loses_its_marks_and_d_bar_becomes_d():
    assert strip_diacritics("ăâêôơư ẶẦỂỖỚỪ đĐ ỹ Ý") == "aaeoou AAEOOU dD y Y"


def test_an_sms_without_diacritics_uses_plain_punctuation_too():
    assert sms_text("“Cổng” – đã nhận…", without_diacritics=True) == '"Cong" - da nhan...'
    assert sms_text("“Cổng” – đã nhận…", without_diacritics=False) == "“Cổng” – đã nhận…"


def test_gsm7_text_fits_160_characters_in_one_segment_and_153_in_each_of_more():
    assert sms_segments("a" * 160) == ("gsm7", 1)
    assert sms_segments("a" * 161) == ("gsm7", 2)
    assert sms_segments("a" * 306) == ("gsm7", 2)
    assert sms_segments("a" * 307) == ("gsm7", 3)


def test_characters_of_the_gsm7_extension_table_count_twice():
    assert sms_segments("€" * 80) == ("gsm7", 1)
    assert sms_segments("€" * 81) == ("gsm7", 2)
    # 306 septets would fill two segments exactly, but an escape pair is never split
    assert sms_segments("a" * 152 + "[" + "x" * 152) == ("gsm7", 3)


def test_the_accented_letters_of_gsm7_keep_a_message_in_gsm7():
    assert sms_segments("é è à ù ì ò") == ("gsm7", 1)


def test_vietnamese_with_diacritics_is_ucs2_of_70_then_67_characters_per_segment():
    assert sms_segments("ư" * 70) == ("ucs2", 1)
    assert sms_segments("ư" * 71) == ("ucs2", 2)
    assert sms_segments("ư" * 134) == ("ucs2", 2)
    assert sms_segments("ư" * 135) == ("ucs2", 3)


def test_a_received_message_takes_one_segment_stripped_and_three_with_diacritics():
    text = ("Cổng 1022 Tây Ninh: Đã tiếp nhận phản ánh của bạn, mã 7K2QH-9XW4M. "
            "Tra cứu tại https://1022.tayninh.gov.vn/")
    assert sms_segments(text) == ("ucs2", 2)
    assert sms_segments(sms_text(text, without_diacritics=True)) == ("gsm7", 1)


# --- Texts ---------------------------------------------------------------------------------
def test_every_message_has_vietnamese_and_english_texts():
    for key, by_language in DEFAULTS.items():
        assert set(by_language) == {"vi", "en"}, key
        for texts in by_language.values():
            assert texts["subject"] and texts["body"], key
            texted = not key.startswith("staff_") or key in URGENT_STAFF_TEMPLATES
            assert bool(texts["sms"]) == texted, key


@pytest.mark.django_db
def test_every_sms_fits_one_gsm7_segment_once_stripped():
    context = {"portal": "Cổng 1022 Tây Ninh", "hotline": "0276.1022", "code": "7K2QH-9XW4M",
               "url": "https://1022.tayninh.gov.vn/", "reason": "Thông tin chưa rõ ràng",
               "note": "", "due_at": "17:00 20/03/2026", "stage": "Đang xử lý",
               "original": "4RT8M-2VQ9B",
               "answer_url": "https://1022.tayninh.gov.vn/tra-loi/1234567/"}
    for key in DEFAULTS:
        if key.startswith("staff_") and key not in URGENT_STAFF_TEMPLATES:
            continue
        for language in ("vi", "en"):
            text = sms_text(render_message(key, language, context).sms, without_diacritics=True)
            assert sms_segments(text) == ("gsm7", 1), (key, language, text)


@pytest.mark.django_db
def test_a_message_is_rendered_from_its_default_with_its_placeholders_filled():
    rendered = render_message("case_received", "vi", {"portal": "Cổng 1022", "code": "AB-12",
                                                      "url": "https://x.vn/"})
    assert rendered.sms == "Cổng 1022: Đã tiếp nhận phản ánh của bạn, mã AB-12. Tra cứu tại https://x.vn/"
    assert rendered.subject == "Đã tiếp nhận phản ánh AB-12"


@pytest.mark.django_db
def test_the_administrators_wording_wins_and_a_blank_field_keeps_the_default():
    MessageTemplate.objects.create(key="case_received", language="en",
                                   sms_text="Got it: {code}. {unknown} stays")
    rendered = render_message("case_received", "en", {"code": "AB-12", "portal": "P"})
    assert rendered.sms == "Got it: AB-12. {unknown} stays"
    assert rendered.subject == "Report AB-12 received"


@pytest.mark.django_db
def test_a_language_without_texts_falls_back_to_vietnamese():
    assert render_message("case_dispatched", "fr", {"code": "X"}).subject == (
        "Phản ánh X đã được chuyển xử lý"
    )


@pytest.mark.django_db
def test_a_placeholder_cannot_reach_into_the_values_attributes():
    MessageTemplate.objects.create(key="case_received", language="vi",
                                   email_subject="{code.__class__} {0} line\nbreak")
    rendered = render_message("case_received", "vi", {"code": "AB-12"})
    assert rendered.subject == "{code.__class__} {0} line break"


# --- Simple backends -----------------------------------------------------------------------
def test_the_console_backend_says_a_message_went_but_not_to_whom_or_what():
    stream = io.StringIO()
    provider_id = ConsoleSmsBackend(stream=stream).send("0912345678", "Ma OTP 482913",
                                                        reference="r1")
    assert provider_id.startswith("console-")
    assert provider_id in stream.getvalue()
    assert "482913" not in stream.getvalue()
    assert "678" not in stream.getvalue()


def test_the_locmem_backend_keeps_messages_in_its_outbox():
    backends.outbox.clear()
    provider_id = LocmemSmsBackend().send("0912345678", "Xin chao", reference="r1")
    assert [(m.to, m.text, m.reference, m.provider_id) for m in backends.outbox] == [
        ("0912345678", "Xin chao", "r1", provider_id)
    ]
    backends.outbox.clear()


def test_the_backend_is_chosen_by_setting(settings):
    settings.SMS_BACKEND = "workflow.notifications.backends.LocmemSmsBackend"
    assert isinstance(get_sms_backend(), LocmemSmsBackend)


# --- The HTTP gateway backend --------------------------------------------------------------
def test_the_gateway_gets_a_json_body_with_its_own_field_names_and_a_token(stand_in_gateway):
    gateway = stand_in_gateway("ok")
    provider_id = _backend(gateway).send("0912 345 678", "Xin chao", reference="c1022-7")
    assert provider_id == "gw-1"
    request = gateway.requests[0]
    assert request["path"] == "/api/sms/send"
    assert request["body"] == {"Phone": "84912345678", "Content": "Xin chao",
                               "Brandname": "UBND TAYNINH", "RequestId": "c1022-7"}
    assert request["headers"]["Authorization"] == "Bearer test-token"


def test_the_gateway_can_get_a_form_body_with_basic_auth_and_fixed_fields(stand_in_gateway):
    gateway = stand_in_gateway("ok")
    backend = _backend(gateway, BODY="form", AUTH="basic", USERNAME="u", PASSWORD="p",
                       PHONE_FORMAT="0", EXTRA={"type": "2"})
    backend.send("84912345678", "Xin chao", reference="c1022-8")
    request = gateway.requests[0]
    assert request["body"] == {"Phone": "0912345678", "Content": "Xin chao",
                               "Brandname": "UBND TAYNINH", "RequestId": "c1022-8", "type": "2"}
    assert request["headers"]["Authorization"] == "Basic " + base64.b64encode(b"u:p").decode()


def test_without_a_success_field_any_2xx_is_success(stand_in_gateway):
    gateway = stand_in_gateway("malformed")
    assert _backend(gateway, SUCCESS_FIELD="", ID_FIELD="").send("0912345678", "x") == ""


@pytest.mark.parametrize("answer", ["500", "429", "malformed"])
def test_a_5xx_a_429_or_an_unreadable_reply_is_a_temporary_failure(stand_in_gateway, answer):
    gateway = stand_in_gateway(answer)
    with pytest.raises(TemporaryFailure):
        _backend(gateway).send("0912345678", "Xin chao")


@pytest.mark.parametrize("answer", ["400", "refused"])
def test_a_4xx_or_a_refusal_in_the_reply_is_a_permanent_failure(stand_in_gateway, answer):
    gateway = stand_in_gateway(answer)
    with pytest.raises(PermanentFailure):
        _backend(gateway).send("0912345678", "Xin chao")


def test_a_gateway_slower_than_the_read_timeout_is_a_temporary_failure_and_is_not_waited_for(
    stand_in_gateway,
):
    gateway = stand_in_gateway("slow")
    started = time.monotonic()
    with pytest.raises(TemporaryFailure, match="time-out"):
        _backend(gateway).send("0912345678", "Xin chao")
    assert time.monotonic() - started < SLOW_SECONDS


def test_an_unreachable_gateway_is_a_temporary_failure():
    backend = get_sms_backend(HTTP_BACKEND, URL="http://127.0.0.1:1/send", CONNECT_TIMEOUT=0.5)
    with pytest.raises(TemporaryFailure, match="unreachable"):
        backend.send("0912345678", "Xin chao")


def test_a_failure_names_neither_the_number_nor_the_text(stand_in_gateway):
    gateway = stand_in_gateway("500", "400", "refused", "malformed", "slow")
    for _answer in range(5):
        with pytest.raises((TemporaryFailure, PermanentFailure)) as failure:
            _backend(gateway).send("0912345678", "Noi dung rieng")
        assert "912345678" not in str(failure.value)
        assert "Noi dung" not in str(failure.value)


def test_the_gateway_backend_refuses_a_missing_or_odd_url():
    with pytest.raises(ValueError):
        get_sms_backend(HTTP_BACKEND, URL="")
    with pytest.raises(ValueError):
        get_sms_backend(HTTP_BACKEND, URL="ftp://gateway.example/")


# --- The administrator's page ----------------------------------------------------------------
@pytest.mark.django_db
def test_the_administrator_rewords_a_message_in_the_admin(admin_client):
    from django.urls import reverse

    response = admin_client.post(reverse("admin:workflow_messagetemplate_add"), {
        "key": "case_dispatched", "language": "vi", "sms_text": "Mã {code} đã chuyển xử lý.",
        "email_subject": "", "email_body": "",
    })
    assert response.status_code == 302
    template = MessageTemplate.objects.get()
    page = admin_client.get(reverse("admin:workflow_messagetemplate_change", args=[template.pk]))
    assert page.status_code == 200
    assert "[gsm7, 1]" in page.content.decode()  # the built-in SMS text and its cost
    assert render_message("case_dispatched", "vi", {"code": "X"}).sms == "Mã X đã chuyển xử lý."


@pytest.mark.django_db
def test_the_admin_refuses_an_unknown_message_key(admin_client):
    from django.urls import reverse

    response = admin_client.post(reverse("admin:workflow_messagetemplate_add"), {
        "key": "case_invented", "language": "vi", "sms_text": "x",
    })
    assert response.status_code == 200
    assert not MessageTemplate.objects.exists()


# --- Retry-After ---------------------------------------------------------------------------
def test_retry_after_in_seconds_is_a_wait_of_that_many_seconds():
    assert parse_retry_after("120") == timedelta(seconds=120)
    assert parse_retry_after(" 0 ") == timedelta(0)


def test_retry_after_as_an_http_date_is_the_time_until_then():
    now = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    assert parse_retry_after("Mon, 02 Mar 2026 01:05:00 GMT", now=now) == timedelta(minutes=5)
    assert parse_retry_after("Mon, 02 Mar 2026 00:05:00 GMT", now=now) == timedelta(0)


@pytest.mark.parametrize("value", [None, "", "soon", "-5", "1.5", "Mon, 99 Foo 2026"])
def test_a_missing_or_unreadable_retry_after_is_no_wait_given(value):
    assert parse_retry_after(value) is None


@pytest.mark.parametrize(("answer", "status"), [("429+120", 429), ("503+120", 503)])
def test_the_gateways_retry_after_travels_with_the_temporary_failure(
    stand_in_gateway, answer, status
):
    with pytest.raises(TemporaryFailure, match=f"HTTP {status}") as caught:
        _backend(stand_in_gateway(answer)).send("0912345678", "Xin chao")
    assert caught.value.retry_after == timedelta(seconds=120)


def test_a_500_with_retry_after_is_retried_on_our_own_schedule(stand_in_gateway):
    with pytest.raises(TemporaryFailure) as caught:
        _backend(stand_in_gateway("500+120")).send("0912345678", "Xin chao")
    assert caught.value.retry_after is None
