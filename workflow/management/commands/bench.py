"""`manage.py bench`: seed a large data set into its own database, time the hot paths, and
serve the project with gunicorn to load its pages over HTTP.

    manage.py bench                       # 100,000 cases, 10 s per HTTP scenario
    manage.py bench --cases 1000000 --output var/bench.json

The command never touches the configured database. It creates (or reuses) a separate one,
`--database-name`, on the same PostgreSQL server, then runs itself again in a child process
whose DATABASE_URL points there; that child migrates, seeds, measures, and hands the same
DATABASE_URL to gunicorn. Everything it reports is JSON on stdout (and in `--output`);
progress goes to stderr.

Every page is reported as a ratio to a ceiling measured in the same run: the least any
Django page of this project can do on this machine (config/bench_views.py).
"""

from __future__ import annotations

import http.client
import json
import math
import multiprocessing
import os
import platform
import random
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import django
import psycopg
from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
)
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connection, connections, models, transaction
from django.db.models import Count
from psycopg.types.json import Jsonb

from config.bench_views import CEILING_TABLE
from routing.models import Area, Category, Membership, ProvinceRole, Unit
from workflow import services
from workflow.models import Assignment, Case, CaseEvent, DeadlineAlert, Draft
from workflow.selectors import coordinator_queue, unit_inbox
from workflow.sweep import BATCH, due_rows, sweep_deadlines
from workflow.worktime import WorkingCalendar, get_calendar

# Set by the parent for the child only: the child refuses to run against any other database.
CHILD_ENV = "CONG1022_BENCH_DATABASE"
DB_NAME_RE = re.compile(r"[a-z_][a-z0-9_]{0,62}")
# Bump when the seeded data changes shape, so an old bench database is seeded again.
SEED_VERSION = "1"
META_TABLE = "bench_meta"
CEILING_ROWS = 1000

SPAN = timedelta(days=3 * 365)  # cases arrive over three years, ~90 a day at 100,000
CHUNK = 5000
DAY_MINUTES = 480  # 07:00–11:30 and 13:30–17:00
RECEIVE_CALLS = 200
SWEEP_REPEATS = 5
DEADLINE_REPEATS = 5
QUERY_REPEATS = 50
DEADLINES = 100_000

# Shares of intake by channel; a channel added later gets a small share rather than none.
CHANNEL_SHARES = {"web": 40, "app": 20, "facebook": 8, "zalo": 10, "email": 5, "dvc": 2,
                  "hotline": 15, "open311": 0}
CHANNELS = list(Case.Channel.values)
CHANNEL_WEIGHTS = [CHANNEL_SHARES.get(channel, 1) for channel in CHANNELS]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Trương", "Bùi", "Đặng"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Hữu", "Thanh", "Hoàng"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Hà", "Hùng", "Lan", "Long", "Mai", "Nam", "Phúc",
         "Tâm", "Thảo", "Tuấn", "Vy", "Khánh"]
PROBLEMS = ["Đèn đường không sáng", "Ổ gà lớn giữa đường", "Rác thải tồn đọng nhiều ngày",
            "Nước sinh hoạt bị đục", "Cây xanh nghiêng có nguy cơ ngã đổ",
            "Lấn chiếm vỉa hè để buôn bán", "Karaoke gây ồn sau 22 giờ", "Ngập nước sau mưa",
            "Mất điện kéo dài", "Hồ sơ cấp giấy phép xây dựng trễ hẹn",
            "Cống thoát nước bị tắc", "Xe tải chở quá tải làm hư đường"]
PLACES = ["đường 30/4", "đường Cách Mạng Tháng Tám", "đường Trưng Nữ Vương", "Quốc lộ 22B",
          "đường Bời Lời", "đường Nguyễn Chí Thanh", "hẻm 12 Trần Hưng Đạo",
          "đường Lạc Long Quân", "chợ Long Hoa", "khu phố 3"]
DISTRICTS = ["Thành phố Tây Ninh", "Thị xã Hòa Thành", "Thị xã Trảng Bàng", "Huyện Châu Thành",
             "Huyện Dương Minh Châu", "Huyện Tân Biên", "Huyện Tân Châu", "Huyện Gò Dầu",
             "Huyện Bến Cầu"]
