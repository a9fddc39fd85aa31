"""Helpers of the server-output test: real server processes on loopback, and a small client.

Each process writes its stdout and stderr to files, read once it has stopped; every wait
has a deadline, and a process is stopped by its own id.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
START_SECONDS = 90
# Variables that choose backends: unset, so the servers run the shipped defaults.
BACKEND_VARIABLES = ("SMS_BACKEND", "EMAIL_BACKEND", "CHANNEL_REPLY_BACKEND",
                     "CELERY_TASK_ALWAYS_EAGER", "LOG_LEVEL")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(database: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in BACKEND_VARIABLES}
    env.update(DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{database}", DEBUG="false",
               SECURE_SSL_REDIRECT="false", PYTHONUNBUFFERED="1", WEB_CONCURRENCY="1",
               **extra)
    env.setdefault("SECRET_KEY", "server-output-test-key-" + "x" * 40)
    return env


class Process:
    """A command run in the project's directory, its output kept in two files."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], out: Path) -> None:
        self.name = name
        self.stdout_path, self.stderr_path = out / f"{name}.out", out / f"{name}.err"
        with self.stdout_path.open("wb") as stdout, self.stderr_path.open("wb") as stderr:
            self.process = subprocess.Popen(  # noqa: S603 — our own commands
                command, cwd=ROOT, env=env, stdout=stdout, stderr=stderr,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    def output(self) -> str:
        return (self.stdout_path.read_text(errors="replace") + "\n"
                + self.stderr_path.read_text(errors="replace"))


def start_server(kind: str, port: int, env: dict[str, str], out: Path) -> Process:
    if kind == "gunicorn":
        command = [str(BIN / "gunicorn"), "-c", "config/gunicorn.py", "config.wsgi",
                   "--bind", f"127.0.0.1:{port}"]
    else:
        command = [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
    server = Process(kind, command, env, out)
    wait_for(lambda: _answers(port), f"{kind} to answer on port {port}", server)
    return server


def start_worker(env: dict[str, str], out: Path) -> Process:
    return Process("worker", [str(BIN / "celery"), "-A", "config", "worker", "--pool", "solo",
                              "--without-gossip", "--without-mingle", "--without-heartbeat",
                              "--loglevel", "INFO"], env, out)


def _answers(port: int) -> bool:
    try:
        return Client(port).get("/healthz")[0] == 200
    except OSError:
        return False


def wait_for(condition: Callable[[], bool], what: str, process: Process | None = None,
             seconds: float = START_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        if process is not None and process.process.poll() is not None:
            raise AssertionError(f"{process.name} exited:\n{process.output()[-3000:]}")
        time.sleep(0.3)
    raise AssertionError(f"Timed out waiting for {what}")


class Client:
    """HTTP/1.1 on loopback, keeping cookies whatever their Secure flag (DEBUG is off)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            all_headers = {"Host": "127.0.0.1", **(headers or {})}
            if self.cookies:
                all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            connection.request(method, path, body=body, headers=all_headers)
            response = connection.getresponse()
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, response.read().decode(errors="replace")
        finally:
            connection.close()

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
        return self.request("GET", path, headers=headers)

    def post_json(self, path: str, data: dict, headers: dict[str, str] | None = None
                  ) -> tuple[int, str]:
        return self.request("POST", path, json.dumps(data).encode(),
                            {"Content-Type": "application/json", **(headers or {})})

    def post_form(self, page: str, path: str, data: dict[str, str]) -> tuple[int, str]:
        """Fetch `page` for its CSRF token, then post `data` to `path` as the browser would."""
        status, html = self.get(page)
        assert status == 200, (page, status)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert token, page
        body = urlencode({"csrfmiddlewaretoken": token[1], **data}).encode()
        return self.request("POST", path, body, {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"http://127.0.0.1:{self.port}{page}",
        })
