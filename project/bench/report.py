"""The benchmark's report: the machine it ran on, then every figure, as JSON."""

from __future__ import annotations

import json
import os
import platform
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import django
from django.core.management import call_command
from django.db import connection

from project.bench.database import check_bench_database
from project.bench.load import run_http
from project.bench.seed import prepare_database
from project.bench.timings import (
    DEADLINES,
    bench_unit,
    time_deadlines,
    time_queries,
    time_receive_case,
    time_reports,
    time_sweep,
)


def machine() -> dict[str, Any]:
    cpu, memory_kb = platform.processor(), 0
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        cpu = next(line.split(":", 1)[1].strip() for line in cpuinfo.splitlines()
                   if line.startswith("model name"))
        meminfo = Path("/proc/meminfo").read_text()
        memory_kb = int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1))  # type: ignore[union-attr]
    except (OSError, StopIteration, AttributeError):
        pass  # not Linux: the figures still stand, the description is just shorter
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (pg_version,) = cursor.fetchone()
    return {
        "cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
        else os.cpu_count(),
        "cpu_model": cpu,
        "memory_gib": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "django": django.__version__,
        "postgresql": pg_version,
        "platform": platform.platform(),
        # Taken before the benchmark loads the machine: other work running alongside it
        # shows here rather than silently in the figures.
        "load_average_1m": round(os.getloadavg()[0], 2),
    }


def measure(*, name: str, cases: int, duration: float, concurrency: int, output: str | None,
            log: Callable[[str], None], write: Callable[[str], None], only: str = "") -> None:
    """In the child, against bench database `name`: seed, time, load over HTTP, and `write`
    the report as JSON (also to the file `output`, if given). `only` (comma-separated
    scenario names) runs just those HTTP scenarios and skips the other timings."""
    check_bench_database(name)
    data = prepare_database(cases, log)
    call_command("collectstatic", interactive=False, verbosity=0)
    now = datetime.fromisoformat(data["now"])
    report: dict[str, Any] = {"machine": machine(), "data": data, "timings": {}}
    timings = report["timings"]
    selected = {part.strip() for part in only.split(",") if part.strip()}
    if selected:
        report["http"] = run_http(dict(os.environ), bench_unit(), duration, concurrency, log,
                                  only=selected)
        _write(report, output, write)
        log("done")
        return
    log("timing receive_case")
    timings["receive_case"] = time_receive_case(now)
    log("timing the deadline sweep")
    sweep = time_sweep(now)
    timings["sweep_first_pass"], timings["sweep_idle_pass"] = (sweep["first_pass"],
                                                               sweep["idle_pass"])
    log(f"timing {DEADLINES:,} deadlines")
    timings["deadlines_100k"] = time_deadlines(now)
    unit_id = bench_unit()
    log("timing the queue and inbox queries")
    queries, report["explain"] = time_queries(unit_id, now)
    timings.update(queries)
    for key, plan in report["explain"].items():
        log(f"EXPLAIN {key}: {' → '.join(plan['nodes'])} "
            f"({plan['execution_ms']:.2f} ms)")
    log("timing the monthly and yearly reports (statistics, PDF, workbook)")
    timings.update(time_reports(now))
    report["http"] = run_http(dict(os.environ), unit_id, duration, concurrency, log)
    _write(report, output, write)
    log("done")


def _write(report: dict[str, Any], output: str | None, write: Callable[[str], None]) -> None:
    text = json.dumps(report, indent=2, ensure_ascii=False, default=str)
    if output:
        Path(output).write_text(text + "\n", encoding="utf-8")
    write(text)
