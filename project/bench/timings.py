"""Services and queries timed in-process, and the plans PostgreSQL chooses for them."""

from __future__ import annotations

import json
import logging
import random
import statistics
import time
from datetime import datetime, timedelta
from typing import Any

from django.core.management.base import CommandError
from django.db import connection, models, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from project.bench.stats import summarise, timed
from publishing.selectors import (
    PAGE_SIZE,
    SEARCH_COUNT_LIMIT,
    AnswerFilters,
    answer_page,
    filter_public_cases,
    matching_documents,
)
from reports.pdf import periodic_pdf
from reports.statistics import Period, Scope, build_report
from reports.xlsx import periodic_workbook
from routing.models import Unit
from workflow import services
from workflow.models import Assignment, Case, DeadlineAlert
from workflow.selectors import coordinator_queue, unit_inbox
from workflow.sweep import BATCH, due_rows, sweep_deadlines
from workflow.worktime import get_calendar

RECEIVE_CALLS = 200
SWEEP_REPEATS = 5
DEADLINE_REPEATS = 5
QUERY_REPEATS = 50
DEADLINES = 100_000
REPORT_REPEATS = 3
SEARCH = "duong ngap"  # "đường ngập" typed without its marks
PDF_REPEATS = 2  # a PDF takes seconds: fewer of them


def explain(queryset: models.QuerySet) -> dict[str, Any]:
    """EXPLAIN (ANALYZE, BUFFERS): the plan's node types, the indexes it uses, its time."""
    raw = queryset.explain(format="json", analyze=True, buffers=True)
    plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]
    nodes: list[str] = []
    indexes: set[str] = set()

    def walk(node: dict[str, Any]) -> None:
        name = node["Node Type"]
        if "Index Name" in node:
            indexes.add(node["Index Name"])
            name = f"{name} using {node['Index Name']}"
        nodes.append(name)
        for child in node.get("Plans", []):
            walk(child)

    walk(plan["Plan"])
    return {
        "nodes": nodes,
        "indexes": sorted(indexes),
        "execution_ms": plan["Execution Time"],
        "planning_ms": plan["Planning Time"],
        "shared_hit_blocks": plan["Plan"].get("Shared Hit Blocks", 0),
        "shared_read_blocks": plan["Plan"].get("Shared Read Blocks", 0),
        "plan": queryset.explain(analyze=True, buffers=True).splitlines(),
    }


def time_receive_case(now: datetime) -> dict[str, Any]:
    """RECEIVE_CALLS cases through the intake service, each its own committed transaction;
    removed afterwards so runs on a reused database stay comparable."""
    ids: list[int] = []
    samples = []
    for i in range(RECEIVE_CALLS):
        started = time.perf_counter()
        case = services.receive_case(
            channel=Case.Channel.WEB, title="Đèn đường hỏng trên đường 30/4",
            content="Ba bóng đèn đường trước số 12 không sáng từ tuần trước.",
            reporter_name="Nguyễn Văn An", reporter_phone="0912345678",
            reporter_email="an@example.vn", now=now + timedelta(seconds=i),
        )
        samples.append((time.perf_counter() - started) * 1000)
        ids.append(case.pk)
    delete_cases(ids)
    return summarise(samples)


def delete_cases(ids: list[int]) -> None:
    """Remove cases a measurement added, with every row that refers to them, so runs on a
    reused database stay comparable."""
    if not ids:
        return
    with transaction.atomic(), connection.cursor() as cursor:
        # The event log refuses deletes unless a purge says so (workflow migration 0002).
        cursor.execute("SET LOCAL cong1022.allow_purge = 'on'")
        cursor.execute(
            """
            SELECT c.conrelid::regclass::text, a.attname
            FROM pg_constraint c
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
            WHERE c.contype = 'f' AND c.confrelid = %s::regclass
            """,
            [Case._meta.db_table],
        )
        # Django's foreign keys are deferred, so the order of these deletes does not matter.
        for table, column in cursor.fetchall():
            cursor.execute(f"DELETE FROM {table} WHERE {column} = ANY(%s)", [ids])  # noqa: S608
        cursor.execute("DELETE FROM workflow_case WHERE id = ANY(%s)", [ids])


def time_sweep(now: datetime) -> dict[str, Any]:
    """A catching-up first pass and an idle second pass, each repeat rolled back so every
    repeat (and every later run) sweeps the same backlog."""
    first, idle = [], []
    result: dict[str, int] = {}
    for _ in range(SWEEP_REPEATS):
        with transaction.atomic():
            started = time.perf_counter()
            result = sweep_deadlines(now=now).as_dict()
            first.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            again = sweep_deadlines(now=now).as_dict()
            idle.append((time.perf_counter() - started) * 1000)
            if any(again.values()):
                raise CommandError(f"the second sweep pass was not idle: {again}")
            transaction.set_rollback(True)
    return {"first_pass": {**summarise(first), **result}, "idle_pass": summarise(idle)}


