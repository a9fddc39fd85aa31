"""`manage.py bench` end to end on a tiny data set: the report is complete, nothing more.

No timing is asserted: figures depend on the machine. The command runs once, as `make bench`
runs it, in a subprocess against a throwaway database that is dropped afterwards.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from numbers import Real
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "cong1022_bench_test"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cong1022"

TIMINGS = ["receive_case", "sweep_first_pass", "sweep_idle_pass", "deadlines_100k",
           "coordinator_queue", "unit_inbox", "public_search", "public_search_count"]
PLANS = ["sweep_assignment_overdue", "coordinator_queue", "unit_inbox", "public_list",
         "public_search", "public_search_count"]
REPORTS = ["report_monthly", "report_yearly"]
REPORT_QUERIES = 25  # what the statistics of a periodic report may take, at any size
CEILINGS = ["ceiling_read", "ceiling_insert"]
PUBLIC_PAGES = ["public_home", "public_case", "public_case_uncached", "public_list",
                "public_search", "public_submit"]
PAGES = ["healthz", *PUBLIC_PAGES, "staff_coordinator_queue", "staff_unit_inbox",
         "staff_coordinator_queue_uncached", "staff_unit_inbox_uncached",
         "staff_case_unit", "staff_case_coordinator", "staff_case_coordinator_first"]
# Staff pages are reported even when they fail, so their figures may be null.
ALWAYS_NUMERIC = ["requests", "errors", "rps"]
LATENCIES = ["p50_ms", "p95_ms", "p99_ms"]


def is_number(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def drop_bench_database(database_url: str) -> None:
    admin_url = urlsplit(database_url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The command's stdout, its --output file, and its stderr, from one run."""
    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    output = tmp_path_factory.mktemp("bench") / "bench.json"
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "false",
           "SECURE_SSL_REDIRECT": "false"}
    drop_bench_database(database_url)  # a leftover from an interrupted run would be reused
    try:
        result = subprocess.run(  # noqa: S603 — fixed arguments, our own interpreter
            [sys.executable, "manage.py", "bench", "--cases", "300", "--duration", "1",
             "--concurrency", "2", "--database-name", BENCH_DB, "--output", str(output)],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
        )
        assert result.returncode == 0, result.stderr[-4000:]
        yield {"stdout": json.loads(result.stdout), "file": json.loads(output.read_text()),
               "stderr": result.stderr}
    finally:
        drop_bench_database(database_url)


def test_the_report_on_stdout_is_the_one_written_to_the_output_file(run: dict) -> None:
    assert run["stdout"] == run["file"]


def test_every_timing_has_a_numeric_median_and_p95(run: dict) -> None:
    timings = run["file"]["timings"]

    for name in TIMINGS:
        assert is_number(timings[name]["median_ms"]), name
        assert is_number(timings[name]["p95_ms"]), name
        assert timings[name]["n"] > 0, name


def test_the_sweep_reports_what_its_first_pass_did(run: dict) -> None:
    first = run["file"]["timings"]["sweep_first_pass"]

    assert is_number(first["reminders"])
    assert is_number(first["overdue"])


def test_the_seeded_data_set_is_the_size_asked_for(run: dict) -> None:
    data = run["file"]["data"]

    assert data["cases"] == 300
    assert data["reused"] is False
    assert sum(data["cases_by_state"].values()) == 300


def test_the_sweep_query_uses_the_partial_due_index(run: dict) -> None:
    plan = run["file"]["explain"]["sweep_assignment_overdue"]

    assert "assignment_due_open" in plan["indexes"]
    assert any("assignment_due_open" in line for line in plan["plan"])


def test_every_plan_has_nodes_and_an_execution_time(run: dict) -> None:
    plans = run["file"]["explain"]

    for name in PLANS:
        assert plans[name]["nodes"], name
        assert is_number(plans[name]["execution_ms"]), name


def test_the_ceilings_answer_every_request_without_error(run: dict) -> None:
    scenarios = run["file"]["http"]["scenarios"]

    for name in CEILINGS:
        assert scenarios[name]["requests"] > 0, name
        assert scenarios[name]["errors"] == 0, scenarios[name]
        assert all(is_number(scenarios[name][key]) for key in ALWAYS_NUMERIC + LATENCIES)
        assert scenarios[name]["ratio"] == 1.0


def test_every_page_is_reported_with_its_ratio_to_the_ceiling(run: dict) -> None:
    scenarios = run["file"]["http"]["scenarios"]

    for name in PAGES:
        assert all(is_number(scenarios[name][key]) for key in ALWAYS_NUMERIC), name
        assert all(scenarios[name][key] is None or is_number(scenarios[name][key])
                   for key in LATENCIES), name
        assert is_number(scenarios[name]["ratio"]), name


def test_the_public_pages_answer_every_request_as_a_citizen_expects(run: dict) -> None:
    scenarios = run["file"]["http"]["scenarios"]

    for name in PUBLIC_PAGES:
        assert scenarios[name]["requests"] > 0, name
        assert scenarios[name]["errors"] == 0, (name, scenarios[name]["statuses"])


def test_the_submissions_post_the_real_form_and_are_compared_with_the_insert_ceiling(
        run: dict) -> None:
    submit = run["file"]["http"]["scenarios"]["public_submit"]

    assert submit["method"] == "POST"
    assert submit["kind"] == "write"
    assert set(submit["statuses"]) == {"302"}  # the redirect to the "sent" page, every time


def test_the_cases_the_submissions_created_are_removed_afterwards(run: dict) -> None:
    http = run["file"]["http"]

    # Warm-up submissions too: at least every measured one.
    assert http["submitted_cases_removed"] >= http["scenarios"]["public_submit"]["statuses"]["302"]


def test_the_monthly_and_yearly_reports_are_timed_in_a_constant_number_of_queries(
        run: dict) -> None:
    timings = run["file"]["timings"]

    for name in REPORTS:
        for part in ("statistics", "pdf", "xlsx"):
            assert is_number(timings[name][part]["median_ms"]), (name, part)
        assert timings[name]["pdf"]["bytes"] > 0
        assert timings[name]["xlsx"]["bytes"] > 0
    # Aggregates in SQL: a few queries for a month or a year, however many cases.
    for name in REPORTS:
        assert 0 < timings[name]["statistics"]["queries"] <= REPORT_QUERIES, name
    assert timings["report_yearly"]["received"] >= timings["report_monthly"]["received"]


def test_the_machine_is_described(run: dict) -> None:
    machine = run["file"]["machine"]

    assert machine["cpus"] >= 1
    assert machine["postgresql"]
