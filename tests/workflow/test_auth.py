"""Staff log-in (SECURITY AC5, AC6): lockout, TOTP two-factor, idle time-out, `next`."""

import base64
import json
import logging
import time
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from config.middleware import IdleTimeoutMiddleware
from config.sessions import SessionStore
from routing.models import AuditEvent, TwoFactorDevice, TwoFactorEnrolment
from tests.factories import UserFactory
from tests.workflow.conftest import T0
from workflow import auth

HOME = reverse("staff:home")
LOGIN = reverse("staff:login")
CODE = reverse("staff:login_code")
ENROL = reverse("staff:two_factor")
PASSWORD = "a long test password 1022"


@pytest.fixture(autouse=True)
def _counters(empty_lockout_counters):  # noqa: PT004 — the shared fixture, for every test
    yield


def log_in(client, username: str, password: str = PASSWORD, ip: str = "127.0.0.1", **data):
    return client.post(LOGIN, {"username": username, "password": password, **data},
                       REMOTE_ADDR=ip)


def fail(client, username: str, times: int, ip: str = "127.0.0.1") -> None:
    for _ in range(times):
        assert log_in(client, username, "not the password at all", ip).status_code == 200


def enrol(user, at: float = T0) -> TwoFactorDevice:
    """A confirmed authenticator whose last used step is well before `at`."""
    return TwoFactorDevice.objects.create(user=user, secret=auth.new_secret(),
                                          confirmed_at=timezone.now())


def allow_enrolment(user, at: float = T0) -> None:
    """The administrator's permission to set up an authenticator, for 24 hours from `at`."""
    TwoFactorEnrolment.allow(user, now=datetime.fromtimestamp(at, tz=UTC))


def code_for(device: TwoFactorDevice, at: float) -> str:
    return auth.totp(device.secret, at)


def logged_in(client) -> bool:
    return client.get(HOME).status_code == 200


# --- TOTP against the RFCs ---------------------------------------------------------------------
RFC_SEED = b"12345678901234567890"
RFC_SECRET = base64.b32encode(RFC_SEED).decode()


@pytest.mark.parametrize(("counter", "code"), list(enumerate([
    "755224", "287082", "359152", "969429", "338314",
    "254676", "287922", "162583", "399871", "520489",
])))
def test_hotp_matches_the_rfc_4226_test_values(counter, code):
    assert auth.hotp(RFC_SEED, counter) == code


@pytest.mark.parametrize(("at", "eight_digits"), [
    (59, "94287082"), (1111111109, "07081804"), (1111111111, "14050471"),
    (1234567890, "89005924"), (2000000000, "69279037"), (20000000000, "65353130"),
])
def test_totp_matches_the_rfc_6238_sha1_test_vectors(at, eight_digits):
    assert auth.totp(RFC_SECRET, at, digits=8) == eight_digits
    # Six digits are the same number modulo 10^6: the last six of the eight.
    assert auth.totp(RFC_SECRET, at) == eight_digits[-6:]


def test_a_code_one_step_early_or_late_is_accepted_and_two_steps_are_not():
    secret = auth.new_secret()
    for drift, accepted in ((-60, False), (-30, True), (0, True), (30, True), (60, False)):
        code = auth.totp(secret, T0 + drift)
        assert (auth.matching_step(secret, code, T0) is not None) is accepted


def test_a_code_of_a_step_already_used_is_not_matched():
    secret = auth.new_secret()
    step = auth.time_step(T0)
    assert auth.matching_step(secret, auth.totp(secret, T0), T0, after_step=step) is None


def test_a_new_secret_has_160_bits_and_the_uri_names_the_portal():
    secret = auth.new_secret()
    assert len(auth.decode_secret(secret)) == 20
    uri = auth.otpauth_uri(secret, "coord", "Cổng 1022")
    assert uri.startswith("otpauth://totp/")
    assert f"secret={secret}" in uri and "digits=6" in uri and "period=30" in uri


