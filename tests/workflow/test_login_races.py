"""What a library would give us, shown of ours under races (SECURITY AC5): django-axes counts
failures atomically and locks once; django-otp spends a TOTP step once. Ours does both on the
real Redis and PostgreSQL, with requests at the same instant."""

import threading
from collections.abc import Callable

import pytest
from django.db import connection
from django.utils import timezone

from routing.models import TwoFactorDevice
from tests.factories import UserFactory
from workflow import address_limit, auth


@pytest.fixture(autouse=True)
def _counters(empty_lockout_counters):  # noqa: PT004 — the shared fixture, for every test
    yield


def at_once(count: int, action: Callable[[], object]) -> list[object]:
    """`action` run by `count` threads released together; their results."""
    barrier = threading.Barrier(count)
    results: list[object] = []
    lock = threading.Lock()

    def run() -> None:
        barrier.wait()
        try:
            result = action()
        finally:
            connection.close()
        with lock:
            results.append(result)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_failures_at_the_same_instant_lock_the_name_once(now):
    results = at_once(12, lambda: auth.register_failure("Roads-Staff", "10.1.1.1"))
    assert results.count(True) == 1  # one failure locks, and is audited as the one
    assert auth.is_locked("roads-staff", "10.1.1.1")


def test_failures_for_many_names_at_the_same_instant_slow_the_address_once(now, settings):
    settings.STAFF_LOGIN_ADDRESS_NAMES = 5
    names = iter(f"name-{n}" for n in range(12))
    next_name = threading.Lock()

    def fail_once() -> bool:
        with next_name:
            name = next(names)
        return address_limit.register_failure("10.1.1.2", name)

    assert at_once(12, fail_once).count(True) == 1
    assert address_limit.is_slowed("10.1.1.2")


@pytest.mark.django_db(transaction=True)
def test_the_same_code_given_twice_at_the_same_instant_is_accepted_once(now):
    user = UserFactory(username="racer")
    secret = auth.new_secret()
    device = TwoFactorDevice.objects.create(user=user, secret=secret,
                                            confirmed_at=timezone.now())
    code = auth.totp(secret, now.value)

    def give_code() -> bool:
        return auth.accept_code(TwoFactorDevice.objects.get(pk=device.pk), code)

    assert at_once(6, give_code).count(True) == 1
