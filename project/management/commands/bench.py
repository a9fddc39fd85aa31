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
Django page of this project can do on this machine (project/bench/views.py).

The work itself lives in the package project/bench/; this module only parses the arguments.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from project.bench import database, report
from project.bench.database import DB_NAME_RE


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
        parser.add_argument("--only", default="",
                            help="Comma-separated HTTP scenarios to run (e.g. "
                                 "ceiling_insert,public_submit); the other timings are "
                                 "then skipped. Default: everything.")

    def log(self, message: str) -> None:
        self.stderr.write(f"[bench {time.monotonic() - self.started:7.1f} s] {message}")

    def handle(self, *args: Any, **options: Any) -> None:
        self.started = time.monotonic()
        name = options["database_name"]
        if not DB_NAME_RE.fullmatch(name):
            raise CommandError("--database-name: lower-case letters, digits and _ only")
        if options["cases"] < 1 or options["concurrency"] < 1 or options["duration"] <= 0:
            raise CommandError("--cases, --concurrency and --duration must be positive")
        if database.is_child(name):
            self.measure(options)
        else:
            self.launch(options)

    # --- Parent: make the database, run the child against it --------------------------------
    def launch(self, options: dict[str, Any]) -> None:
        database.launch(name=options["database_name"], cases=options["cases"],
                        reseed=options["reseed"], duration=options["duration"],
                        concurrency=options["concurrency"], output=options["output"],
                        only=options["only"], log=self.log)

    # --- Child: everything against the bench database ------------------------------------------
    def measure(self, options: dict[str, Any]) -> None:
        report.measure(name=options["database_name"], cases=options["cases"],
                       duration=options["duration"], concurrency=options["concurrency"],
                       output=options["output"], only=options["only"], log=self.log,
                       write=self.stdout.write)