# --- Lockout -----------------------------------------------------------------------------------
def test_five_failures_lock_the_account_out_even_for_the_right_password(client, province):
    fail(client, "roads-staff", 5)
    response = log_in(client, "roads-staff")
    assert response.status_code == 429
    assert "15" in response.context["login_error"]
    assert not logged_in(client)


def test_four_failures_do_not_lock_the_account_out(client, province):
    fail(client, "roads-staff", 4)
    assert log_in(client, "roads-staff").status_code == 302


def test_a_locked_out_attempt_does_not_check_the_password(client, province, monkeypatch):
    fail(client, "roads-staff", 5)

    def must_not_run(*args, **kwargs):
        raise AssertionError("the password was checked during a lockout")

    monkeypatch.setattr("django.contrib.auth.forms.authenticate", must_not_run)
    assert log_in(client, "roads-staff").status_code == 429


def test_the_lockout_is_per_username_and_address(client, province):
    fail(client, "roads-staff", 5, ip="10.0.0.1")
    assert log_in(client, "roads-staff", ip="10.0.0.1").status_code == 429
    # Another address, and another user from the same address, may still log in.
    assert log_in(client, "roads-leader", ip="10.0.0.1").status_code == 302
    client.post(reverse("staff:logout"))
    assert log_in(client, "roads-staff", ip="10.0.0.2").status_code == 302


def test_the_lockout_ends_after_fifteen_minutes(client, province, now):
    fail(client, "roads-staff", 5)
    now.advance(15 * 60 - 1)
    assert log_in(client, "roads-staff").status_code == 429
    now.advance(2)
    assert log_in(client, "roads-staff").status_code == 302
    assert logged_in(client)


def test_a_locked_out_log_in_says_when_to_come_back(client, province, now):
    fail(client, "roads-staff", 5)
    assert log_in(client, "roads-staff")["Retry-After"] == str(15 * 60)
    now.advance(10 * 60 + 0.5)
    assert log_in(client, "roads-staff")["Retry-After"] == str(5 * 60)


def test_the_code_page_that_locks_the_log_in_says_when_to_come_back(client, province, now):
    device = enrol(province.coordinator_user)
    log_in(client, "coord")
    wrong = f"{(int(code_for(device, T0)) + 1) % 1_000_000:06d}"
    for _ in range(4):
        client.post(CODE, {"code": wrong})
    assert client.post(CODE, {"code": wrong})["Retry-After"] == str(15 * 60)


def test_the_enrolment_page_of_a_locked_log_in_says_when_to_come_back(client, province, now):
    allow_enrolment(province.coordinator_user)
    log_in(client, "coord")
    for _ in range(5):
        client.post(ENROL, {"code": "000000x"})
    now.advance(60)
    response = client.post(ENROL, {"code": "000000x"})
    assert (response.status_code, response["Retry-After"]) == (429, str(14 * 60))


def test_a_success_resets_the_failure_count(client, province):
    fail(client, "roads-staff", 4)
    assert log_in(client, "roads-staff").status_code == 302
    client.post(reverse("staff:logout"))
    fail(client, "roads-staff", 4)
    assert log_in(client, "roads-staff").status_code == 302


def test_an_unknown_user_and_a_wrong_password_get_the_same_answer(client, province):
    unknown = log_in(client, "nobody-here", "not the password at all")
    wrong = log_in(client, "roads-staff", "not the password at all")
    assert unknown.status_code == wrong.status_code == 200
    assert list(unknown.context["form"].non_field_errors()) == list(
        wrong.context["form"].non_field_errors()
    )
    fail(client, "nobody-here", 4)
    fail(client, "roads-staff", 4)
    locked_unknown = log_in(client, "nobody-here", "x")
    locked_known = log_in(client, "roads-staff", "x")
    assert locked_unknown.status_code == locked_known.status_code == 429
    assert locked_unknown.context["login_error"] == locked_known.context["login_error"]


