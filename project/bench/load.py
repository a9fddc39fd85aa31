"""The project served by gunicorn and loaded over HTTP by forked clients.

Every page is reported as a ratio to a ceiling measured in the same run: the least any
Django page of this project can do on this machine (project/bench/views.py).
"""

from __future__ import annotations

import http.client
import multiprocessing
import random
import re
import resource
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django import forms
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
from django.db.models import Count
from django.urls import reverse

from feedback.intake import build_waiting
from feedback.models import Submission
from project.bench.history import FAMILY, GIVEN, MIDDLE, PLACES, PROBLEMS
from project.bench.seed import CEILING_ROWS
from project.bench.stats import percentile
from project.bench.timings import delete_cases
from project.bench.views import CEILING_TABLE
from publishing.selectors import public_cases
from routing.models import Area, Category, Membership, Unit
from workflow.models import Assignment, Case
from workflow.selectors import possible_duplicates


@dataclass(frozen=True)
class Scenario:
    name: str
    paths: list[str]
    method: str = "GET"
    cookies: list[str] = field(default_factory=list)  # one per client, so none share a session
    expect: frozenset[int] = frozenset({200})
    kind: str = "read"  # compared with the read ceiling, or "write" with the insert ceiling
    # A POST's form fields, made anew for every request from the client's random generator.
    form: Callable[[random.Random], dict[str, str]] | None = None
    # A page each client loads once first, as a browser would, for its CSRF cookie and token.
    csrf_page: str = ""
    # Load every path once before the warm-up: the figures are then those of a warm cache.
    prefill: bool = False


MULTIPART_BOUNDARY = "----cong1022-bench-boundary"


def multipart(fields: dict[str, str]) -> bytes:
    """The fields as a browser posts a form with enctype="multipart/form-data"."""
    parts = [f'--{MULTIPART_BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"'
             f"\r\n\r\n{value}\r\n" for name, value in fields.items()]
    return ("".join(parts) + f"--{MULTIPART_BOUNDARY}--\r\n").encode()


def csrf_credentials(conn: http.client.HTTPConnection, path: str) -> tuple[str, str]:
    """The CSRF cookie the page sets and the token its form carries."""
    conn.request("GET", path)
    response = conn.getresponse()
    html = response.read().decode()
    cookie = SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        cookie.load(header)
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if response.status != 200 or settings.CSRF_COOKIE_NAME not in cookie or not match:
        raise RuntimeError(f"no CSRF cookie and token from {path} ({response.status})")
    return f"{settings.CSRF_COOKIE_NAME}={cookie[settings.CSRF_COOKIE_NAME].value}", match[1]


def client(port: int, scenario: Scenario, number: int, start_at: float, duration: float,
           results: Any) -> None:
    """One load-generating process: requests back to back on one connection.

    Gunicorn's sync workers close the connection after each response; http.client then
    reconnects on the next request by itself, as a browser would.
    """
    rng = random.Random(f"{scenario.name}-{number}-{time.time()}")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers: dict[str, str] = {}
    cookies = [scenario.cookies[number % len(scenario.cookies)]] if scenario.cookies else []
    token = ""
    if scenario.csrf_page:
        try:
            csrf_cookie, token = csrf_credentials(conn, scenario.csrf_page)
        except (OSError, http.client.HTTPException, RuntimeError) as exc:
            results.put(([], 1, {f"setup: {exc}": 1}, time.time(), 0.0))
            return
        conn.close()
        cookies.append(csrf_cookie)
    if cookies:
        headers["Cookie"] = "; ".join(cookies)
    if scenario.method == "POST":
        headers["Content-Type"] = f"multipart/form-data; boundary={MULTIPART_BOUNDARY}"
    ok: list[float] = []
    statuses: Counter[str] = Counter()
    errors = 0
    time.sleep(max(0.0, start_at - time.time()))
    end = time.perf_counter() + duration
    while time.perf_counter() < end:
        body = None
        if scenario.method == "POST":
            fields = scenario.form(rng) if scenario.form else {"note": "bench"}
            if token:
                fields["csrfmiddlewaretoken"] = token
            body = multipart(fields)
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


def prefill(port: int, scenario: Scenario) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        for path in scenario.paths:
            conn.request("GET", path)
            conn.getresponse().read()
    finally:
        conn.close()


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
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()  # type: ignore[attr-defined]
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


PUBLIC_CASES = 300  # the case pages read, each loaded once before they are measured
# Searches as citizens type them, most without diacritics (the search ignores them).
SEARCHES = ["duong ngap", "đường ngập", "den duong", "o ga", "rac thai", "nuoc duc",
            "cay xanh nga", "karaoke", "mat dien", "giay phep xay dung", "cong thoat nuoc",
            "xe tai qua tai", "via he", "cho long hoa", "quoc lo 22b", "trung nu vuong"]