DEPARTMENTS = ["Sở Giao thông vận tải", "Sở Tài nguyên và Môi trường", "Sở Xây dựng", "Sở Y tế",
               "Sở Giáo dục và Đào tạo", "Sở Công Thương", "Sở Nông nghiệp và Phát triển nông thôn",
               "Sở Lao động - Thương binh và Xã hội", "Sở Tài chính", "Sở Kế hoạch và Đầu tư",
               "Sở Tư pháp", "Sở Nội vụ", "Sở Văn hóa, Thể thao và Du lịch",
               "Sở Thông tin và Truyền thông", "Sở Khoa học và Công nghệ", "Công an tỉnh",
               "Ban Quản lý Khu kinh tế", "Thanh tra tỉnh", "Cục Thuế tỉnh", "Bảo hiểm xã hội tỉnh"]
ENTERPRISES = ["Công ty Điện lực Tây Ninh", "Công ty Cấp thoát nước Tây Ninh", "VNPT Tây Ninh",
               "Viettel Tây Ninh", "Công ty Công trình đô thị"]
COMMUNES = ["Phường 1", "Phường 2", "Phường 3", "Phường IV", "Phường Hiệp Ninh",
            "Xã Thạnh Tân", "Xã Tân Bình", "Xã Bình Minh", "Xã Ninh Sơn", "Xã Ninh Thạnh",
            "Phường Long Hoa", "Phường Hiệp Tân", "Xã Trường Hòa", "Xã Long Thành Bắc",
            "Phường An Tịnh", "Xã Phước Chỉ", "Xã Hảo Đước", "Xã Thái Bình", "Xã Thanh Điền",
            "Xã Truông Mít", "Xã Phước Ninh", "Xã Bàu Đồn", "Xã Thạnh Đức", "Xã Tân Hòa",
            "Xã Tân Lập", "Xã Thạnh Bắc", "Xã Tiên Thuận", "Xã Long Chữ", "Xã Lợi Thuận",
            "Xã An Thạnh"]
CATEGORIES = [("Giao thông", "Traffic"), ("Chiếu sáng công cộng", "Public lighting"),
              ("Môi trường", "Environment"), ("Cấp nước", "Water supply"),
              ("Điện", "Electricity"), ("Trật tự đô thị", "Urban order"),
              ("Xây dựng", "Construction"), ("Đất đai", "Land"), ("Y tế", "Health"),
              ("Giáo dục", "Education"), ("An ninh trật tự", "Public security"),
              ("Thủ tục hành chính", "Administrative procedures"), ("Viễn thông", "Telecoms"),
              ("Nông nghiệp", "Agriculture"), ("Khác", "Other")]


