"""The reverse proxy of docker-compose.yml (deploy/Caddyfile).

Read as text, its body limit matches the settings' upload limits. Where Debian's caddy is
installed (make test installs it) it runs for real on loopback in front of a small
upstream server: the client's address reaches the application, a forged one does not, and
its access log holds no query string, tracking code, key or cookie.
"""

import http.client
import json
import re
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.test import RequestFactory

from routing.audit import client_ip

from .settings_read import BASE_DIR

CADDYFILE = BASE_DIR / "deploy" / "Caddyfile"
MIB = 1024 * 1024
UNITS = {"B": 1, "KB": 1000, "MB": 1000**2, "GB": 1000**3, "KIB": 1024, "MIB": MIB,
         "GIB": 1024**3}
SECRET = "s3cr3t-api-key-7f9c"


def body_limit() -> int:
    match = re.search(r"^\s*max_size\s+(\d+)\s*([A-Za-z]+)\s*$", CADDYFILE.read_text(),
                      re.MULTILINE)
    assert match, "deploy/Caddyfile sets no request_body max_size"
    return int(match[1]) * UNITS[match[2].upper()]


def refused_above() -> int:
    """The size a request may declare in Content-Length before it is refused outright."""
    match = re.search(r"int\(\{http\.request\.header\.Content-Length\}\) > (\d+)`",
                      CADDYFILE.read_text())
    assert match, "deploy/Caddyfile refuses no declared length"
    return int(match[1])


def largest_form() -> int:
    return (settings.PUBLIC_PHOTO_MAX_BYTES * settings.PUBLIC_PHOTO_MAX_COUNT
            + settings.PUBLIC_VIDEO_MAX_BYTES * settings.PUBLIC_VIDEO_MAX_COUNT)


def test_the_proxy_lets_the_largest_form_through() -> None:
    assert body_limit() >= largest_form()


def test_a_declared_length_is_refused_above_the_same_limit() -> None:
    assert refused_above() == body_limit()


def test_the_proxy_refuses_bodies_much_larger_than_any_form() -> None:
    # The text fields and the multipart framing need far less than a mebibyte more.
    assert body_limit() <= largest_form() + 2 * MIB


# --- Caddy itself --------------------------------------------------------------------------

needs_caddy = pytest.mark.skipif(shutil.which("caddy") is None,
                                 reason="caddy is not installed (apt-get install caddy)")


@dataclass
class Upstream:
    """The application's place: it answers 200 and keeps the headers each request carried."""

    port: int = 0
    seen: list[dict[str, str]] = field(default_factory=list)
    peers: list[str] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    record = Upstream()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            record.seen.append(dict(self.headers.items()))
            record.peers.append(self.client_address[0])
            length = int(self.headers.get("Content-Length") or 0)
            while length > 0:
                length -= len(self.rfile.read(min(length, MIB)))
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        do_GET = do_POST = _answer

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    record.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield record
    server.shutdown()
    server.server_close()


@dataclass
class Proxy:
    port: int
    process: subprocess.Popen[str]
    log_path: Path

    def log(self) -> list[dict]:
        time.sleep(0.3)  # Caddy writes the line once the response has gone
        lines = self.log_path.read_text().splitlines()
        return [json.loads(line) for line in lines if '"http.log.access' in line]

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None, source: str = "127.0.0.1") -> int:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30,
                                                source_address=(source, 0))
        try:
            connection.request(method, path, body=body, headers=headers or {})
            return connection.getresponse().status
        finally:
            connection.close()


@pytest.fixture
def proxy(upstream: Upstream, tmp_path: Path) -> Iterator[Proxy]:
    port = free_port()
    log_path = tmp_path / "caddy.log"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
           "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           # Plain HTTP on loopback stands in for the real site's address.
           "SITE_ADDRESS": f"http://127.0.0.1:{port}", "UPSTREAM": f"127.0.0.1:{upstream.port}"}
    with log_path.open("w") as output:
        process = subprocess.Popen(  # noqa: S603 — fixed arguments
            ["caddy", "run", "--config", str(CADDYFILE), "--adapter", "caddyfile"],  # noqa: S607
            env=env, stdout=output, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                assert process.poll() is None, log_path.read_text()
                assert time.monotonic() < deadline, "caddy did not start:\n" + log_path.read_text()
                time.sleep(0.1)
        yield Proxy(port, process, log_path)
    finally:
        process.terminate()
        process.wait(timeout=10)


@needs_caddy
def test_the_configuration_is_valid(tmp_path: Path) -> None:
    result = subprocess.run(  # noqa: S603
        ["caddy", "validate", "--config", str(CADDYFILE), "--adapter", "caddyfile"],  # noqa: S607
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path),
             "XDG_CONFIG_HOME": str(tmp_path), "SITE_ADDRESS": "1022.example.gov.vn"},
        capture_output=True, text=True, timeout=60)

    assert result.returncode == 0, result.stdout + result.stderr


