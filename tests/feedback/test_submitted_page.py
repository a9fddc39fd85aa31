"""The page after a submission, and the submission's own cost (SECURITY DP5, IN4, AC4, RE1).

The "sent" page is reached through a signed, short-lived cookie holding only the
submission's id:
no session row is written for it, and nothing personal travels in a URL.
"""

import time
import uuid

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.core import signing
from django.urls import reverse

from feedback.models import Submission
from feedback.views import SUBMITTED_COOKIE, SUBMITTED_MAX_AGE, SUBMITTED_SALT
from tests.conftest import cache_down
from tests.feedback.support import SUBMIT, send, submission
from workflow.models import Case

pytestmark = pytest.mark.django_db

SUBMITTED = reverse("public:submitted")


def english(client) -> None:
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"


def signed_submission_id(submission_id: int, *, age: int = 0, salt: str = SUBMITTED_SALT) -> str:
    """The cookie's value as the submit view signs it, `age` seconds ago."""

    class Earlier(signing.TimestampSigner):
        def timestamp(self) -> str:
            return signing.b62_encode(int(time.time()) - age)

    signer = Earlier(key=b"django.http.cookies" + django_settings.SECRET_KEY.encode(),
                     salt=SUBMITTED_COOKIE + salt)
    return signer.sign(str(submission_id))


def test_a_submission_writes_no_session_and_its_cookie_reveals_neither_phone_nor_code(
        client, province):
    response = send(client, submission())
    case = Case.objects.get()
    assert response["Location"] == SUBMITTED
    assert not Session.objects.exists()
    cookie = response.cookies[SUBMITTED_COOKIE]
    assert cookie["httponly"] and cookie["path"] == SUBMITTED
    assert cookie["max-age"] == SUBMITTED_MAX_AGE
    assert case.reporter_phone not in cookie.value
    assert case.tracking_code not in cookie.value
    assert case.tracking_code not in response["Location"]
    page = client.get(SUBMITTED).content.decode()
    assert case.display_code in page


def test_a_forged_cookie_goes_back_to_the_form(client):
    send(client, submission())
    sent = Submission.objects.get()
    client.cookies[SUBMITTED_COOKIE] = f"{sent.pk}:forged:signature"
    response = client.get(SUBMITTED)
    assert response.status_code == 302
    assert response["Location"] == SUBMIT


def test_a_cookie_of_the_previous_release_holding_a_case_id_goes_back_to_the_form(client):
    send(client, submission())
    client.cookies[SUBMITTED_COOKIE] = signed_submission_id(
        Submission.objects.get().pk, salt=SUBMITTED_COOKIE)  # the old salt, a case's id
    response = client.get(SUBMITTED)
    assert response.status_code == 302
    assert response["Location"] == SUBMIT


def test_a_cookie_older_than_its_few_minutes_goes_back_to_the_form(client):
    send(client, submission())
    sent = Submission.objects.get()
    client.cookies[SUBMITTED_COOKIE] = signed_submission_id(sent.pk, age=30)
    assert client.get(SUBMITTED).status_code == 200
    client.cookies[SUBMITTED_COOKIE] = signed_submission_id(sent.pk,
                                                            age=SUBMITTED_MAX_AGE + 60)
    response = client.get(SUBMITTED)
    assert response.status_code == 302
    assert response["Location"] == SUBMIT


def test_the_sent_page_says_the_code_comes_by_sms_only_when_it_was_asked_for(client):
    english(client)
    send(client, submission(sms_updates="on"))
    assert "We also send it to you by SMS." in client.get(SUBMITTED).content.decode()
    send(client, submission(reporter_phone="0912000111"))
    assert "You did not ask for SMS updates" in client.get(SUBMITTED).content.decode()


def test_a_retry_once_the_phone_has_used_its_allowance_still_shows_the_first_case(
        client, settings):
    settings.PUBLIC_RATE_LIMITS = {**settings.PUBLIC_RATE_LIMITS, "submit:phone": (1, 3600)}
    data = submission(idempotency_key="retry-after-limit-" + "x" * 16)
    assert send(client, data).status_code == 302
    retry = send(client, data)
    assert retry.status_code == 302
    case = Case.objects.get()
    assert case.display_code in client.get(retry["Location"]).content.decode()
    assert send(client, submission()).status_code == 429


@pytest.fixture
def redis_cache(settings):
    """The production cache, Redis, with keys of this test's own."""
    settings.CACHES = {"default": {
        "BACKEND": "config.cache.RedisCache",
        "LOCATION": django_settings.REDIS_URL,
        "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }}


@pytest.mark.skipif(not django_settings.REDIS_URL, reason="needs REDIS_URL")
def test_the_limits_count_in_redis_in_one_round_trip_each(client, settings, redis_cache):
    settings.PUBLIC_RATE_LIMITS = {**settings.PUBLIC_RATE_LIMITS, "submit:ip": (2, 3600)}
    for n in range(2):
        assert send(client, submission(reporter_phone=f"09123456{n:02d}")
                           ).status_code == 302
    assert send(client, submission(reporter_phone="0988000111")).status_code == 429
    assert Case.objects.count() == 2


def test_with_the_cache_down_a_citizen_can_still_submit(client, settings):
    cache_down(settings)
    response = send(client, submission())
    assert response.status_code == 302
    assert Case.objects.count() == 1
