"""The server's whole output holds no secret and no reporter's data (SECURITY AU3).

runserver and gunicorn (started as the deployment starts it, `gunicorn -c config/gunicorn.py
config.wsgi`) run in their own processes with DEBUG off and the shipped backends, and are
driven over loopback: a confidential submission, an Open311 call with its api_key in the
query string, Facebook's subscription handshake, a tracking lookup and a comment on the
tracking code's path, a one-time code, a failed staff log-in and a missing page. A Celery
worker then delivers the outbox. Nothing they wrote to stdout or stderr, access logs
included, may hold a key, token, code, password, the reporter's identity or their text.
"""

from __future__ import annotations

import re
import secrets
import subprocess
import sys
import uuid
from urllib.parse import urlencode

import pytest
from django.db import connection

from routing.models import Category
from tests.api.support import issue_key
from tests.factories import UserFactory
from tests.server_output import (
    ROOT,
    Client,
    Process,
    free_port,
    server_env,
    start_server,
    start_worker,
    wait_for,
)
from workflow.models import Case, OutboxMessage, SentMessage

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def static_root(tmp_path_factory) -> str:
    """The manifest the servers need with DEBUG off, collected once for the module."""
    root = tmp_path_factory.mktemp("static")
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"], cwd=ROOT,
        env=server_env("unused", STATIC_ROOT=str(root)), check=True, timeout=180,
        capture_output=True,
    )
    return str(root)


class Secrets:
    """What the run says to the servers and must never read back in their output."""

    def __init__(self) -> None:
        digits = f"{secrets.randbelow(10**8):08d}"
        self.phone = "09" + digits
        self.email = f"kin.dao.{digits}@example.vn"
        self.name = f"Trần Thị Kín{digits}"
        self.title = f"Bí mật cống hở {digits}"
        self.content = f"Nội dung riêng tư {digits} về nắp cống vỡ trước nhà"
        self.comment = f"Bổ sung kín đáo {digits}"
        self.api_key = issue_key("Output test")
        self.verify_token = secrets.token_urlsafe(24)
        self.password = "Sai-Mat-Khau-" + secrets.token_hex(6)

    def listed(self) -> dict[str, str]:
        return {"phone": self.phone, "phone +84": "84" + self.phone[1:],
                "e-mail": self.email, "name": self.name, "title": self.title,
                "content": self.content, "comment": self.comment, "API key": self.api_key,
                "verify token": self.verify_token, "password": self.password}


def drive(client: Client, said: Secrets) -> dict[str, str]:
    """Every path that carries a secret or a reporter's data; returns what the servers
    made up along the way (the tracking code, the one-time code)."""
    status, body = client.post_json("/api/v1/cases", {
        "title": said.title, "content": said.content, "reporter_name": said.name,
        "reporter_phone": said.phone, "reporter_email": said.email, "is_confidential": True,
        "consent": True, "sms_updates": True, "email_updates": True,
    }, {"X-Api-Key": said.api_key, "Idempotency-Key": uuid.uuid4().hex})
    assert status == 201, body
    code = re.search(r'"code": ?"([^"]+)"', body)[1]

    query = urlencode({"api_key": said.api_key, "jurisdiction_id": "tayninh.gov.vn"})
    assert client.get(f"/open311/v2/requests.json?{query}")[0] == 200
    handshake = urlencode({"hub.mode": "subscribe", "hub.verify_token": said.verify_token,
                           "hub.challenge": "1158201444"})
    assert client.get(f"/webhooks/facebook?{handshake}") == (200, "1158201444")
    assert client.post_json("/api/v1/track", {"code": code, "phone": said.phone})[0] == 200
    client.post_json(f"/api/v1/cases/{code}/comments", {"phone": said.phone,
                                                        "body": said.comment})
    status, _ = client.post_form("/tra-cuu/", "/tra-cuu/ma-sms/", {"otp-phone": said.phone})
    assert status == 302
    otp = SentMessage.objects.filter(kind="sms", reference__startswith="c1022-otp").latest("pk")
    one_time_code = re.search(r"\b(\d{6})\b", otp.body)[1]
    status, _ = client.post_form("/tra-cuu/ma-sms/nhap/", "/tra-cuu/ma-sms/nhap/",
                                 {"code": one_time_code})
    assert status == 302
    status, _ = client.post_form("/staff/login/", "/staff/login/",
                                 {"username": "coord-output", "password": said.password})
    assert status == 200
    missing = urlencode({"token": said.verify_token, "email": said.email})
    assert client.get(f"/khong-co-trang-nay?{missing}")[0] == 404
    return {"tracking code": code, "tracking code as typed": code.replace("-", ""),
            "one-time code": one_time_code}


@pytest.mark.parametrize("kind", ["gunicorn", "runserver"])
def test_the_servers_output_holds_no_secret_and_no_reporters_data(kind, static_root,
                                                                  tmp_path):
    Category.objects.create(name="Cống thoát nước", code="drains")
    UserFactory(username="coord-output")
    said = Secrets()
    env = server_env(connection.settings_dict["NAME"], STATIC_ROOT=static_root,
                     FACEBOOK_VERIFY_TOKEN=said.verify_token,
                     CACHE_KEY_PREFIX=f"output-{uuid.uuid4().hex[:8]}")
    processes: list[Process] = []
    try:
        port = free_port()
        processes.append(start_server(kind, port, env, tmp_path))
        made_up = drive(Client(port), said)
        processes.append(start_worker(env, tmp_path))
        case = Case.objects.get(reporter_phone=said.phone)
        wait_for(lambda: not OutboxMessage.objects.filter(
            case=case, status=OutboxMessage.Status.PENDING).exists(), "the outbox delivered",
            processes[-1], seconds=120)
    finally:
        for process in processes:
            process.stop()
    output = "\n".join(process.output() for process in processes)

    # The run did reach the servers and their access log, and the messages did go out.
    assert "/webhooks/facebook" in output and "/api/v1/track" in output
    assert SentMessage.objects.filter(kind="email", recipient=said.email).exists()
    assert SentMessage.objects.filter(kind="sms", recipient=said.phone).count() >= 2
    leaked = {what: value for what, value in {**said.listed(), **made_up}.items()
              if value.casefold() in output.casefold()}
    assert leaked == {}, output[-4000:]
