"""The demo's reference rows: working calendars, areas, units, categories and logins.

Each row is created only when missing, so a second load changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError

from routing.audit import record
from routing.models import (
    Area,
    AuditEvent,
    Category,
    Membership,
    ProvinceRole,
    TwoFactorDevice,
    TwoFactorEnrolment,
    Unit,
)
from workflow.models import OfficialYear
from workflow.worktime import import_schedule

from .specs import Name, Province
from .stories import Reference


class CalendarMissing(Exception):
    """An official working calendar the demo needs could not be imported."""


def import_calendars(province: Province, say: Callable[[str], None]) -> None:
    folder = Path(settings.BASE_DIR) / "data" / "calendar"
    done = set(OfficialYear.objects.values_list("year", flat=True))
    for year in province.calendar_years:
        if year in done:
            continue  # an administrator may have corrected it since; keep theirs
        path = folder / f"vn-official-{year}.json"
        try:
            import_schedule(json.loads(path.read_text(encoding="utf-8")), source=path.name)
        except (OSError, ValueError, ValidationError) as exc:
            raise CalendarMissing(f"Cannot import {path}: {exc}") from exc
        say(f"Imported the official working calendar of {year}.")


def load_reference(province: Province, password: str) -> Reference:
    ref = Reference(areas={}, units={}, categories={}, users={})
    for area_spec in province.areas:
        area, created = Area.objects.get_or_create(
            code=area_spec.code,
            defaults={"name": area_spec.name, "level": area_spec.level,
                      "parent": ref.areas.get(area_spec.parent or "")},
        )
        ref.areas[area.code] = area
        ref.created += created
    for spec in province.units:
        unit, created = Unit.objects.get_or_create(
            code=spec.code,
            defaults={"name": spec.name, "kind": spec.kind, "area": ref.areas[spec.area],
                      "phone": spec.phone, "email": spec.email, "address": spec.address,
                      "processing_days": spec.processing_days},
        )
        ref.units[unit.code] = unit
        ref.created += created
    for position, cat_spec in enumerate(province.categories, start=1):
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
    domain = province.email_domain
    for login in province.logins:
        ref.users[login.username] = _user(ref, login.username, login.name, hashed, domain,
                                          superuser=login.superuser)
        if login.province_role:
            _role, created = ProvinceRole.objects.get_or_create(
                user=ref.users[login.username], role=login.province_role
            )
            ref.created += created
    for spec in province.units:
        for suffix, name, role in (("canbo", spec.staff, Membership.Role.STAFF),
                                   ("lanhdao", spec.leader, Membership.Role.LEADER)):
            username = f"{spec.login}.{suffix}"
            user = ref.users[username] = _user(ref, username, name, hashed, domain)
            _membership, created = Membership.objects.get_or_create(
                user=user, unit=ref.units[spec.code], defaults={"role": role}
            )
            ref.created += created
    return ref


def _user(ref: Reference, username: str, name: Name, hashed: str, domain: str, *,
          superuser: bool = False) -> Any:
    family, given = name
    user, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={"first_name": given, "last_name": family,
                  "email": f"{username}@{domain}", "password": hashed,
                  "is_staff": superuser, "is_superuser": superuser},
    )
    ref.created += created
    return user


def allow_two_factor_enrolment(province: Province, users: dict[str, Any]) -> None:
    """Their roles need two-factor log-in, and enrolling needs the administrator's
    permission: each load of the demo gives it to them for 24 hours (until they enrol)."""
    for login in province.logins:
        if not login.two_factor:
            continue
        user = users[login.username]
        if not TwoFactorDevice.objects.filter(user=user, confirmed_at__isnull=False).exists():
            window = TwoFactorEnrolment.allow(user)
            record(AuditEvent.Action.CONFIG_CHANGED, obj=window, via="demo",
                   change="two_factor_enrolment_allowed", user_id=user.pk)
