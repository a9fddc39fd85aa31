"""Wrong passwords for many names from one address slow that address, never an office's
regular staff (SECURITY AC4, AC5; the choice is explained in workflow/address_limit.py)."""

import pytest
from django.test import Client
from django.urls import reverse

from routing.models import AuditEvent
from workflow import address_limit

from .test_auth import HOME, LOGIN, log_in, logged_in

OFFICE = "203.0.113.50"
WRONG = "not the password at all"


@pytest.fixture(autouse=True)
def _limits(empty_lockout_counters, settings, now):  # noqa: PT004
    settings.STAFF_LOGIN_ADDRESS_NAMES = 5
    settings.STAFF_LOGIN_ADDRESS_WINDOW_SECONDS = 900
    settings.STAFF_LOGIN_ADDRESS_SLOW_SECONDS = 10


def spray(client, names: int, ip: str = OFFICE, password: str = WRONG) -> None:
    """One wrong password for each of `names` different names."""
    for n in range(names):
        assert log_in(client, f"someone-{n}", password, ip).status_code == 200


def test_wrong_passwords_for_many_names_slow_the_address_down(client, province):
    spray(client, 5)
    # One attempt per ten seconds goes through; the next is asked to wait, unchecked.
    assert log_in(client, "someone-else", WRONG, OFFICE).status_code == 200
    response = log_in(client, "roads-staff", ip=OFFICE)
    assert response.status_code == 429
    assert response["Retry-After"] == "10"
    assert "10" in response.context["login_error"]
    assert not logged_in(client)


def test_a_slowed_address_lets_the_next_attempt_through_after_the_wait(client, province, now):
    spray(client, 5)
    log_in(client, "someone-else", WRONG, OFFICE)
    now.advance(10)
    assert log_in(client, "roads-staff", ip=OFFICE).status_code == 302
    assert logged_in(client)


def test_one_name_failing_again_and_again_is_the_lockouts_business_not_the_address(
    client, province
):
    for _ in range(4):
        log_in(client, "roads-staff", WRONG, OFFICE)
    spray(client, 3)
    assert log_in(client, "roads-leader", WRONG, OFFICE).status_code == 200
    assert log_in(client, "roads-leader", ip=OFFICE).status_code == 302


def test_other_addresses_are_not_slowed(client, province):
    spray(client, 6)
    assert log_in(client, "roads-staff", ip="198.51.100.9").status_code == 302


def test_a_browser_that_logged_in_before_is_never_slowed(client, province):
    assert log_in(client, "roads-staff", ip=OFFICE).status_code == 302
    client.post(reverse("staff:logout"))
    attacker = Client()
    spray(attacker, 6)  # the sixth took the turn
    assert log_in(attacker, "roads-staff", ip=OFFICE).status_code == 429
    # The desk where roads-staff logs in every day: at once, on the first right password.
    response = log_in(client, "Roads-Staff", ip=OFFICE)
    assert response.status_code == 302 and response["Location"] == HOME


def test_a_known_browser_is_known_for_its_own_names_only(client, province):
    log_in(client, "roads-staff", ip=OFFICE)
    client.post(reverse("staff:logout"))
    spray(Client(), 6)
    assert log_in(client, "roads-leader", ip=OFFICE).status_code == 429


def test_a_forged_or_altered_known_browser_cookie_counts_for_nothing(client, province):
    log_in(client, "roads-staff", ip=OFFICE)
    client.post(reverse("staff:logout"))
    cookie = client.cookies[address_limit.KNOWN_BROWSER_COOKIE]
    assert cookie["httponly"] and cookie["path"] == LOGIN
    cookie.set(cookie.key, cookie.value[:-2] + "xx", cookie.value[:-2] + "xx")
    spray(Client(), 6)
    assert log_in(client, "roads-staff", ip=OFFICE).status_code == 429


def test_a_coordinator_is_known_only_after_the_code(client, province, now):
    from .test_auth import CODE, code_for, enrol

    device = enrol(province.coordinator_user)
    log_in(client, "coord", ip=OFFICE)
    assert address_limit.KNOWN_BROWSER_COOKIE not in client.cookies
    client.post(CODE, {"code": code_for(device, now.value)}, REMOTE_ADDR=OFFICE)
    assert address_limit.KNOWN_BROWSER_COOKIE in client.cookies


def test_the_slowing_ends_a_window_after_the_last_failure(client, province, now):
    spray(client, 6)
    now.advance(600)
    log_in(client, "someone-late", WRONG, OFFICE)  # a failure while slowed: still slowed
    now.advance(600)
    assert address_limit.is_slowed(OFFICE)
    now.advance(301)
    for _ in range(3):
        assert log_in(client, "someone-new", WRONG, OFFICE).status_code == 200


def test_slowing_an_address_is_audited_once(client, province, now):
    spray(client, 5)
    for n in range(3):  # more failures while slowed, one per turn
        now.advance(10)
        assert log_in(client, f"later-{n}", WRONG, OFFICE).status_code == 200
    slowed = AuditEvent.objects.filter(action=AuditEvent.Action.LOCKED_OUT, outcome="slowed")
    assert slowed.count() == 1
    assert slowed.get().ip == OFFICE