def time_deadlines(now: datetime) -> dict[str, Any]:
    calendar = get_calendar()
    rng = random.Random(7)
    starts = [now - timedelta(minutes=rng.randrange(365 * 24 * 60)) for _ in range(DEADLINES)]
    days = [rng.randint(1, 6) for _ in range(DEADLINES)]
    half = DEADLINES // 2

    def compute() -> None:
        for start, n in zip(starts[:half], days[:half], strict=True):
            calendar.add_working_days(start, n)
        for start in starts[half:]:
            calendar.add_working_hours(start, services.INTAKE_HOURS)

    samples = timed(compute, DEADLINE_REPEATS, warmup=1)
    return {**summarise(samples), "deadlines": DEADLINES,
            "per_deadline_us": round(statistics.median(samples) * 1000 / DEADLINES, 3)}


def bench_unit() -> int:
    """The unit with the most open work: the inbox that matters."""
    busiest = (Assignment.objects.filter(state__in=Assignment.UNIT_WORK_STATES)
               .values("unit_id").annotate(n=Count("pk")).order_by("-n", "unit_id").first())
    return busiest["unit_id"] if busiest else Unit.objects.order_by("pk").values_list(
        "pk", flat=True)[0]


def time_queries(unit_id: int, now: datetime) -> tuple[dict[str, Any], dict[str, Any]]:
    queue = coordinator_queue()
    inbox = unit_inbox({unit_id})
    search = matching_documents(AnswerFilters(q=SEARCH))  # what the search page reads
    timings = {
        "coordinator_queue": summarise(timed(lambda: list(queue.all()[:50]), QUERY_REPEATS, 3)),
        "coordinator_queue_count": summarise(timed(lambda: queue.all().count(), QUERY_REPEATS,
                                                   3)),
        "unit_inbox": summarise(timed(lambda: list(inbox.all()[:50]), QUERY_REPEATS, 3)),
        "unit_inbox_count": summarise(timed(lambda: inbox.all().count(), QUERY_REPEATS, 3)),
        # The whole selection of a search's first page: bounded count, page, units.
        "public_search": summarise(timed(lambda: answer_page(AnswerFilters(q=SEARCH), 1, "vi"),
                                         QUERY_REPEATS, 3)),
        "public_search_count": summarise(timed(
            lambda: search.order_by()[:SEARCH_COUNT_LIMIT + 1].count(), QUERY_REPEATS, 3)),
    }
    plans = {
        "sweep_assignment_overdue": explain(
            due_rows(Assignment, DeadlineAlert.Kind.OVERDUE, now)[:BATCH]),
        "sweep_assignment_reminder": explain(
            due_rows(Assignment, DeadlineAlert.Kind.REMINDER, now)[:BATCH]),
        "sweep_case_overdue": explain(due_rows(Case, DeadlineAlert.Kind.OVERDUE, now)[:BATCH]),
        "sweep_case_reminder": explain(due_rows(Case, DeadlineAlert.Kind.REMINDER, now)[:BATCH]),
        "coordinator_queue": explain(queue.all()[:50]),
        "unit_inbox": explain(inbox.all()[:50]),
        "public_list": explain(filter_public_cases(AnswerFilters())[:PAGE_SIZE]),
        "public_search": explain(search[:PAGE_SIZE]),
        "public_search_count": explain(search.order_by()[:SEARCH_COUNT_LIMIT + 1]),
    }
    return timings, plans


def report_periods(now: datetime) -> dict[str, Period]:
    """The last whole month and the last whole year before `now`: the seeded cases span the
    three years up to it, so both are full."""
    last_month = now.date().replace(day=1) - timedelta(days=1)
    return {"monthly": Period.month(last_month.year, last_month.month),
            "yearly": Period.year(now.year - 1)}


def time_report(period: Period, now: datetime, *, first: bool = False) -> dict[str, Any]:
    """The periodic report as `manage.py report` makes it: its statistics (aggregate SQL,
    with the number of queries they take), then the PDF and the workbook from them."""
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        report = build_report(period, Scope(), now)
    statistics_ms = [(time.perf_counter() - started) * 1000]
    statistics_ms += timed(lambda: build_report(period, Scope(), now), REPORT_REPEATS - 1)
    if first:  # the first PDF of a process loads WeasyPrint and its fonts
        periodic_pdf(report)
    pdf: list[bytes] = []
    pdf_ms = timed(lambda: pdf.append(periodic_pdf(report)), PDF_REPEATS)
    xlsx: list[bytes] = []
    xlsx_ms = timed(lambda: xlsx.append(periodic_workbook(report)), REPORT_REPEATS, warmup=1)
    return {
        "period": period.code,
        "received": report.summary.received,
        "statistics": {**summarise(statistics_ms), "queries": len(queries)},
        "pdf": {**summarise(pdf_ms), "bytes": len(pdf[-1])},
        "xlsx": {**summarise(xlsx_ms), "bytes": len(xlsx[-1])},
    }


def time_reports(now: datetime) -> dict[str, Any]:
    # WeasyPrint logs every layout step at INFO; its warnings still show.
    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.WARNING)
    return {f"report_{kind}": time_report(period, now, first=n == 0)
            for n, (kind, period) in enumerate(report_periods(now).items())}
