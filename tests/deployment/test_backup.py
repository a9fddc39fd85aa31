"""deploy/backup.sh, the backup service's script, against the local PostgreSQL.

The drill of the README in small: a row committed in the test database survives a dump and
a restore into a scratch database; old dumps go, recent ones stay, and a failed dump
neither passes for a backup nor removes any.
"""

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from psycopg import sql

from routing.models import Unit
from tests.factories import UnitFactory

from .settings_read import BASE_DIR

SCRIPT = BASE_DIR / "deploy" / "backup.sh"
DAY = 24 * 3600


def libpq_env(database: str, backup_dir: Path, **extra: str) -> dict[str, str]:
    settings = connection.settings_dict
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PGHOST": settings["HOST"] or "127.0.0.1", "PGPORT": str(settings["PORT"] or 5432),
        "PGUSER": settings["USER"] or "postgres", "PGPASSWORD": settings["PASSWORD"] or "",
        "PGDATABASE": database, "BACKUP_DIR": str(backup_dir), "BACKUP_KEEP_DAYS": "14",
        **extra,
    }


def backup(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 — our own script, fixed arguments
        ["sh", str(SCRIPT), *args],  # noqa: S607
        env=env, capture_output=True, text=True, timeout=120,
    )


def admin_connection() -> psycopg.Connection:
    settings = connection.settings_dict
    return psycopg.connect(host=settings["HOST"] or "127.0.0.1", port=settings["PORT"] or 5432,
                           user=settings["USER"] or "postgres", password=settings["PASSWORD"],
                           dbname="postgres", autocommit=True)


@pytest.fixture
def scratch_database() -> Iterator[str]:
    """A database name for the restore, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restore_drill"[:63]
    with admin_connection() as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
    yield name
    with admin_connection() as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))


def aged(path: Path, days: float) -> Path:
    path.write_bytes(b"an older dump")
    then = time.time() - days * DAY
    os.utime(path, (then, then))
    return path


@pytest.mark.django_db(transaction=True)
def test_a_row_survives_a_dump_and_a_restore_into_a_scratch_database(
    tmp_path: Path, scratch_database: str
) -> None:
    unit = UnitFactory(name="Sở Giao thông Vận tải")
    database = connection.settings_dict["NAME"]

    dumped = backup("dump", env=libpq_env(database, tmp_path))
    assert dumped.returncode == 0, dumped.stderr
    (dump_file,) = tmp_path.glob(f"{database}-*.dump")
    restored = backup("restore", str(dump_file), scratch_database,
                      env=libpq_env(database, tmp_path))

    assert restored.returncode == 0, restored.stderr
    settings = connection.settings_dict
    with psycopg.connect(host=settings["HOST"] or "127.0.0.1", port=settings["PORT"] or 5432,
                         user=settings["USER"] or "postgres", password=settings["PASSWORD"],
                         dbname=scratch_database) as copy:
        query = sql.SQL("SELECT name FROM {} WHERE id = %s").format(
            sql.Identifier(Unit._meta.db_table))
        row = copy.execute(query, [unit.pk]).fetchone()
    assert row == ("Sở Giao thông Vận tải",)


@pytest.mark.django_db(transaction=True)
def test_a_restore_never_writes_over_an_existing_database(tmp_path: Path) -> None:
    UnitFactory()
    database = connection.settings_dict["NAME"]
    backup("dump", env=libpq_env(database, tmp_path))
    (dump_file,) = tmp_path.glob(f"{database}-*.dump")

    result = backup("restore", str(dump_file), database, env=libpq_env(database, tmp_path))

    assert result.returncode != 0
    assert Unit.objects.count() == 1


@pytest.mark.django_db
def test_dumps_older_than_the_retention_are_removed_and_recent_ones_kept(tmp_path: Path) -> None:
    database = connection.settings_dict["NAME"]
    old = aged(tmp_path / f"{database}-20260101T000000Z.dump", days=20)
    recent = aged(tmp_path / f"{database}-20261201T000000Z.dump", days=3)
    stale_partial = aged(tmp_path / f"{database}-20261120T000000Z.dump.partial", days=2)
    unrelated = aged(tmp_path / "notes.txt", days=100)

    result = backup("dump", env=libpq_env(database, tmp_path))

    assert result.returncode == 0, result.stderr
    assert not old.exists()
    assert not stale_partial.exists()
    assert recent.exists()
    assert unrelated.exists()
    assert len(list(tmp_path.glob(f"{database}-*.dump"))) == 2


def test_a_failed_dump_leaves_no_backup_and_removes_none(tmp_path: Path) -> None:
    old = aged(tmp_path / "no_such_database-20260101T000000Z.dump", days=20)

    result = backup("dump", env=libpq_env("no_such_database", tmp_path))

    assert result.returncode != 0
    assert old.exists()
    assert sorted(path.name for path in tmp_path.iterdir()) == [old.name]
