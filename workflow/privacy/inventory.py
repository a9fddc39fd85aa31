"""Where personal data lives (SECURITY DP1), filled by each app for its own models.

Workflow asks the question; each app answers it for its own rows in its AppConfig.ready():

- `register_personal_field()`: a model field that holds a person's data, with its class, why
  it is kept and for how long. `register_not_personal()`: a field whose name looks personal
  but holds no person's data, with the reason. A test reads `personal_data()` and
  `not_personal()` and fails when a model grows such a field that no app listed.
- `register_case_data()`: how an app exports, anonymises and purges its own rows of a set of
  cases, for the reporters' requests (privacy/requests.py) and retention
  (privacy/retention.py). Workflow deletes the cases themselves; rows that hang off a case
  go with it by their foreign key, so an app says only which files to remove from storage,
  what it counts, and what it blanks or empties.

Workflow registers its own models, the staff accounts and routing's models (routing imports
no other app of ours) in privacy/entries.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.files.storage import Storage
from django.db.models import Model, QuerySet

BASIC = "basic"
SENSITIVE = "sensitive"
CONFIDENTIAL_IDENTITY = "confidential identity"
CATEGORIES = (BASIC, SENSITIVE, CONFIDENTIAL_IDENTITY)

# The ids of the cases concerned: a list, or a subquery of Case primary keys.
CaseIds = list[int] | QuerySet


@dataclass(frozen=True)
class PersonalField:
    """One model field that holds a person's data."""

    model: type[Model]
    field: str
    category: str  # BASIC, SENSITIVE or CONFIDENTIAL_IDENTITY
    purpose: Any  # lazy text
    retention: Any  # lazy text

    @property
    def name(self) -> str:
        return f"{self.model._meta.label}.{self.field}"


def _no_export(case_ids: list[int]) -> dict[int, dict[str, Any]]:
    return {}


def _nothing(case_ids: CaseIds) -> None:
    return None


def _no_files(case_ids: CaseIds) -> list[tuple[Storage, str]]:
    return []


def _no_counts(case_ids: CaseIds) -> dict[str, int]:
    return {}


def _no_expiry(cutoff: datetime, batch: int) -> int:
    return 0


def _none_expired(cutoff: datetime, spared: CaseIds) -> int:
    return 0


@dataclass(frozen=True)
class CaseData:
    """How one app handles its own rows of a set of cases.

    - `export(ids)`: for each case id, what the app holds about its reporter, merged into
      that case's entry of the export given to them (the same keys for every case).
    - `anonymise(ids)`: blank the person in the app's rows of cases whose contact data is
      erased or anonymised; the public record stays.
    - `purge_files(ids)`: the files on storage to remove once the cases are deleted.
    - `purge_counts(ids)`: the app's rows that go with the cases, by PurgeResult counter.
    - `expire(cutoff, batch)`: empty up to `batch` rows whose raw data was received before
      `cutoff` (the rejected cases' period, whatever the case's state); return how many.
    - `count_expired(cutoff, spared)`: how many rows `expire` would empty, without those of
      the `spared` cases (which the purge deletes anyway).
    - `expired_counter`: the PurgeResult counter `expire` adds to.
    """

    export: Callable[[list[int]], dict[int, dict[str, Any]]] = _no_export
    anonymise: Callable[[CaseIds], None] = _nothing
    purge_files: Callable[[CaseIds], list[tuple[Storage, str]]] = _no_files
    purge_counts: Callable[[CaseIds], dict[str, int]] = _no_counts
    expire: Callable[[datetime, int], int] = _no_expiry
    count_expired: Callable[[datetime, CaseIds], int] = _none_expired
    expired_counter: str = "payloads_purged"


_personal: dict[str, PersonalField] = {}
_not_personal: dict[str, str] = {}
_case_data: dict[str, CaseData] = {}


def register_personal_field(model: type[Model], field: str, *, category: str, purpose: Any,
                            retention: Any) -> None:
    if category not in CATEGORIES:
        raise ValueError(f"{model._meta.label}.{field}: {category!r} is not one of {CATEGORIES}")
    entry = PersonalField(model, field, category, purpose, retention)
    _personal[entry.name] = entry


def register_not_personal(model: type[Model], field: str, reason: str) -> None:
    _not_personal[f"{model._meta.label}.{field}"] = reason


def register_case_data(app_label: str, handler: CaseData) -> None:
    """Registering again under the same app label replaces the app's handler."""
    _case_data[app_label] = handler


def personal_data() -> dict[str, PersonalField]:
    """The whole inventory: "app_label.Model.field" -> its entry, from every app."""
    return dict(_personal)


def personal_field(name: str) -> PersonalField:
    try:
        return _personal[name]
    except KeyError:
        raise KeyError(f"{name} is in no app's personal data inventory "
                       "(register_personal_field in the owning app's ready())") from None


def not_personal() -> dict[str, str]:
    """Fields whose names look personal but hold no person's data, with the reason."""
    return dict(_not_personal)


def case_data() -> list[CaseData]:
    """Every app's handler of its rows of a case, in the order the apps registered."""
    if not _case_data:
        raise LookupError("No app registered how it handles its rows of a case "
                          "(register_case_data in its AppConfig.ready())")
    return list(_case_data.values())


def personal_fields_of(instance: Model) -> dict[str, Any]:
    """The inventory's fields of one row, as held now."""
    return {entry.field: getattr(instance, entry.field) for entry in _personal.values()
            if entry.model is type(instance)}