def submission_form() -> Callable[[random.Random], dict[str, str]]:
    """The public submission form as a citizen fills it: Vietnamese with its diacritics, a
    new phone number and idempotency key each time, every box that must be ticked ticked,
    and the SMS box too (the tracking code by SMS: one outbox row and one task more)."""
    from feedback.forms import SubmitForm  # the real form, so a new required box is ticked

    required_boxes = {name: "on" for name, f in SubmitForm().fields.items()
                      if isinstance(f, forms.BooleanField) and f.required}

    def fill(rng: random.Random) -> dict[str, str]:
        problem, place = rng.choice(PROBLEMS), rng.choice(PLACES)
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        return {
            **required_boxes,
            "title": f"{problem} tại {place}",
            "content": f"{problem} tại {place} đã nhiều ngày, ảnh hưởng đến việc đi lại của "
                       "người dân. Đề nghị cơ quan chức năng kiểm tra, xử lý.",
            "location_text": place, "reporter_name": name,
            "reporter_phone": f"09{rng.randrange(10**8):08d}",
            "reporter_email": f"dan{rng.randrange(10**6)}@example.vn",
            "idempotency_key": secrets.token_urlsafe(24), "website": "",
            "sms_updates": "on",
        }

    return fill


def public_paths() -> dict[str, list[str]]:
    """The public pages: answers of public cases, list pages and filters, searches."""
    answer_ids = list(public_cases().order_by("?").values_list("pk", flat=True)[:PUBLIC_CASES])
    busiest = list(Assignment.objects.filter(state=Assignment.State.APPROVED).values("unit_id")
                   .annotate(n=Count("pk")).order_by("-n").values_list("unit_id", flat=True)[:3])
    categories = list(Category.objects.order_by("pk").values_list("pk", flat=True)[:4])
    lists = [reverse("publishing:answers")] + [
        f"{reverse('publishing:answers')}?{query}" for query in
        ["page=2", "page=3", "page=10"]
        + [f"category={pk}" for pk in categories]
        + [f"area={pk}" for pk in Area.objects.filter(level=Area.Level.DISTRICT)
           .order_by("pk").values_list("pk", flat=True)[:3]]
        + [f"unit={pk}" for pk in busiest]
    ]
    return {
        "answers": [reverse("publishing:answer", args=[pk]) for pk in answer_ids],
        # Any query string makes a case page skip the cache: what a first visit costs.
        "answers_uncached": [f"{reverse('publishing:answer', args=[pk])}?utm_source=bench"
                             for pk in answer_ids],
        "lists": lists,
        "searches": [f"{reverse('publishing:answers')}?{urlencode(query)}"
                     for query in [{"q": q} for q in SEARCHES] + [
                         # Some citizens narrow a search to a category or a unit.
                         {"q": "giay phep xay dung", "category": categories[0]},
                         {"q": "duong ngap", "category": categories[-1]},
                         {"q": "mat dien", "unit": busiest[0]},
                         {"q": "rac thai", "unit": busiest[-1]},
                     ]],
    }


FRESH_QUEUES = 20_000  # more than a scenario's requests: none is served from the cache
OPENED_SHARE = 30  # per cent of the coordinator's sample cases, opened before the run


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
    # The beat looks for a new case's possible duplicates within its first minute
    # (find_duplicates_task), and so does the first opening of a case it has not come to
    # yet. The cases of the "later opening" scenario have had it, as a new case has when
    # the coordinator opens it; the others have not (a case opened in its first minute).
    cut = max(1, len(any_cases) * OPENED_SHARE // 100)
    opened, first = any_cases[:cut], any_cases[cut:]
    for case in Case.objects.filter(pk__in=opened, duplicates_checked_at__isnull=True):
        possible_duplicates(case)
    public = public_paths()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {CEILING_TABLE} ORDER BY id LIMIT %s",  # noqa: S608
                       [CEILING_ROWS])
        rows = [pk for (pk,) in cursor.fetchall()]
    submit = reverse("public:submit")
    fresh_queues = [f"/staff/?fresh={n}" for n in range(FRESH_QUEUES)]
    return [
        Scenario("ceiling_read", [f"/bench/read/{pk}" for pk in rows]),
        Scenario("ceiling_insert", ["/bench/insert"], method="POST", expect=frozenset({201}),
                 kind="write"),
        Scenario("healthz", ["/healthz"]),
        # Citizens: no session, the language by default.
        Scenario("public_home", [reverse("publishing:home")]),
        Scenario("public_case", public["answers"], prefill=True),
        Scenario("public_case_uncached", public["answers_uncached"]),
        Scenario("public_list", public["lists"], prefill=True),
        Scenario("public_search", public["searches"]),
        # The redirect to the "sent" page is the success; the form again (200, 400) is not.
        Scenario("public_submit", [submit], method="POST", expect=frozenset({302, 303}),
                 kind="write", form=submission_form(), csrf_page=submit),
        # A redirect to the login page means the session was refused: an error, not a page.
        Scenario("staff_coordinator_queue", ["/staff/"], cookies=coordinator_cookies),
        Scenario("staff_unit_inbox", ["/staff/"], cookies=staff_cookies),
        # The home queues are kept for their minute until a case changes; a query string
        # of its own makes each request a queue written afresh, as after every change.
        Scenario("staff_coordinator_queue_uncached", fresh_queues, cookies=coordinator_cookies),
        Scenario("staff_unit_inbox_uncached", fresh_queues, cookies=staff_cookies),
        Scenario("staff_case_unit", [f"/staff/cases/{pk}/" for pk in unit_cases],
                 cookies=staff_cookies),
        Scenario("staff_case_coordinator", [f"/staff/cases/{pk}/" for pk in opened],
                 cookies=coordinator_cookies),
        Scenario("staff_case_coordinator_first", [f"/staff/cases/{pk}/" for pk in first],
                 cookies=coordinator_cookies),
    ]


