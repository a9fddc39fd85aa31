"""The demo's content, read from the TOML files in data/: the province and its cases."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import time
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"

Name = tuple[str, str]  # (family and middle names, given name), as Vietnamese forms ask


@dataclass(frozen=True)
class AreaSpec:
    code: str
    name: str
    level: str
    parent: str | None = None
    centre: tuple[str, str] | None = None  # (latitude, longitude), for the map


@dataclass(frozen=True)
class UnitSpec:
    code: str
    login: str  # usernames are <login>.canbo and <login>.lanhdao
    name: str
    kind: str
    area: str
    phone: str
    email: str
    address: str
    processing_days: int
    abbreviation: str  # in the reply letter's number, e.g. 112/SGTVT-VP
    staff: Name
    leader: Name
    leader_title: str


@dataclass(frozen=True)
class CategorySpec:
    code: str
    name: str
    name_en: str
    units: tuple[str, ...]
    needs_photos: bool = False


@dataclass(frozen=True)
class LoginSpec:
    username: str
    name: Name
    label: str  # the role as the credentials table prints it
    superuser: bool = False
    province_role: str = ""
    two_factor: bool = False  # may enrol in two-factor log-in for 24 hours after each load


@dataclass(frozen=True)
class Letters:
    """The fixed texts of the coordinator's dispatch and of every unit's reply letter."""

    instructions: str
    addressee: str
    opening: str  # {unit}, {code}, {title}
    number: str  # {number}, {abbreviation}
    first_number: int
    recipients: str  # {abbreviation}


@dataclass(frozen=True)
class Province:
    calendar_years: tuple[int, ...]
    default_password: str
    email_domain: str
    printed_units: tuple[str, ...]  # unit logins whose staff and leader are printed
    letters: Letters
    logins: tuple[LoginSpec, ...]
    areas: tuple[AreaSpec, ...]
    units: tuple[UnitSpec, ...]
    categories: tuple[CategorySpec, ...]

    def unit(self, code: str) -> UnitSpec:
        for spec in self.units:
            if spec.code == code:
                return spec
        raise KeyError(f"No demo unit has the code {code!r}")


@dataclass(frozen=True)
class Reporter:
    name: str
    phone: str
    email: str = ""


@dataclass(frozen=True)
class CaseSpec:
    key: str
    received: dict[str, Any]  # {"hours_ago": n} or {"working_days_ago": n, "at": time}
    channel: str
    area: str
    location: str
    reporter: Reporter
    title: str
    content: str
    confidential: bool = False
    address: str = ""
    steps: tuple[dict[str, Any], ...] = ()


def _read(name: str) -> dict[str, Any]:
    with (DATA / name).open("rb") as file:
        return tomllib.load(file)


def _tuples(row: dict[str, Any]) -> dict[str, Any]:
    return {key: tuple(value) if isinstance(value, list) else value for key, value in row.items()}


@cache
def province() -> Province:
    data = _read("province.toml")
    return Province(
        calendar_years=tuple(data["calendar_years"]),
        default_password=data["default_password"],
        email_domain=data["email_domain"],
        printed_units=tuple(data["printed_units"]),
        letters=Letters(**data["letters"]),
        logins=tuple(LoginSpec(**_tuples(row)) for row in data["logins"]),
        areas=tuple(AreaSpec(**_tuples(row)) for row in data["areas"]),
        units=tuple(UnitSpec(**_tuples(row)) for row in data["units"]),
        categories=tuple(CategorySpec(**_tuples(row)) for row in data["categories"]),
    )


@cache
def cases() -> tuple[CaseSpec, ...]:
    specs = []
    for row in _read("cases.toml")["cases"]:
        received = row.pop("received")
        if not ({"hours_ago"} == received.keys()
                or ({"working_days_ago", "at"} == received.keys()
                    and isinstance(received["at"], time))):
            raise ValueError(f"Demo case {row['key']}: `received` is hours_ago, or "
                             f"working_days_ago and a local time `at`; not {received}")
        specs.append(CaseSpec(
            received=received, reporter=Reporter(**row.pop("reporter")),
            steps=tuple(row.pop("steps", ())), **row,
        ))
    return tuple(specs)