# --- Audit of log-ins (AU1, AU3) ---------------------------------------------------------------
def test_a_log_in_and_a_log_out_are_audited_with_the_address(client, province):
    log_in(client, "roads-staff", ip="203.0.113.7")
    client.post(reverse("staff:logout"), REMOTE_ADDR="203.0.113.7")
    rows = AuditEvent.objects.filter(actor=province.roads_staff_user).order_by("pk")
    assert [(r.action, r.ip) for r in rows] == [
        (AuditEvent.Action.LOGIN_SUCCEEDED, "203.0.113.7"),
        (AuditEvent.Action.LOGGED_OUT, "203.0.113.7"),
    ]


def test_failures_and_the_lockout_are_audited_without_the_password(client, province, caplog):
    secret_password = "Hunter2-very-secret-password"
    caplog.set_level(logging.DEBUG)
    for _ in range(5):
        log_in(client, "roads-staff", secret_password, ip="198.51.100.4")
    log_in(client, "roads-staff", ip="198.51.100.4")
    rows = list(AuditEvent.objects.exclude(action=AuditEvent.Action.ROLE_CHANGED)
                .order_by("pk").values())
    assert [(r["action"], r["outcome"]) for r in rows] == [
        *[(AuditEvent.Action.LOGIN_FAILED, "failed")] * 5,
        (AuditEvent.Action.LOCKED_OUT, "locked"),
        (AuditEvent.Action.LOCKED_OUT, "refused"),
    ]
    assert {r["ip"] for r in rows} == {"198.51.100.4"}
    assert {r["username_tried"] for r in rows} == {"roads-staff"}
    dumped = json.dumps(rows, default=str)
    assert secret_password not in dumped and PASSWORD not in dumped
    assert secret_password not in caplog.text and PASSWORD not in caplog.text


# --- Two-factor for coordinators and administrators ----------------------------------------------
def test_a_coordinators_password_alone_does_not_open_the_staff_pages(client, province, now):
    enrol(province.coordinator_user)
    response = log_in(client, "coord")
    assert response.status_code == 302 and response["Location"] == CODE
    assert client.get(HOME).status_code == 302
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_SUCCEEDED).exists()


def test_a_coordinator_with_the_right_code_reaches_the_queue(client, province, now):
    device = enrol(province.coordinator_user)
    log_in(client, "coord")
    response = client.post(CODE, {"code": code_for(device, T0)})
    assert response.status_code == 302 and response["Location"] == HOME
    assert logged_in(client)


def test_a_wrong_code_is_refused_and_audited(client, province, now):
    device = enrol(province.coordinator_user)
    log_in(client, "coord")
    wrong = f"{(int(code_for(device, T0)) + 1) % 1_000_000:06d}"
    response = client.post(CODE, {"code": wrong})
    assert response.status_code == 400
    assert not logged_in(client)
    row = AuditEvent.objects.get(action=AuditEvent.Action.TWO_FACTOR_FAILED)
    assert row.actor == province.coordinator_user and row.ip == "127.0.0.1"
    assert wrong not in json.dumps(row.detail)


def test_a_code_cannot_be_used_twice(client, province, now):
    device = enrol(province.coordinator_user)
    code = code_for(device, T0)
    log_in(client, "coord")
    assert client.post(CODE, {"code": code}).status_code == 302
    client.post(reverse("staff:logout"))
    now.advance(10)  # the same 30-second step
    log_in(client, "coord")
    assert client.post(CODE, {"code": code}).status_code == 400
    assert not logged_in(client)


def test_wrong_codes_count_toward_the_lockout(client, province, now):
    device = enrol(province.coordinator_user)
    log_in(client, "coord")
    wrong = f"{(int(code_for(device, T0)) + 1) % 1_000_000:06d}"
    for _ in range(4):
        assert client.post(CODE, {"code": wrong}).status_code == 400
    assert client.post(CODE, {"code": wrong}).status_code == 429
    # The pending log-in is gone, and the password is now refused too.
    assert client.post(CODE, {"code": code_for(device, T0)}).status_code == 302
    assert log_in(client, "coord").status_code == 429
    assert not logged_in(client)


def test_the_code_page_without_a_pending_log_in_goes_back_to_the_password(client, province):
    response = client.get(CODE)
    assert response.status_code == 302 and response["Location"] == LOGIN


