"""The project served by gunicorn and loaded over HTTP by forked clients.

Every page is reported as a ratio to a ceiling measured in the same run: the least any
Django page of this project can do on this machine (config/bench_views.py).
"""

from __future__ import annotations

import http.client
import multiprocessing
import random
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
)
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management.base import CommandError
from django.db import connection, connections, models

from config.bench_views import CEILING_TABLE
from routing.models import Membership, Unit
from workflow.bench.seed import CEILING_ROWS
from workflow.bench.stats import percentile
from workflow.models import Assignment, Case


@dataclass(frozen=True)
class Scenario:
    name: str
    paths: list[str]
    method: str = "GET"
    cookies: list[str] = field(default_factory=list)  # one per client, so none share a session
    expect: frozenset[int] = frozenset({200})
    kind: str = "read"  # compared with the read ceiling, or "write" with the insert ceiling


def client(port: int, scenario: Scenario, number: int, start_at: float, duration: float,
           results: Any) -> None:
    """One load-generating process: requests back to back on one connection.

    Gunicorn's sync workers close the connection after each response; http.client then
    reconnects on the next request by itself, as a browser would.
    """
    rng = random.Random(number)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if scenario.cookies:
        headers["Cookie"] = scenario.cookies[number % len(scenario.cookies)]
    body = "note=bench" if scenario.method == "POST" else None
    ok: list[float] = []
    statuses: Counter[str] = Counter()
    errors = 0
    time.sleep(max(0.0, start_at - time.time()))
    end = time.perf_counter() + duration
    while time.perf_counter() < end:
        started = time.perf_counter()
        try:
            conn.request(scenario.method, rng.choice(scenario.paths), body=body, headers=headers)
            response = conn.getresponse()
            response.read()
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            errors += 1
            statuses[type(exc).__name__] += 1
            continue
        elapsed = (time.perf_counter() - started) * 1000
        statuses[str(response.status)] += 1
        if response.status in scenario.expect:
            ok.append(elapsed)
        else:
            errors += 1
    conn.close()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    results.put((ok, errors, dict(statuses), time.time(), usage.ru_utime + usage.ru_stime))


def drive(port: int, scenario: Scenario, duration: float, concurrency: int) -> dict[str, Any]:
    # Forked, not spawned: the children need no Django. The parent's database connection is
    # closed first so no child inherits a live socket to PostgreSQL.
    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    results = ctx.Queue()
    start_at = time.time() + 0.2
    workers = [ctx.Process(target=client, args=(port, scenario, n, start_at, duration, results))
               for n in range(concurrency)]
    for worker in workers:
        worker.start()
    gathered = [results.get(timeout=duration + 120) for _ in workers]
    for worker in workers:
        worker.join()
    latencies = [ms for ok, *_rest in gathered for ms in ok]
    statuses: Counter[str] = Counter()
    for _ok, _errors, counts, *_rest in gathered:
        statuses.update(counts)
    wall = max(finished for *_rest, finished, _cpu in gathered) - start_at
    report: dict[str, Any] = {
        "method": scenario.method,
        "path": scenario.paths[0] if len(scenario.paths) == 1 else
        f"{len(scenario.paths)} paths, e.g. {scenario.paths[0]}",
        "requests": sum(statuses.values()),
        "errors": sum(errors for _ok, errors, *_rest in gathered),
        "statuses": dict(statuses),
        # Only answers with the expected status count: a page that fails fast is not fast.
        "rps": round(len(latencies) / wall, 1),
        "p50_ms": None, "p95_ms": None, "p99_ms": None,
        # What the load generator itself took from the two cores the server also runs on.
        "client_cpu_s": round(sum(cpu for *_rest, cpu in gathered), 2),
    }
    if latencies:
        report.update(p50_ms=round(percentile(latencies, 0.50), 2),
                      p95_ms=round(percentile(latencies, 0.95), 2),
                      p99_ms=round(percentile(latencies, 0.99), 2))
    return report


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(port: int, server: subprocess.Popen, deadline: float) -> None:
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise CommandError("gunicorn exited while starting")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass  # not listening yet
        finally:
            conn.close()
        time.sleep(0.2)
    raise CommandError("gunicorn did not answer /healthz in time")


