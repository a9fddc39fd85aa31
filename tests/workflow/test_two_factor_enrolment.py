"""Setting up two-factor log-in needs the administrator's permission (SECURITY AC5, AU1).

A correct password alone must not let anyone attach an authenticator to an account: the
administrator opens an enrolment window for the person (24 hours), and an enrolment closes it.
"""

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from routing.models import AuditEvent, TwoFactorDevice, TwoFactorEnrolment
from tests.factories import UserFactory
from tests.workflow.conftest import T0
from workflow import auth

HOME = reverse("staff:home")
LOGIN = reverse("staff:login")
CODE = reverse("staff:login_code")
ENROL = reverse("staff:two_factor")
PASSWORD = "a long test password 1022"
ASK_THE_ADMINISTRATOR = "Ask the administrator to allow you to set up two-factor authentication."


@pytest.fixture(autouse=True)
def _counters(empty_lockout_counters):  # noqa: PT004 — the shared fixture, for every test
    yield


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def allow_enrolment(user, at: float = T0) -> TwoFactorEnrolment:
    return TwoFactorEnrolment.allow(user, now=datetime.fromtimestamp(at, tz=UTC))


def log_in(client, username: str, password: str = PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def enrol_through_the_pages(client, user, at: float = T0) -> TwoFactorDevice:
    assert log_in(client, user.get_username())["Location"] == ENROL
    assert client.get(ENROL).status_code == 200
    device = TwoFactorDevice.objects.get(user=user)
    response = client.post(ENROL, {"code": auth.totp(device.secret, at)})
    assert response.status_code == 302 and response["Location"] == HOME
    return device


def logged_in(client) -> bool:
    return client.get(HOME).status_code == 200


def refusals():
    return AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED, outcome="refused")


# --- Inside the window ---------------------------------------------------------------------------
def test_inside_the_window_a_coordinator_enrols_and_is_logged_in(client, province, now):
    allow_enrolment(province.coordinator_user)
    device = enrol_through_the_pages(client, province.coordinator_user)
    assert logged_in(client)
    assert TwoFactorDevice.objects.get(pk=device.pk).is_confirmed


def test_the_enrolment_closes_the_window(client, province, now):
    allow_enrolment(province.coordinator_user)
    enrol_through_the_pages(client, province.coordinator_user)
    assert not TwoFactorEnrolment.objects.filter(user=province.coordinator_user).exists()


# --- Outside the window --------------------------------------------------------------------------
def test_without_a_window_the_right_password_is_refused_with_a_clear_message(english, province,
                                                                              now):
    response = log_in(english, "coord")
    assert response.status_code == 403
    html = response.content.decode()
    assert 'id="enrolment-not-allowed"' in html and ASK_THE_ADMINISTRATOR in html
    # What the person typed is kept.
    assert 'value="coord"' in html


def test_without_a_window_no_session_and_no_secret_are_made(client, province, now):
    response = log_in(client, "coord")
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert auth.PENDING_SESSION_KEY not in client.session
    assert not logged_in(client)
    assert client.get(ENROL)["Location"] == LOGIN
    assert not TwoFactorDevice.objects.filter(user=province.coordinator_user).exists()


def test_without_a_window_the_attempt_is_audited(client, province, now):
    log_in(client, "coord")
    refusal = refusals().get()
    assert refusal.actor == province.coordinator_user
    assert refusal.username_tried == "coord" and refusal.ip == "127.0.0.1"
    assert refusal.detail == {"reason": "two_factor_enrolment_not_allowed"}
    assert PASSWORD not in str(refusal.detail)


def test_a_superuser_without_a_window_is_refused_too(client, db, now):
    UserFactory(username="root", is_superuser=True, is_staff=True)
    assert log_in(client, "root").status_code == 403
    assert refusals().get().username_tried == "root"


def test_a_window_shut_during_the_log_in_refuses_the_enrolment_page(english, province, now):
    allow_enrolment(province.coordinator_user)
    log_in(english, "coord")
    TwoFactorEnrolment.objects.filter(user=province.coordinator_user).delete()
    response = english.get(ENROL)
    assert response.status_code == 403
    assert ASK_THE_ADMINISTRATOR in response.content.decode()
    assert auth.PENDING_SESSION_KEY not in english.session
    assert AuditEvent.objects.filter(action=AuditEvent.Action.TWO_FACTOR_FAILED,
                                     outcome="refused").exists()