def test_a_pending_log_in_expires_after_five_minutes(client, province, now):
    device = enrol(province.coordinator_user)
    log_in(client, "coord")
    now.advance(5 * 60 + 1)
    response = client.post(CODE, {"code": code_for(device, now.value)})
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert not logged_in(client)


def test_a_coordinator_without_an_authenticator_enrols_during_log_in(client, province, now):
    allow_enrolment(province.coordinator_user)
    response = log_in(client, "coord")
    assert response.status_code == 302 and response["Location"] == ENROL
    page = client.get(ENROL)
    device = TwoFactorDevice.objects.get(user=province.coordinator_user)
    assert device.confirmed_at is None
    html = page.content.decode()
    secret = device.secret  # readable while unconfirmed: the page shows it this once
    assert secret[:4] in html and "otpauth://totp/" in html
    assert client.get(HOME).status_code == 302  # not logged in before the first code
    response = client.post(ENROL, {"code": code_for(device, T0)})
    assert response.status_code == 302 and response["Location"] == HOME
    assert logged_in(client)
    device.refresh_from_db()
    assert device.confirmed_at is not None
    enabled = AuditEvent.objects.get(action=AuditEvent.Action.TWO_FACTOR_ENABLED)
    assert enabled.actor == province.coordinator_user
    assert secret not in json.dumps(enabled.detail)
    # The permission is spent: a second device needs a new one.
    assert not TwoFactorEnrolment.objects.filter(user=province.coordinator_user).exists()


def test_after_enrolment_the_next_log_in_asks_for_the_code(client, province, now):
    allow_enrolment(province.coordinator_user)
    log_in(client, "coord")
    client.get(ENROL)
    device = TwoFactorDevice.objects.get(user=province.coordinator_user)
    client.post(ENROL, {"code": code_for(device, T0)})
    client.post(reverse("staff:logout"))
    assert log_in(client, "coord")["Location"] == CODE
    # A confirmed authenticator's secret is never shown again.
    assert device.secret[:8] not in client.get(ENROL, follow=True).content.decode()


def test_a_superuser_also_needs_the_second_step(client, db, now):
    allow_enrolment(UserFactory(username="root", is_superuser=True, is_staff=True))
    response = log_in(client, "root")
    assert response["Location"] == ENROL
    assert client.get(reverse("admin:index")).status_code == 302


def test_the_admin_log_in_is_the_staff_log_in(client, db):
    response = client.get(reverse("admin:login"), {"next": "/admin/"})
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=%2Fadmin%2F"


def test_force_login_still_opens_the_coordinators_queue(client, province):
    client.force_login(province.coordinator_user)
    assert logged_in(client)


# --- Unit members: password only, two-factor optional ------------------------------------------
def test_unit_staff_log_in_with_the_password_alone(client, province):
    response = log_in(client, "roads-staff")
    assert response.status_code == 302 and response["Location"] == HOME
    assert logged_in(client)


def test_unit_staff_may_turn_two_factor_on_and_are_then_asked_for_it(client, province, now):
    allow_enrolment(province.roads_staff_user)
    client.force_login(province.roads_staff_user)
    assert client.get(ENROL).status_code == 200
    device = TwoFactorDevice.objects.get(user=province.roads_staff_user)
    response = client.post(ENROL, {"code": code_for(device, T0)})
    assert response.status_code == 302 and response["Location"] == HOME
    client.post(reverse("staff:logout"))
    now.advance(30)
    assert log_in(client, "roads-staff")["Location"] == CODE
    assert client.post(CODE, {"code": code_for(device, now.value)})["Location"] == HOME


def test_the_enrolment_page_needs_a_log_in_or_a_pending_one(client, db):
    response = client.get(ENROL)
    assert response.status_code == 302 and response["Location"] == LOGIN


# --- Idle time-out ------------------------------------------------------------------------------
def test_each_request_pushes_the_idle_time_out_fifteen_minutes_ahead(client, province):
    log_in(client, "roads-staff")
    assert logged_in(client)
    session = Session.objects.get(pk=client.session.session_key)
    left = session.expire_date - timezone.now()
    assert timedelta(minutes=14) < left <= timedelta(minutes=15)


