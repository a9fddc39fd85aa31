"""Run a write again when a unique index refuses a value drawn at random (a tracking code)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db import IntegrityError, transaction

T = TypeVar("T")


def retry_on_conflict(work: Callable[[], T], *, naming: str, attempts: int = 5) -> T:
    """Run `work` in a savepoint of its own and return what it returns. When its
    IntegrityError names `naming` (a constraint or a column, as PostgreSQL's message gives
    them), the savepoint is rolled back and `work` runs again, drawing a new value, up to
    `attempts` times in all; any other IntegrityError, or the last one, is re-raised with the
    caller's transaction still usable.
    """
    if attempts < 1:
        raise ValueError("retry_on_conflict needs at least one attempt")
    for attempt in range(1, attempts + 1):
        try:
            with transaction.atomic():
                return work()
        except IntegrityError as error:
            if naming not in str(error) or attempt == attempts:
                raise
    raise AssertionError("unreachable")  # pragma: no cover: the last attempt returns or raises
