"""The benchmark's own database, and the child process that runs the benchmark against it.

The configured database is never touched: the parent creates (or reuses) a separate one on
the same PostgreSQL server, then runs `manage.py bench` again in a child process whose
DATABASE_URL points there.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
from django.conf import settings
from django.core.management.base import CommandError

# Set by the parent for the child only: the child refuses to run against any other database.
CHILD_ENV = "CONG1022_BENCH_DATABASE"
DB_NAME_RE = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def is_child(name: str) -> bool:
    """Whether this process is the child the parent started against database `name`."""
    return os.environ.get(CHILD_ENV) == name


def check_bench_database(name: str) -> None:
    """Refuse to go on unless the configured database is the benchmark's own, `name`."""
    if settings.DATABASES["default"]["NAME"] != name:
        raise CommandError("refusing to run against a database other than the bench's")


def launch(*, name: str, cases: int, reseed: bool, duration: float, concurrency: int,
           output: str | None, log: Callable[[str], None], only: str = "") -> None:
    """Create database `name` (dropped first if `reseed`) and run the benchmark in a child
    process against it; raise CommandError if the child fails."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql" or "DATABASE_URL" not in os.environ:
        raise CommandError("The benchmark needs DATABASE_URL=postgres://…")
    if name == db["NAME"]:
        raise CommandError("--database-name must not be the project's own database")
    # Only the maintenance database is touched here; never the configured one.
    with psycopg.connect(dbname="postgres", host=db["HOST"] or None,
                         port=db["PORT"] or None, user=db["USER"] or None,
                         password=db["PASSWORD"] or None, autocommit=True) as admin:
        if reseed:
            log(f"dropping database {name}")
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                             [name]).fetchone():
            log(f"creating database {name}")
            admin.execute(f'CREATE DATABASE "{name}"')
    url = urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}").geturl()
    # DEBUG off in the child too: collectstatic must write the manifest gunicorn reads,
    # and a DEBUG connection would keep every seeded query in memory.
    env = {**os.environ, "DATABASE_URL": url, CHILD_ENV: name, "DEBUG": "false",
           "SECURE_SSL_REDIRECT": "false"}
    argv = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "bench",
            "--cases", str(cases), "--database-name", name,
            "--duration", str(duration),
            "--concurrency", str(concurrency)]
    if output:
        argv += ["--output", str(Path(output).resolve())]
    if only:
        argv += ["--only", only]
    child = subprocess.run(argv, env=env, check=False)  # noqa: S603 — our own interpreter
    if child.returncode:
        raise CommandError(f"the benchmark failed (exit status {child.returncode})")