def test_a_request_within_a_minute_of_the_last_push_writes_nothing(client, province):
    log_in(client, "roads-staff")
    client.get(HOME)
    session = Session.objects.get(pk=client.session.session_key)
    client.get(HOME)
    assert Session.objects.get(pk=session.pk).expire_date == session.expire_date


def test_a_request_a_minute_after_the_last_push_pushes_the_time_out_ahead(client, province):
    log_in(client, "roads-staff")
    key = client.session.session_key
    # The last push was two minutes ago, and the session ends in thirteen.
    session = SessionStore(session_key=key)
    session[IdleTimeoutMiddleware.KEY] = int(time.time()) - 120
    session.save()
    Session.objects.filter(pk=key).update(expire_date=timezone.now() + timedelta(minutes=13))

    assert client.get(HOME).status_code == 200

    left = Session.objects.get(pk=key).expire_date - timezone.now()
    assert timedelta(minutes=14) < left <= timedelta(minutes=15)


def test_a_session_idle_for_more_than_fifteen_minutes_is_logged_out(client, province):
    log_in(client, "roads-staff")
    assert logged_in(client)
    # The last request was 15 minutes and a second ago.
    last_request = timezone.now() - timedelta(minutes=15, seconds=1)
    Session.objects.filter(pk=client.session.session_key).update(
        expire_date=last_request + timedelta(minutes=15)
    )
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)



# --- The session store (config.sessions) --------------------------------------------------------
def test_a_logged_out_session_is_never_read_again(client, province):
    log_in(client, "roads-staff")
    key = client.session.session_key
    client.post(reverse("staff:logout"))
    store = SessionStore(session_key=key)
    assert store.load() == {}
    assert store.session_key is None  # saving it would make a new key, never this one


def test_an_unknown_or_malformed_session_key_reads_as_no_session(db):
    assert SessionStore(session_key="k" * 32).load() == {}
    assert SessionStore(session_key="short").load() == {}
    assert not Session.objects.exists()

# --- No open redirect (AC6) ---------------------------------------------------------------------
@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/",
                                    "https:evil.example", "/\\evil.example"])
def test_next_never_leads_off_the_site(client, province, target):
    response = log_in(client, "roads-staff", next=target)
    assert response.status_code == 302 and response["Location"] == HOME


def test_next_on_the_site_is_followed(client, province):
    response = log_in(client, "roads-staff", next="/staff/hotline/")
    assert response["Location"] == "/staff/hotline/"


def test_next_never_leads_off_the_site_after_the_code(client, province, now):
    device = enrol(province.coordinator_user)
    log_in(client, "coord", next="https://evil.example/")
    assert client.post(CODE, {"code": code_for(device, T0)})["Location"] == HOME


def test_next_on_the_site_is_kept_through_the_code_page(client, province, now):
    device = enrol(province.coordinator_user)
    log_in(client, "coord", next="/staff/hotline/")
    assert client.post(CODE, {"code": code_for(device, T0)})["Location"] == "/staff/hotline/"


@pytest.mark.django_db(transaction=True)
def test_a_column_another_process_adds_to_the_user_table_leaves_this_one_logged_in(client,
                                                                                   province):
    client.force_login(province.roads_staff_user)
    for _ in range(6):  # the person's query is prepared from its fifth run
        assert client.get(reverse("staff:home")).status_code == 200
    settings = connection.settings_dict
    # A later release's migration, from its own connection, while this process runs on.
    with psycopg.connect(dbname=settings["NAME"], user=settings["USER"],
                         password=settings["PASSWORD"] or None, host=settings["HOST"],
                         port=settings["PORT"] or 5432, autocommit=True) as migration:
        migration.execute("ALTER TABLE auth_user ADD COLUMN nickname varchar(30)")
        try:
            assert client.get(reverse("staff:home")).status_code == 200
        finally:
            migration.execute("ALTER TABLE auth_user DROP COLUMN nickname")