def build_submitted(log: Callable[[str], None]) -> dict[str, Any]:
    """The worker's half of the submissions: build the cases of those the form accepted
    (no worker runs during the load), one process, timed; the form's figure is only half
    of the cost of a case from the web."""
    waiting = Submission.objects.filter(case__isnull=True).count()
    log(f"building the {waiting:,} submitted cases as the worker does")
    started = time.perf_counter()
    built = build_waiting(limit=waiting)
    elapsed = time.perf_counter() - started
    return {"cases": built, "seconds": round(elapsed, 2),
            "ms_per_case": round(elapsed * 1000 / built, 2) if built else None,
            "cases_per_s": round(built / elapsed, 1) if built else None}


def run_http(env: dict[str, str], unit_id: int, duration: float, concurrency: int,
             log: Callable[[str], None], only: set[str] | None = None) -> dict[str, Any]:
    """Serve the project and drive every scenario, or those named in `only` (a ratio then
    needs its ceiling, ceiling_read or ceiling_insert, named too)."""
    plan = scenarios(unit_id, concurrency)
    if only:
        unknown = only - {scenario.name for scenario in plan}
        if unknown:
            raise CommandError(f"--only: no scenario named {', '.join(sorted(unknown))}")
        plan = [scenario for scenario in plan if scenario.name in only]
    last_case = Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    port = free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn if gunicorn.exists() else shutil.which("gunicorn") or "gunicorn"),
               "config.wsgi", "-w", "2", "--threads", "1", "-b", f"127.0.0.1:{port}",
               "--chdir", str(settings.BASE_DIR)]
    server_env = {**env, "ROOT_URLCONF": "project.bench.urls", "DEBUG": "false",
                  "SECURE_SSL_REDIRECT": "false", "ALLOWED_HOSTS": "127.0.0.1",
                  # Every submission comes from 127.0.0.1: the per-IP and per-phone limits
                  # (SECURITY AC4) would refuse the load generator after a few. Only this
                  # server raises them; the defaults stay.
                  "RATE_SUBMIT_PER_IP": str(10**9), "RATE_SUBMIT_PER_PHONE": str(10**9),
                  # Cached pages of another bench database must not be served from this one.
                  "CACHE_KEY_PREFIX": f"bench-{settings.DATABASES['default']['NAME']}"}
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
                if scenario.prefill:
                    prefill(port, scenario)
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
    intake = build_submitted(log) if "public_submit" in results else None
    submitted = list(Case.objects.filter(pk__gt=last_case).values_list("pk", flat=True))
    log(f"removing the {len(submitted):,} cases the submissions created")
    delete_cases(submitted)
    for name, result in results.items():
        ceiling = results.get("ceiling_insert" if result["kind"] == "write" else "ceiling_read")
        result["ratio"] = (round(result["rps"] / ceiling["rps"], 3)
                           if ceiling and ceiling["rps"] else None)
        if result["errors"]:
            log(f"HTTP {name}: {result['errors']} errors {result['statuses']}")
    report: dict[str, Any] = {
        "server": "gunicorn config.wsgi -w 2 --threads 1 (sync)",
        "client": f"{concurrency} forked processes, http.client, back to back",
        "duration_s": duration, "concurrency": concurrency, "unit_id": unit_id,
        "scenarios": results, "submitted_cases_removed": len(submitted),
    }
    if intake:
        report["intake_build"] = intake
    if any(r["errors"] for r in results.values()):
        report["server_log_tail"] = log_tail
    return report
