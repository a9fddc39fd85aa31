"""The benchmark's data set: routing, people and cases COPY-loaded into its own database."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import DatabaseError, connection, models, transaction
from django.db.models import Count
from psycopg.types.json import Jsonb

from project.bench.history import DISTRICTS, Seeder, bench_now
from project.bench.views import CEILING_TABLE
from routing.audit import permit_emptying_logs
from routing.models import Area, Category, Membership, ProvinceRole, Unit
from workflow.models import Assignment, Case, CaseEvent, Draft
from workflow.worktime import get_calendar

# Bump when the seeded data changes shape, so an old bench database is seeded again.
SEED_VERSION = "1"
META_TABLE = "bench_meta"
CEILING_ROWS = 1000

SPAN = timedelta(days=3 * 365)  # cases arrive over three years, ~90 a day at 100,000
CHUNK = 5000

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
        # The cascade reaches the append-only logs, which refuse TRUNCATE unless told.
        permit_emptying_logs(connection)
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
        log(f"reusing the seeded database ({meta['cases']} cases); VACUUM")
        # What earlier runs wrote and removed (the submissions, the cases they made, the
        # outbox) stays behind as dead rows until autovacuum comes by, and the next run's
        # worker reads through them: each run on a reused database would be slower than the
        # one before. The visibility map makes this a second's work.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM")
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
