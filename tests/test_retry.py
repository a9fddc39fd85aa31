"""A write that met a unique index is run again only for the index it was told to expect."""

import pytest
from django.db import IntegrityError

from config.retry import retry_on_conflict
from routing.models import Area

pytestmark = pytest.mark.django_db


def test_a_conflict_on_the_named_index_runs_the_work_again_with_a_new_value():
    Area.objects.create(code="taken", name="Phường 1", level=Area.Level.COMMUNE)
    codes = iter(["taken", "taken", "fresh"])

    def work() -> Area:
        return Area.objects.create(code=next(codes), name="Phường 2", level=Area.Level.COMMUNE)

    assert retry_on_conflict(work, naming="area_code_unique").code == "fresh"
    assert sorted(Area.objects.values_list("code", flat=True)) == ["fresh", "taken"]


def test_a_conflict_on_another_index_is_raised_at_once():
    calls = []

    def work() -> None:
        calls.append(1)
        raise IntegrityError('duplicate key value violates unique constraint "key_unique"')

    with pytest.raises(IntegrityError, match="key_unique"):
        retry_on_conflict(work, naming="code_unique")
    assert len(calls) == 1


def test_the_last_conflict_is_raised_once_the_attempts_are_spent():
    calls = []

    def work() -> None:
        calls.append(1)
        raise IntegrityError('duplicate key value violates unique constraint "code_unique"')

    with pytest.raises(IntegrityError):
        retry_on_conflict(work, naming="code_unique", attempts=4)
    assert len(calls) == 4
