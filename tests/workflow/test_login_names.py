"""One form of a user name everywhere (SECURITY AC5): the log-in, the lockout, the code step,
enrolment and the admin's log-in all read a typed name through `normalise_username`, so no
spelling of a name escapes the lockout the name is under.
"""

import pytest
from django.urls import reverse

from routing.auth import normalise_username
from tests.factories import UserFactory
from tests.workflow.conftest import T0
from workflow import auth

from .test_auth import CODE, HOME, LOGIN, enrol, fail, log_in, logged_in

# One name, as a person (or a phone keyboard, or an attacker) might type it.
SPELLINGS = ["roads-staff", "Roads-Staff", "ROADS-STAFF", "  roads-staff ",
             "ｒｏａｄｓ－ｓｔａｆｆ", "Ｒｏａｄｓ-Staff\u3000"]


@pytest.fixture(autouse=True)
def _counters(empty_lockout_counters):  # noqa: PT004 — the shared fixture, for every test
    yield


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_every_spelling_of_a_name_has_one_normal_form(spelling):
    assert normalise_username(spelling) == "roads-staff"
    assert normalise_username(normalise_username(spelling)) == normalise_username(spelling)


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_a_locked_out_user_cannot_log_in_under_another_spelling(client, province, spelling):
    fail(client, "roads-staff", 5)
    assert log_in(client, spelling).status_code == 429
    assert not logged_in(client)


def test_failures_under_different_spellings_count_toward_one_lockout(client, province):
    for spelling in SPELLINGS[1:]:
        fail(client, spelling, 1)
    assert log_in(client, "roads-staff").status_code == 429
    assert not logged_in(client)


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_the_right_password_logs_in_under_any_spelling_of_the_name(client, province,
                                                                   spelling):
    response = log_in(client, spelling)
    assert response.status_code == 302 and response["Location"] == HOME
    assert client.session["_auth_user_id"] == str(province.roads_staff_user.pk)


def test_two_accounts_differing_only_in_case_log_in_by_their_exact_names_only(client, db):
    lower, upper = UserFactory(username="ana"), UserFactory(username="Ana")
    assert log_in(client, "ana").status_code == 302
    assert client.session["_auth_user_id"] == str(lower.pk)
    client.post(reverse("staff:logout"))
    assert log_in(client, "Ana").status_code == 302
    assert client.session["_auth_user_id"] == str(upper.pk)
    client.post(reverse("staff:logout"))
    # A third spelling could be either: it is neither.
    assert log_in(client, "ANA").status_code == 200
    assert not logged_in(client)


def test_wrong_codes_and_wrong_passwords_under_other_spellings_share_the_lockout(
    client, province, now
):
    device = enrol(province.coordinator_user)
    assert log_in(client, "Coord")["Location"] == CODE
    wrong = f"{(int(auth.totp(device.secret, T0)) + 1) % 1_000_000:06d}"
    for _ in range(3):
        assert client.post(CODE, {"code": wrong}).status_code == 400
    fail(client, "ｃｏｏｒｄ", 1)
    fail(client, " COORD ", 1)  # the fifth failure
    assert log_in(client, "coord").status_code == 429


def test_enrolment_failures_count_under_the_normal_form_of_the_name(client, province, now):
    from .test_auth import ENROL, allow_enrolment

    allow_enrolment(province.coordinator_user)
    assert log_in(client, "CoOrd")["Location"] == ENROL
    for _ in range(5):
        assert client.post(ENROL, {"code": "000000x"}).status_code == 400
    assert client.post(ENROL, {"code": "000000x"}).status_code == 429
    assert log_in(client, "coord").status_code == 429


def test_credentials_posted_to_the_admin_log_in_never_log_anyone_in(client, db):
    UserFactory(username="root", is_superuser=True, is_staff=True)
    response = client.post(reverse("admin:login"), {"username": "root",
                                                    "password": "a long test password 1022"})
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert client.get(reverse("admin:index")).status_code == 302


def test_the_admin_log_in_leads_to_the_lockout_of_the_staff_log_in(client, db):
    UserFactory(username="root", is_superuser=True, is_staff=True)
    fail(client, "ROOT", 5)
    target = client.get(reverse("admin:login"), {"next": "/admin/"})["Location"]
    assert client.post(target, {"username": "root",
                                "password": "a long test password 1022"}).status_code == 429