@needs_caddy
def test_the_application_sees_the_clients_address_and_not_one_the_client_wrote(
    proxy: Proxy, upstream: Upstream
) -> None:
    status = proxy.request("GET", "/", headers={"X-Forwarded-For": "203.0.113.66"})

    assert status == 200
    forwarded = upstream.seen[-1]
    # The last entry is the one TRUSTED_PROXY_COUNT=1 reads: the proxy's peer.
    assert forwarded["X-Forwarded-For"].split(",")[-1].strip() == "127.0.0.1"
    assert "203.0.113.66" not in forwarded["X-Forwarded-For"]
    assert forwarded["X-Forwarded-Proto"] == "http"


@needs_caddy
@pytest.mark.parametrize("path", [
    f"/open311/v2/requests.json?api_key={SECRET}&service_code=1",
    f"/open311/v2/tokens/{SECRET}.json",
    f"/api/v1/cases/{SECRET}/comments",
    f"/tra-cuu/?q={SECRET}",
])
def test_the_access_log_holds_no_key_token_or_tracking_code(proxy: Proxy, path: str) -> None:
    proxy.request("GET", path, headers={"X-Api-Key": SECRET, "Cookie": f"sessionid={SECRET}",
                                        "Referer": f"https://1022.example.gov.vn/?t={SECRET}"})

    entries = proxy.log()
    assert entries, "the access log is off"
    assert SECRET not in json.dumps(entries)
    assert entries[-1]["request"]["uri"].split("?")[0].split("REDACTED")[0] in path


@needs_caddy
def test_a_body_over_the_limit_is_refused_before_it_reaches_the_application(
    proxy: Proxy, upstream: Upstream
) -> None:
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=10) as sock:
        sock.sendall(f"POST /gui-phan-anh/ HTTP/1.1\r\nHost: 127.0.0.1:{proxy.port}\r\n"
                     f"Content-Type: application/octet-stream\r\n"
                     f"Content-Length: {body_limit() + 1}\r\n\r\n".encode() + b"x" * 1024)
        status_line = sock.makefile("rb").readline()

    assert status_line.split()[1] == b"413"
    assert upstream.seen == []


@needs_caddy
def test_a_body_within_the_limit_reaches_the_application(proxy: Proxy, upstream: Upstream) -> None:
    status = proxy.request("POST", "/gui-phan-anh/", body=b"x" * (largest_form() // 16),
                           headers={"Content-Type": "application/octet-stream"})

    assert status == 200
    assert len(upstream.seen) == 1


def proxy_count_of_the_stack() -> int:
    """TRUSTED_PROXY_COUNT as docker-compose.yml gives it to web, worker and beat."""
    stack = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
    return int(stack["services"]["web"]["environment"]["TRUSTED_PROXY_COUNT"])


@needs_caddy
def test_behind_the_proxy_each_citizen_is_counted_by_their_own_address(
    proxy: Proxy, upstream: Upstream, settings, rf: RequestFactory
) -> None:
    settings.TRUSTED_PROXY_COUNT = proxy_count_of_the_stack()

    proxy.request("GET", "/", headers={"X-Forwarded-For": "203.0.113.66"}, source="127.0.0.2")

    # What the web container receives: the proxy as the peer, and the proxy's header.
    request = rf.get("/", REMOTE_ADDR=upstream.peers[-1],
                     HTTP_X_FORWARDED_FOR=upstream.seen[-1]["X-Forwarded-For"])
    assert upstream.peers[-1] == "127.0.0.1"
    assert client_ip(request) == "127.0.0.2"
