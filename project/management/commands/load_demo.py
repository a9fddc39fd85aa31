"""`manage.py load_demo`: load the demo province (its content is in project/demo/data/).

Refused on a production configuration (DEBUG off) unless --force is given: it creates a
superuser whose password it prints.
"""

from __future__ import annotations

import os
import textwrap
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse
from django.utils import timezone

from project.demo.load import load_demo
from project.demo.reference import CalendarMissing
from project.demo.specs import Province, province
from project.demo.stories import Reference


class Command(BaseCommand):
    help = (
        "Load the demo province (Tây Ninh): working calendars, areas, units, categories, one "
        "login per role and cases in every state. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--base-url", default="http://127.0.0.1:8000",
            help="Where the server answers, for the printed links.",
        )
        parser.add_argument(
            "--force", action="store_true",
            help="Load the demo even with DEBUG off (never on a real deployment).",
        )

    def handle(self, *args: Any, base_url: str, force: bool = False, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like a real deployment, and the demo creates a "
                "superuser with a printed password. Use --force to load it anyway."
            )
        spec = province()
        password = os.environ.get("DEMO_PASSWORD") or spec.default_password
        try:
            password_validation.validate_password(password)
        except ValidationError as exc:
            raise CommandError(
                "DEMO_PASSWORD is not accepted: " + " ".join(exc.messages)
            ) from exc
        try:
            ref = load_demo(password=password, now=timezone.now, say=self.stdout.write)
        except CalendarMissing as exc:
            raise CommandError(str(exc)) from exc
        self.print_logins(spec, ref, password, base_url.rstrip("/"))

    def print_logins(self, spec: Province, ref: Reference, password: str, base_url: str
                     ) -> None:
        checked: dict[str, bool] = {}

        def shown_password(user: Any) -> str:
            # Demo users share one hash, so this checks the password once, not per user.
            if user.password not in checked:
                checked[user.password] = check_password(password, user.password)
            return password if checked[user.password] else "(changed since the demo was loaded)"

        units = {unit.login: unit for unit in spec.units}
        rows = [(login.label, login.username, "—") for login in spec.logins]
        for login in spec.printed_units:
            name = ref.units[units[login].code].name
            rows.append(("Unit staff", f"{login}.canbo", name))
            rows.append(("Unit leader", f"{login}.lanhdao", name))
        table = [(role, username, unit, shown_password(ref.users[username]))
                 for role, username, unit in rows]
        header = ("Role", "Username", "Unit", "Password")
        widths = [max(len(row[i]) for row in [header, *table]) for i in range(4)]

        def line(cells: tuple[str, ...]) -> str:
            padded = (cell.ljust(width) for cell, width in zip(cells, widths, strict=True))
            return ("  " + "  ".join(padded)).rstrip()

        others = ", ".join(login for login in units if login not in spec.printed_units)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("The Cổng 1022 demo is ready."))
        self.stdout.write(f"  Staff pages: {base_url}{reverse('staff:home')}")
        self.stdout.write(f"  Admin:       {base_url}{reverse('admin:index')}")
        self.stdout.write("")
        self.stdout.write(line(header))
        self.stdout.write(line(tuple("-" * width for width in widths)))
        for row in table:
            self.stdout.write(line(row))
        self.stdout.write("")
        note = ("Every other unit has a staff login <prefix>.canbo and a leader login "
                f"<prefix>.lanhdao with the same password; prefixes: {others}.")
        for row in textwrap.wrap(note, width=90):
            self.stdout.write(f"  {row}")
        if not os.environ.get("DEMO_PASSWORD"):
            self.stdout.write("  Set DEMO_PASSWORD before the first run to choose another "
                              "password.")