# --- Small helpers ---------------------------------------------------------------------------
def percentile(samples: list[float], fraction: float) -> float:
    """Nearest rank: a value that was really observed, never an interpolation."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def summarise(samples_ms: list[float]) -> dict[str, float | int]:
    return {
        "n": len(samples_ms),
        "median_ms": round(statistics.median(samples_ms), 3),
        "p95_ms": round(percentile(samples_ms, 0.95), 3),
        "min_ms": round(min(samples_ms), 3),
        "max_ms": round(max(samples_ms), 3),
    }


def timed(fn: Callable[[], Any], repeat: int, warmup: int = 0) -> list[float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


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


# --- Seeding ---------------------------------------------------------------------------------
def bench_now(calendar: WorkingCalendar, real_now: datetime) -> tuple[datetime, datetime]:
    """The seed's "now" and when the sweep last ran before it.

    "Now" is 10:00 on the latest working day, so working-time deadlines fall around it. The
    sweep is taken to have been down since 16:30 the working day before: its first pass then
    catches up a real backlog (that day's close-of-business deadlines, this morning's).
    """
    local = real_now.astimezone(calendar.tz)
    day = local.date() - timedelta(days=0 if local.time() >= clock_time(10) else 1)
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    previous = day - timedelta(days=1)
    while not calendar.is_working_day(previous):
        previous -= timedelta(days=1)

    def at(d: date, hour: int, minute: int) -> datetime:
        return datetime(d.year, d.month, d.day, hour, minute, tzinfo=calendar.tz)

    return at(day, 10, 0), at(previous, 16, 30)


@dataclass
class Seeder:
    """Cases whose whole history is laid out in working time, then cut at `now`.

    Each case gets the times it would have been classified, dispatched, accepted, drafted,
    approved and published, from the deadlines of WORKFLOW.md and mostly-prompt durations
    with a late tail; its state is the last step before `now`, so recent cases are open,
    old ones closed, and a few stragglers stay open and overdue. Overdue marks and sent
    reminders are set as the sweep would have left them at `last_sweep`.
    """

    calendar: WorkingCalendar
    now: datetime
    last_sweep: datetime
    units: list[tuple[int, int]]  # (id, processing_days)
    unit_weights: list[float]
    category_ids: list[int]
    area_ids: list[int]
    rng: random.Random = field(default_factory=lambda: random.Random(1022))
    codes: set[str] = field(default_factory=set)
    next_assignment_id: int = 1

    def duration(self, limit_minutes: int) -> int:
        """Working minutes a step takes: mostly within its deadline, 15 % late, a few stuck."""
        draw = self.rng.random()
        if draw < 0.005:
            factor = self.rng.uniform(10, 40)
        elif draw < 0.15:
            factor = self.rng.uniform(1.0, 2.5)
        else:
            factor = self.rng.uniform(0.05, 0.95)
        return max(1, int(limit_minutes * factor))

    def later(self, start: datetime, minutes: int) -> datetime:
        return self.calendar.add_working_minutes(start, minutes)

    def code(self) -> str:
        while True:
            code = "".join(self.rng.choices("0123456789ABCDEFGHJKMNPQRSTVWXYZ", k=10))
            if code not in self.codes:
                self.codes.add(code)
                return code

    def stage(self, row: dict[str, Any], events: list[dict[str, Any]], seq: int,
              start: datetime, due: datetime | None) -> None:
        remind = None
        if due is not None and due > start:
            remind = self.calendar.reminder_at(start, due)
        overdue = None
        if due is not None and due <= self.last_sweep:
            overdue, remind = due + timedelta(minutes=1), None
            assignment = row if "case_id" in row else None
            events.append(self.event(row["case_id"] if assignment else row["id"], overdue,
                                     "overdue", row["state"], row["state"], assignment,
                                     label="system"))
        elif remind is not None and remind <= self.last_sweep:
            remind = None  # the reminder went out already
        row.update(stage_seq=seq, stage_started_at=start, due_at=due, remind_at=remind,
                   overdue_at=overdue)

    def event(self, case_id: int, at: datetime, kind: str, from_state: str, to_state: str,
              assignment: dict[str, Any] | None = None, label: str = "") -> dict[str, Any]:
        return {"case_id": case_id, "at": at, "kind": kind, "from_state": from_state,
                "to_state": to_state, "actor_label": label,
                "assignment_id": assignment["id"] if assignment else None,
                "unit_id": assignment["unit_id"] if assignment else None}

    def case(self, case_id: int, received: datetime) -> tuple[dict, list[dict], list[dict],
                                                              list[dict]]:
        rng, now, S = self.rng, self.now, Case.State
        problem, place = rng.choice(PROBLEMS), rng.choice(PLACES)
        district = rng.randrange(len(self.area_ids))
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        row: dict[str, Any] = {
            "id": case_id, "tracking_code": self.code(), "state": S.RECEIVED,
            "channel": rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0], "received_at": received,
            "reporter_name": name, "reporter_phone": f"09{rng.randrange(10**8):08d}",
            "reporter_email": f"dan{case_id}@example.vn" if rng.random() < 0.3 else "",
            "reporter_address": f"{rng.randint(1, 300)} {place}, {DISTRICTS[district]}",
            "is_confidential": rng.random() < 0.05,
            "title": f"{problem} tại {place}",
            "content": " ".join([f"{problem} tại {place}, {DISTRICTS[district]}."] + [
                "Người dân phản ánh tình trạng này đã kéo dài nhiều ngày, ảnh hưởng đến sinh "
                "hoạt và đi lại, đề nghị cơ quan chức năng kiểm tra, xử lý dứt điểm."
            ] * rng.randint(1, 4)),
            "location_text": place, "area_id": self.area_ids[district],
            "category_id": rng.choice(self.category_ids) if rng.random() < 0.5 else None,
        }
        events = [self.event(case_id, received, "received", "", S.RECEIVED)]
        assignments: list[dict] = []
        drafts: list[dict] = []
        intake_due = self.calendar.add_working_hours(received, services.INTAKE_HOURS)
        classified = self.later(received, self.duration(180))

        def finish() -> tuple[dict, list[dict], list[dict], list[dict]]:
            row["updated_at"] = max(e["at"] for e in events)
            return row, assignments, events, drafts

        if classified > now:
            self.stage(row, events, 1, received, intake_due)
            return finish()
        row["category_id"] = row["category_id"] or rng.choice(self.category_ids)
        events.append(self.event(case_id, classified, "classified", S.RECEIVED, S.CLASSIFIED))
        if rng.random() < 0.08:
            row.update(state=S.REJECTED, rejection_reason=rng.choice(
                ["dispute", "advertising", "incomplete", "incomplete"]))
            events.append(self.event(case_id, classified, "rejected", S.CLASSIFIED, S.REJECTED))
            self.stage(row, events, 2, classified, None)
            return finish()
        dispatched = self.later(classified, rng.randint(5, 60))
        if dispatched > now:
            row["state"] = S.CLASSIFIED
            self.stage(row, events, 1, received, intake_due)
            return finish()
        events.append(self.event(case_id, dispatched, "dispatched", S.CLASSIFIED, S.ASSIGNED))
        count = rng.choices([1, 2, 3], [80, 15, 5])[0]
        chosen: dict[int, int] = {}
        while len(chosen) < count:
            unit_id, days = rng.choices(self.units, self.unit_weights)[0]
            chosen[unit_id] = days
        approvals = []
        for unit_id, days in chosen.items():
            approvals.append(self.assignment(row, unit_id, days, dispatched, events,
                                             assignments, drafts))
        states = {a["state"] for a in assignments}
        self.stage(row, events, 2, dispatched, None)
        all_approved = max(approvals)
        A = Assignment.State
        if all_approved > now:
            row["state"] = (S.PROCESSED if states <= {A.AWAITING_APPROVAL, A.APPROVED}
                            else S.ASSIGNED)
            return finish()
        events.append(self.event(case_id, all_approved, "mark_approved", S.ASSIGNED, S.APPROVED))
        published = self.later(all_approved, self.duration(240))
        if published > now:
            row["state"] = S.APPROVED
            self.stage(row, events, 3, all_approved, self.calendar.add_working_hours(
                all_approved, services.PUBLISH_HOURS))
            return finish()
        row.update(state=S.PUBLISHED, published_at=published,
                   is_state_secret=rng.random() < 0.01,
                   reply_text="Đơn vị đã kiểm tra và khắc phục xong; xin cảm ơn ý kiến của bạn.")
        events.append(self.event(case_id, published, "published", S.APPROVED, S.PUBLISHED))
        self.stage(row, events, 4, published, None)
        reopened = published + timedelta(days=rng.uniform(1, 10))
        if rng.random() < 0.03 and reopened <= now:
            row["reopen_count"] = 1
            events.append(self.event(case_id, reopened, "reopened", S.PUBLISHED, S.REOPENED))
            kept = self.later(reopened, self.duration(240))
            if kept > now:
                row["state"] = S.REOPENED
                self.stage(row, events, 5, reopened, self.calendar.add_working_hours(
                    reopened, services.INTAKE_HOURS))
            else:
                events.append(self.event(case_id, kept, "result_kept", S.REOPENED, S.PUBLISHED))
                self.stage(row, events, 6, kept, None)
        return finish()

    def assignment(self, case: dict, unit_id: int, days: int, dispatched: datetime,
                   events: list[dict], assignments: list[dict], drafts: list[dict]) -> datetime:
        """One unit's share; returns when its draft was approved (maybe after `now`)."""
        A, cal, now = Assignment.State, self.calendar, self.now
        row: dict[str, Any] = {"id": self.next_assignment_id, "case_id": case["id"],
                               "unit_id": unit_id, "state": A.PENDING, "assigned_at": dispatched}
        self.next_assignment_id += 1
        assignments.append(row)
        accepted = self.later(dispatched, self.duration(DAY_MINUTES))
        processing_due = cal.add_working_days(accepted, days)
        submitted = self.later(accepted, self.duration(days * DAY_MINUTES))
        approved = self.later(submitted, self.duration(DAY_MINUTES))
        if accepted > now:
            self.stage(row, events, 1, dispatched,
                       cal.add_working_days(dispatched, services.RETURN_WINDOW_DAYS))
            return approved
        row.update(state=A.PROCESSING, accepted_at=accepted, processing_due_at=processing_due)
        events.append(self.event(case["id"], accepted, "accepted", A.PENDING, A.PROCESSING, row))
        if submitted > now:
            self.stage(row, events, 2, accepted, processing_due)
            return approved
        row.update(state=A.AWAITING_APPROVAL, submitted_at=submitted)
        events.append(self.event(case["id"], submitted, "draft_submitted", A.PROCESSING,
                                 A.AWAITING_APPROVAL, row))
        drafts.append({"assignment_id": row["id"], "version": 1, "created_at": submitted,
                       "number": f"{row['id']}/BC", "date": submitted.date(),
                       "addressee": case["reporter_name"], "signer": "Trưởng phòng",
                       "body": f"Về phản ánh “{case['title']}”, đơn vị đã cử cán bộ kiểm tra "
                               "hiện trường và khắc phục trong ngày."})
        if approved > now:
            self.stage(row, events, 3, submitted,
                       cal.add_working_days(submitted, services.APPROVAL_DAYS))
            return approved
        row.update(state=A.APPROVED, approved_at=approved)
        events.append(self.event(case["id"], approved, "approved", A.AWAITING_APPROVAL,
                                 A.APPROVED, row))
        self.stage(row, events, 4, approved, None)
        return approved


