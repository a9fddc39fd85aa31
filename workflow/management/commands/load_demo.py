"""`manage.py load_demo`: load the demo province (the data and stories are in workflow/demo.py).

Refused on a production configuration (DEBUG off) unless --force is given: it creates a
superuser whose password it prints.
"""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from routing.models import Area, Category, Membership, ProvinceRole, Unit
from workflow.demo import (
    AREAS,
    CALENDAR_YEARS,
    CATEGORIES,
    DEFAULT_PASSWORD,
    EMAIL_DOMAIN,
    KEY_PREFIX,
    MAIN_UNITS,
    PROVINCE_LOGINS,
    UNITS,
    DemoCases,
    Login,
    Reference,
    allow_two_factor_enrolment,
)
from workflow.models import Case, OfficialYear
from workflow.sweep import sweep_deadlines
from workflow.worktime import import_schedule


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
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
        try:
            password_validation.validate_password(password)
        except ValidationError as exc:
            raise CommandError(
                "DEMO_PASSWORD is not accepted: " + " ".join(exc.messages)
            ) from exc

        with transaction.atomic():
            self.import_calendars()
            ref = self.load_reference(password)
            allow_two_factor_enrolment(ref.users)
            if Case.objects.filter(idempotency_key__startswith=KEY_PREFIX).exists():
                self.stdout.write("Demo cases exist already; none were added.")
            else:
                demo = DemoCases(ref, timezone.now())
                demo.make_all()
                result = sweep_deadlines(now=timezone.now())
                self.stdout.write(
                    f"Created {demo.count} demo cases; the deadline sweep sent "
                    f"{result.reminders} reminders and marked {result.overdue} deadlines overdue."
                )
        self.print_logins(ref, password, base_url.rstrip("/"))

    # --- steps ------------------------------------------------------------------------------------
    def import_calendars(self) -> None:
        folder = Path(settings.BASE_DIR) / "data" / "calendar"
        done = set(OfficialYear.objects.values_list("year", flat=True))
        for year in CALENDAR_YEARS:
            if year in done:
                continue  # an administrator may have corrected it since; keep theirs
            path = folder / f"vn-official-{year}.json"
            try:
                import_schedule(json.loads(path.read_text(encoding="utf-8")), source=path.name)
            except (OSError, ValueError, ValidationError) as exc:
                raise CommandError(f"Cannot import {path}: {exc}") from exc
            self.stdout.write(f"Imported the official working calendar of {year}.")

    def load_reference(self, password: str) -> Reference:
        ref = Reference(areas={}, units={}, categories={}, users={})
        for area_spec in AREAS:
            area, created = Area.objects.get_or_create(
                code=area_spec.code,
                defaults={"name": area_spec.name, "level": area_spec.level,
                          "parent": ref.areas.get(area_spec.parent or "")},
            )
            ref.areas[area.code] = area
            ref.created += created
        for spec in UNITS:
            unit, created = Unit.objects.get_or_create(
                code=spec.code,
                defaults={"name": spec.name, "kind": spec.kind, "area": ref.areas[spec.area],
                          "phone": spec.phone, "email": spec.email, "address": spec.address,
                          "processing_days": spec.processing_days},
            )
            ref.units[unit.code] = unit
            ref.created += created
        for position, cat_spec in enumerate(CATEGORIES, start=1):
            category, created = Category.objects.get_or_create(
                code=cat_spec.code,
                defaults={"name": cat_spec.name, "name_en": cat_spec.name_en,
                          "needs_photos": cat_spec.needs_photos, "position": position},
            )
            if created:
                category.suggested_units.set([ref.units[code] for code in cat_spec.units])
            ref.categories[category.code] = category
            ref.created += created

        # One hash for every demo login: hashing costs a third of a second each.
        hashed = make_password(password)
        for login in PROVINCE_LOGINS:
            ref.users[login.username] = self.user(ref, login, hashed,
                                                  superuser=login.username == "quantri")
        for role, username in ((ProvinceRole.Role.COORDINATOR, "dieuphoi"),
                               (ProvinceRole.Role.SUPERVISOR, "giamsat")):
            _role, created = ProvinceRole.objects.get_or_create(user=ref.users[username],
                                                                role=role)
            ref.created += created
        for spec in UNITS:
            for suffix, name, role in (("canbo", spec.staff, Membership.Role.STAFF),
                                       ("lanhdao", spec.leader, Membership.Role.LEADER)):
                login = Login(f"{spec.login}.{suffix}", name, "", spec.code)
                user = ref.users[login.username] = self.user(ref, login, hashed)
                _membership, created = Membership.objects.get_or_create(
                    user=user, unit=ref.units[spec.code], defaults={"role": role}
                )
                ref.created += created
        self.stdout.write(
            f"Reference data: {ref.created} rows created"
            if ref.created else "Reference data was there already; nothing changed."
        )
        return ref

    @staticmethod
    def user(ref: Reference, login: Login, hashed: str, *, superuser: bool = False) -> Any:
        family, given = login.name
        user, created = get_user_model().objects.get_or_create(
            username=login.username,
            defaults={"first_name": given, "last_name": family,
                      "email": f"{login.username}@{EMAIL_DOMAIN}", "password": hashed,
                      "is_staff": superuser, "is_superuser": superuser},
        )
        ref.created += created
        return user

    def print_logins(self, ref: Reference, password: str, base_url: str) -> None:
        checked: dict[str, bool] = {}

        def shown_password(user: Any) -> str:
            # Demo users share one hash, so this checks the password once, not per user.
            if user.password not in checked:
                checked[user.password] = check_password(password, user.password)
            return password if checked[user.password] else "(changed since the demo was loaded)"

        specs = {spec.login: spec for spec in UNITS}
        rows = [(login.role, login.username, "—") for login in PROVINCE_LOGINS]
        for login in MAIN_UNITS:
            name = ref.units[specs[login].code].name
            rows.append(("Unit staff", f"{login}.canbo", name))
            rows.append(("Unit leader", f"{login}.lanhdao", name))
        table = [(role, username, unit, shown_password(ref.users[username]))
                 for role, username, unit in rows]
        header = ("Role", "Username", "Unit", "Password")
        widths = [max(len(row[i]) for row in [header, *table]) for i in range(4)]

        def line(cells: tuple[str, ...]) -> str:
            padded = (cell.ljust(width) for cell, width in zip(cells, widths, strict=True))
            return ("  " + "  ".join(padded)).rstrip()

        others = ", ".join(spec.login for spec in UNITS if spec.login not in MAIN_UNITS)
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