def staff_session(user: models.Model) -> str:
    """A logged-in session row for `user`, as the login view would leave it."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()  # type: ignore[attr-defined]
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def scenarios(unit_id: int, concurrency: int) -> list[Scenario]:
    users = get_user_model()
    coordinator = users.objects.get(username="bench-coordinator")
    unit = Unit.objects.get(pk=unit_id)
    staff = users.objects.get(username=f"bench-{unit.code}-{Membership.Role.STAFF}")
    # Every session in the bench database is an earlier run's: start from none.
    Session.objects.all().delete()
    coordinator_cookies = [staff_session(coordinator) for _ in range(concurrency)]
    staff_cookies = [staff_session(staff) for _ in range(concurrency)]
    unit_cases = list(Assignment.objects.filter(unit_id=unit_id).order_by("?")
                      .values_list("case_id", flat=True)[:1000])
    any_cases = list(Case.objects.order_by("?").values_list("pk", flat=True)[:1000])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {CEILING_TABLE} ORDER BY id LIMIT %s",  # noqa: S608
                       [CEILING_ROWS])
        rows = [pk for (pk,) in cursor.fetchall()]
    return [
        Scenario("ceiling_read", [f"/bench/read/{pk}" for pk in rows]),
        Scenario("ceiling_insert", ["/bench/insert"], method="POST", expect=frozenset({201}),
                 kind="write"),
        Scenario("healthz", ["/healthz"]),
        # A redirect to the login page means the session was refused: an error, not a page.
        Scenario("staff_coordinator_queue", ["/staff/"], cookies=coordinator_cookies),
        Scenario("staff_unit_inbox", ["/staff/"], cookies=staff_cookies),
        Scenario("staff_case_unit", [f"/staff/cases/{pk}/" for pk in unit_cases],
                 cookies=staff_cookies),
        Scenario("staff_case_coordinator", [f"/staff/cases/{pk}/" for pk in any_cases],
                 cookies=coordinator_cookies),
    ]


def run_http(env: dict[str, str], unit_id: int, duration: float, concurrency: int,
             log: Callable[[str], None]) -> dict[str, Any]:
    plan = scenarios(unit_id, concurrency)
    port = free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn if gunicorn.exists() else shutil.which("gunicorn") or "gunicorn"),
               "config.wsgi", "-w", "2", "--threads", "1", "-b", f"127.0.0.1:{port}",
               "--chdir", str(settings.BASE_DIR)]
    server_env = {**env, "ROOT_URLCONF": "config.bench_urls", "DEBUG": "false",
                  "SECURE_SSL_REDIRECT": "false", "ALLOWED_HOSTS": "127.0.0.1"}
    connections.close_all()
    failed = True  # until every scenario has run: then the server's log is worth showing
    with tempfile.TemporaryFile("w+") as server_log:
        server = subprocess.Popen(command, env=server_env, stdout=server_log,  # noqa: S603
                                  stderr=subprocess.STDOUT, cwd=settings.BASE_DIR)
        try:
            wait_until_up(port, server, time.monotonic() + 60)
            results: dict[str, Any] = {}
            warmup = max(0.3, min(2.0, duration * 0.2))
            for scenario in plan:
                log(f"HTTP {scenario.name}: {duration:g} s, {concurrency} clients")
                drive(port, scenario, warmup, concurrency)  # connections, caches, sessions
                results[scenario.name] = {"kind": scenario.kind,
                                          **drive(port, scenario, duration, concurrency)}
            failed = False
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            server_log.seek(0)
            log_tail = server_log.read()[-4000:]
            if failed:
                log(f"gunicorn's log:\n{log_tail}")
    for name, result in results.items():
        ceiling = results["ceiling_insert" if result["kind"] == "write" else "ceiling_read"]
        result["ratio"] = round(result["rps"] / ceiling["rps"], 3) if ceiling["rps"] else None
        if result["errors"]:
            log(f"HTTP {name}: {result['errors']} errors {result['statuses']}")
    report: dict[str, Any] = {
        "server": "gunicorn config.wsgi -w 2 --threads 1 (sync)",
        "client": f"{concurrency} forked processes, http.client, back to back",
        "duration_s": duration, "concurrency": concurrency, "unit_id": unit_id,
        "scenarios": results,
    }
    if any(r["errors"] for r in results.values()):
        report["server_log_tail"] = log_tail
    return report