def copy_rows(model: type[models.Model], rows: list[dict[str, Any]], with_id: bool) -> None:
    """COPY rows into the model's table; columns a row omits take the field's default."""
    fields = [f for f in model._meta.concrete_fields if with_id or not f.primary_key]
    columns = [f.column for f in fields]
    defaults = {}
    for f in fields:
        value = None if f.primary_key else f.get_default()
        defaults[f.column] = Jsonb(value) if isinstance(value, dict | list) else value
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({quoted}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row([row.get(c, defaults[c]) for c in columns])


SEEDED_TABLES = [Case, Assignment, CaseEvent, Draft]


def secondary_indexes() -> list[tuple[str, str]]:
    """Indexes of the seeded tables that no constraint owns: safe to drop and rebuild."""
    tables = [m._meta.db_table for m in SEEDED_TABLES]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.relname, pg_get_indexdef(i.oid)
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class t ON t.oid = x.indrelid
            WHERE t.relname = ANY(%s)
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
            """,
            [tables],
        )
        return list(cursor.fetchall())


def seed_people() -> None:
    """A coordinator, a supervisor, and a staff member and a leader in every unit."""
    users = get_user_model()
    unusable = make_password(None)  # nobody logs in with a password: sessions are made
    people = [users(username="bench-coordinator", email="coordinator@bench.invalid",
                    password=unusable),
              users(username="bench-supervisor", email="supervisor@bench.invalid",
                    password=unusable)]
    units = list(Unit.objects.order_by("pk"))
    for unit in units:
        for role in Membership.Role.values:
            people.append(users(username=f"bench-{unit.code}-{role}",
                                email=f"{unit.code}-{role}@bench.invalid", password=unusable))
    users.objects.bulk_create(people)
    by_name = {u.username: u for u in users.objects.filter(username__startswith="bench-")}
    ProvinceRole.objects.bulk_create([
        ProvinceRole(user=by_name["bench-coordinator"], role=ProvinceRole.Role.COORDINATOR),
        ProvinceRole(user=by_name["bench-supervisor"], role=ProvinceRole.Role.SUPERVISOR),
    ])
    Membership.objects.bulk_create([
        Membership(user=by_name[f"bench-{unit.code}-{role}"], unit=unit, role=role)
        for unit in units for role in Membership.Role.values
    ])


def seed_routing() -> None:
    province = Area.objects.create(code="tay-ninh", name="Tỉnh Tây Ninh",
                                   level=Area.Level.PROVINCE)
    areas = Area.objects.bulk_create([
        Area(code=f"district-{i}", name=name, level=Area.Level.DISTRICT, parent=province)
        for i, name in enumerate(DISTRICTS)
    ])
    rng = random.Random(22)
    units = [Unit(code=f"dept-{i}", name=n, kind=Unit.Kind.DEPARTMENT,
                  processing_days=rng.choice([3, 5, 6, 6])) for i, n in enumerate(DEPARTMENTS)]
    units += [Unit(code=f"district-{i}", name=f"UBND {n}", kind=Unit.Kind.LOCAL, area=areas[i],
                   processing_days=6) for i, n in enumerate(DISTRICTS)]
    units += [Unit(code=f"enterprise-{i}", name=n, kind=Unit.Kind.ENTERPRISE, processing_days=3)
              for i, n in enumerate(ENTERPRISES)]
    units += [Unit(code=f"commune-{i}", name=f"UBND {n}", kind=Unit.Kind.LOCAL,
                   area=areas[i % len(areas)], processing_days=rng.choice([4, 5, 6]))
              for i, n in enumerate(COMMUNES)]
    Unit.objects.bulk_create(units)
    Category.objects.bulk_create([
        Category(code=f"category-{i}", name=name, name_en=name_en, position=i,
                 needs_photos=i in (1, 2))
        for i, (name, name_en) in enumerate(CATEGORIES)
    ])
    seed_people()


def seed(cases: int, log: Callable[[str], None]) -> dict[str, Any]:
    """Replace the bench database's data with `cases` cases; see Seeder."""
    calendar = get_calendar()
    now, last_sweep = bench_now(calendar, datetime.now(tz=calendar.tz))
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE workflow_case, routing_unit, routing_category, routing_area, auth_user, "
            "django_session RESTART IDENTITY CASCADE"
        )
        seed_routing()
        units = list(Unit.objects.order_by("pk").values_list("pk", "processing_days"))
        seeder = Seeder(
            calendar=calendar, now=now, last_sweep=last_sweep, units=units,
            # A few units get most of the work, as the big departments and the city do.
            unit_weights=[1 / (rank + 1) ** 0.8 for rank in range(len(units))],
            category_ids=list(Category.objects.values_list("pk", flat=True)),
            area_ids=list(Area.objects.filter(level=Area.Level.DISTRICT)
                          .order_by("pk").values_list("pk", flat=True)),
        )
        # Indexes are built once at the end instead of row by row, and the seeded rows are
        # consistent by construction, so the per-row FK triggers are skipped (superuser only).
        indexes = secondary_indexes()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        try:
            with transaction.atomic():
                cursor.execute("SET LOCAL session_replication_role = replica")
        except DatabaseError:
            log("not a superuser: foreign keys are checked row by row (slower seed)")
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        rng = seeder.rng
        span = SPAN.total_seconds()
        instants = sorted(rng.random() * span for _ in range(cases))
        for first in range(0, cases, CHUNK):
            batch: tuple[list[dict], ...] = ([], [], [], [])
            for i in range(first, min(first + CHUNK, cases)):
                received = now - timedelta(seconds=span - instants[i])
                # Six reports in ten come in office hours (hotline, desk); the rest at any hour.
                if rng.random() < 0.6:
                    snapped = calendar.add_working_minutes(received, 0)
                    received = snapped if snapped <= now else received
                case, assignments, events, drafts = seeder.case(i + 1, received)
                batch[0].append(case)
                batch[1].extend(assignments)
                batch[2].extend(events)
                batch[3].extend(drafts)
            for model, rows, with_id in zip(SEEDED_TABLES, batch, (True, True, False, False),
                                            strict=True):
                copy_rows(model, rows, with_id)
            log(f"seeded {min(first + CHUNK, cases):,} / {cases:,} cases")
        for _name, definition in indexes:
            cursor.execute(definition)
        for model in SEEDED_TABLES:
            table = model._meta.db_table
            cursor.execute(f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "  # noqa: S608
                           f"COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)", [table])
        meta = {"version": SEED_VERSION, "cases": str(cases), "now": now.isoformat(),
                "last_sweep": last_sweep.isoformat()}
        cursor.execute(f"DELETE FROM {META_TABLE}")  # noqa: S608 — constant table name
        for key, value in meta.items():
            cursor.execute(f"INSERT INTO {META_TABLE} (key, value) VALUES (%s, %s)",  # noqa: S608
                           [key, value])
    seconds = time.perf_counter() - started
    log(f"seeded in {seconds:.1f} s; VACUUM ANALYZE")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {"seed_seconds": round(seconds, 1), "vacuum_analyze_seconds":
            round(time.perf_counter() - started - seconds, 1)}