def test_unit_staff_need_a_window_to_turn_two_factor_on(english, province, now):
    english.force_login(province.roads_staff_user)
    response = english.get(ENROL)
    assert response.status_code == 403
    assert ASK_THE_ADMINISTRATOR in response.content.decode()
    assert not TwoFactorDevice.objects.filter(user=province.roads_staff_user).exists()


# --- The window's end ----------------------------------------------------------------------------
def test_the_window_expires_after_24_hours(client, province, now):
    allow_enrolment(province.coordinator_user)
    now.advance(24 * 60 * 60 + 1)
    assert log_in(client, "coord").status_code == 403
    assert refusals().count() == 1


def test_a_code_given_after_the_window_expired_does_not_enrol(client, province, now):
    allow_enrolment(province.coordinator_user)
    now.advance(24 * 60 * 60 - 60)
    log_in(client, "coord")
    client.get(ENROL)
    device = TwoFactorDevice.objects.get(user=province.coordinator_user)
    now.advance(120)
    response = client.post(ENROL, {"code": auth.totp(device.secret, now.value)})
    assert response.status_code == 403
    assert not TwoFactorDevice.objects.get(pk=device.pk).is_confirmed
    assert not logged_in(client)


def test_a_second_device_needs_a_new_window(client, province, now):
    allow_enrolment(province.coordinator_user)
    enrol_through_the_pages(client, province.coordinator_user)
    client.post(reverse("staff:logout"))
    # The phone is lost: the administrator resets the device; the old window is spent.
    TwoFactorDevice.objects.filter(user=province.coordinator_user).delete()
    assert log_in(client, "coord").status_code == 403
    allow_enrolment(province.coordinator_user, at=T0 + 60)
    now.advance(60)
    enrol_through_the_pages(client, province.coordinator_user, at=now.value)


def test_reopening_the_window_drops_an_unconfirmed_secret(client, province, now):
    allow_enrolment(province.coordinator_user)
    log_in(client, "coord")
    client.get(ENROL)
    first = TwoFactorDevice.objects.get(user=province.coordinator_user)
    allow_enrolment(province.coordinator_user)
    assert not TwoFactorDevice.objects.filter(pk=first.pk).exists()


# --- Who opens it --------------------------------------------------------------------------------
def test_the_admin_action_opens_the_window_for_24_hours_and_is_audited(admin_client, admin_user,
                                                                        province):
    user = province.coordinator_user
    response = admin_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "allow_two_factor_enrolment", "_selected_action": [user.pk]},
    )
    assert response.status_code == 302
    window = TwoFactorEnrolment.objects.get(user=user)
    assert window.opened_by == admin_user
    hours = (window.enrol_until - window.opened_at).total_seconds() / 3600
    assert hours == 24
    event = AuditEvent.objects.get(action=AuditEvent.Action.CONFIG_CHANGED)
    assert event.actor == admin_user
    assert event.detail["change"] == "two_factor_enrolment_allowed"
    assert event.detail["user_id"] == user.pk


def test_the_first_superuser_gets_a_window_from_the_command_and_enrols(client, db, now):
    call_command("createsuperuser", username="root", email="root@example.org",
                 interactive=False, stdout=StringIO())
    root = get_user_model().objects.get(username="root")
    root.set_password(PASSWORD)
    root.save()
    assert log_in(client, "root").status_code == 403
    out = StringIO()
    call_command("allow_two_factor_enrolment", "root", stdout=out)
    assert "root may set up two-factor log-in until" in out.getvalue()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CONFIG_CHANGED,
                                     detail__via="command").exists()
    # The command opens it from the real time; the log-in's clock follows.
    now.value = TwoFactorEnrolment.objects.get(user=root).opened_at.timestamp()
    enrol_through_the_pages(client, root, at=now.value)
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_command_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="No active user"):
        call_command("allow_two_factor_enrolment", "nobody")