def prepare_database(cases: int, log: Callable[[str], None]) -> dict[str, Any]:
    """Migrate, create the benchmark's own tables, and seed unless ≥ `cases` are there."""
    call_command("migrate", interactive=False, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {META_TABLE} (key text PRIMARY KEY, "
                       "value text NOT NULL)")
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {CEILING_TABLE} (id bigserial PRIMARY KEY, "
                       "note text NOT NULL DEFAULT '', created_at timestamptz DEFAULT now())")
        cursor.execute(f"SELECT count(*) FROM {CEILING_TABLE}")  # noqa: S608
        if cursor.fetchone()[0] < CEILING_ROWS:
            cursor.execute(f"INSERT INTO {CEILING_TABLE} (note) SELECT 'row ' || g "  # noqa: S608
                           "FROM generate_series(1, %s) g", [CEILING_ROWS])
        cursor.execute(f"SELECT key, value FROM {META_TABLE}")  # noqa: S608
        meta = dict(cursor.fetchall())
    seeded = {"reused": True}
    if meta.get("version") != SEED_VERSION or Case.objects.count() < cases:
        log(f"seeding {cases:,} cases")
        seeded = {"reused": False, **seed(cases, log)}
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT key, value FROM {META_TABLE}")  # noqa: S608
            meta = dict(cursor.fetchall())
    else:
        log(f"reusing the seeded database ({meta['cases']} cases)")
    cases_by_state = dict(Case.objects.values_list("state").annotate(n=Count("pk")))
    assignments_by_state = dict(Assignment.objects.values_list("state").annotate(n=Count("pk")))
    return {
        **seeded,
        "cases": sum(cases_by_state.values()),
        "assignments": sum(assignments_by_state.values()),
        "events": CaseEvent.objects.count(),
        "units": Unit.objects.count(),
        "categories": Category.objects.count(),
        "cases_by_state": cases_by_state,
        "assignments_by_state": assignments_by_state,
        "now": meta["now"],
        "last_sweep": meta["last_sweep"],
    }


# --- Timings in-process ----------------------------------------------------------------------
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
    return summarise(samples)


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
    timings = {
        "coordinator_queue": summarise(timed(lambda: list(queue.all()[:50]), QUERY_REPEATS, 3)),
        "coordinator_queue_count": summarise(timed(lambda: queue.all().count(), QUERY_REPEATS,
                                                   3)),
        "unit_inbox": summarise(timed(lambda: list(inbox.all()[:50]), QUERY_REPEATS, 3)),
        "unit_inbox_count": summarise(timed(lambda: inbox.all().count(), QUERY_REPEATS, 3)),
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
    }
    return timings, plans


# --- HTTP --------------------------------------------------------------------------------------
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


# --- The command -------------------------------------------------------------------------------
class Command(BaseCommand):
    # A developer's tool whose output is JSON for the README: its help stays in English.
    help = ("Seed a separate PostgreSQL database and print JSON timings of intake, the "
            "deadline sweep, deadlines, the staff queries and the pages over HTTP.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, default=100_000,
                            help="Cases to seed (default 100000).")
        parser.add_argument("--database-name", default="cong1022_bench",
                            help="The benchmark's own database (default cong1022_bench).")
        parser.add_argument("--reseed", action="store_true",
                            help="Drop and recreate the benchmark's database first.")
        parser.add_argument("--duration", type=float, default=10.0,
                            help="Seconds per HTTP scenario (default 10).")
        parser.add_argument("--concurrency", type=int, default=8,
                            help="Concurrent HTTP clients (default 8).")
        parser.add_argument("--output", help="Also write the JSON to this file.")

    def log(self, message: str) -> None:
        self.stderr.write(f"[bench {time.monotonic() - self.started:7.1f} s] {message}")

    def handle(self, *args: Any, **options: Any) -> None:
        self.started = time.monotonic()
        name = options["database_name"]
        if not DB_NAME_RE.fullmatch(name):
            raise CommandError("--database-name: lower-case letters, digits and _ only")
        if options["cases"] < 1 or options["concurrency"] < 1 or options["duration"] <= 0:
            raise CommandError("--cases, --concurrency and --duration must be positive")
        if os.environ.get(CHILD_ENV) == name:
            self.measure(options)
        else:
            self.launch(options)

    # --- Parent: make the database, run the child against it --------------------------------
    def launch(self, options: dict[str, Any]) -> None:
        db = settings.DATABASES["default"]
        name = options["database_name"]
        if db["ENGINE"] != "django.db.backends.postgresql" or "DATABASE_URL" not in os.environ:
            raise CommandError("The benchmark needs DATABASE_URL=postgres://…")
        if name == db["NAME"]:
            raise CommandError("--database-name must not be the project's own database")
        # Only the maintenance database is touched here; never the configured one.
        with psycopg.connect(dbname="postgres", host=db["HOST"] or None,
                             port=db["PORT"] or None, user=db["USER"] or None,
                             password=db["PASSWORD"] or None, autocommit=True) as admin:
            if options["reseed"]:
                self.log(f"dropping database {name}")
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                 [name]).fetchone():
                self.log(f"creating database {name}")
                admin.execute(f'CREATE DATABASE "{name}"')
        url = urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}").geturl()
        # DEBUG off in the child too: collectstatic must write the manifest gunicorn reads,
        # and a DEBUG connection would keep every seeded query in memory.
        env = {**os.environ, "DATABASE_URL": url, CHILD_ENV: name, "DEBUG": "false",
               "SECURE_SSL_REDIRECT": "false"}
        argv = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "bench",
                "--cases", str(options["cases"]), "--database-name", name,
                "--duration", str(options["duration"]),
                "--concurrency", str(options["concurrency"])]
        if options["output"]:
            argv += ["--output", str(Path(options["output"]).resolve())]
        child = subprocess.run(argv, env=env, check=False)  # noqa: S603 — our own interpreter
        if child.returncode:
            raise CommandError(f"the benchmark failed (exit status {child.returncode})")

    # --- Child: everything against the bench database ------------------------------------------
    def measure(self, options: dict[str, Any]) -> None:
        if settings.DATABASES["default"]["NAME"] != options["database_name"]:
            raise CommandError("refusing to run against a database other than the bench's")
        data = prepare_database(options["cases"], self.log)
        call_command("collectstatic", interactive=False, verbosity=0)
        now = datetime.fromisoformat(data["now"])
        report: dict[str, Any] = {"machine": machine(), "data": data, "timings": {}}
        timings = report["timings"]
        self.log("timing receive_case")
        timings["receive_case"] = time_receive_case(now)
        self.log("timing the deadline sweep")
        sweep = time_sweep(now)
        timings["sweep_first_pass"], timings["sweep_idle_pass"] = (sweep["first_pass"],
                                                                   sweep["idle_pass"])
        self.log(f"timing {DEADLINES:,} deadlines")
        timings["deadlines_100k"] = time_deadlines(now)
        unit_id = bench_unit()
        self.log("timing the queue and inbox queries")
        queries, report["explain"] = time_queries(unit_id, now)
        timings.update(queries)
        for key, plan in report["explain"].items():
            self.log(f"EXPLAIN {key}: {' → '.join(plan['nodes'])} "
                     f"({plan['execution_ms']:.2f} ms)")
        report["http"] = run_http(dict(os.environ), unit_id, options["duration"],
                                  options["concurrency"], self.log)
        text = json.dumps(report, indent=2, ensure_ascii=False, default=str)
        if options["output"]:
            Path(options["output"]).write_text(text + "\n", encoding="utf-8")
        self.stdout.write(text)
        self.log("done")

