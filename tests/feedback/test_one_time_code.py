"""A lost tracking code: the reporter opens their feedback with a one-time code by SMS
(SECURITY AC3, AC4, AU3)."""

import logging
import re
import time
from datetime import timedelta

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.db import models
from django.urls import reverse
from django.utils import timezone

from tests.conftest import MONDAY
from tests.feedback.support import TRACK, TRACKED
from tests.workflow.test_notifications import StandInGateway
from workflow.notifications import backends, breaker

pytestmark = pytest.mark.django_db

OTP_REQUEST = reverse("public:otp_request")
OTP_CHECK = reverse("public:otp_check")
MY_CASES = reverse("public:my_cases")
OPEN_CASE = reverse("public:open_case")
PHONE = "0912345678"
OTHER_PHONE = "0987654321"
ON_ITS_WAY = "a code is on its way to it by SMS"
NOT_RIGHT = "This code is not right."
SPENT = "This code has expired or was tried too many times."


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture(autouse=True)
def sms(settings):
    settings.SMS_BACKEND = "workflow.notifications.backends.LocmemSmsBackend"
    backends.outbox.clear()
    yield backends.outbox
    backends.outbox.clear()


def ask_code(client, phone: str = PHONE, **extra):
    return client.post(OTP_REQUEST, {"otp-phone": phone}, **extra)


def enter_code(client, code: str, **extra):
    return client.post(OTP_CHECK, {"code": code}, **extra)


def code_in(message) -> str:
    return re.search(r"\b(\d{6})\b", message.text).group(1)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def opened_with_code(client, sms) -> None:
    assert ask_code(client).status_code == 302
    assert enter_code(client, code_in(sms[-1]))["Location"] == MY_CASES


def test_a_code_sent_by_sms_opens_the_list_of_that_phones_feedback(client, province, sms):
    older = province.receive(MONDAY, title="Cống thoát nước bị tắc")
    newer = province.receive(MONDAY.replace(day=5), title="Cây đổ chắn đường")
    someone_else = province.receive(MONDAY, reporter_phone=OTHER_PHONE, title="Rác chưa thu gom")

    response = ask_code(client, "0912 345 678")
    assert response.status_code == 302 and response["Location"] == OTP_CHECK
    assert ON_ITS_WAY in client.get(OTP_CHECK).content.decode()
    (message,) = sms
    assert message.to == PHONE

    response = enter_code(client, code_in(message))
    assert response.status_code == 302 and response["Location"] == MY_CASES
    html = client.get(MY_CASES).content.decode()
    assert html.index(newer.display_code) < html.index(older.display_code)
    assert "Cây đổ chắn đường" in html and "Cống thoát nước bị tắc" in html
    assert someone_else.display_code not in html and "Rác chưa thu gom" not in html


def test_a_case_from_the_list_opens_as_tracked(client, province, sms):
    case = province.receive(MONDAY)
    opened_with_code(client, sms)
    response = client.post(OPEN_CASE, {"case": case.pk})
    assert response["Location"] == TRACKED
    html = client.get(TRACKED).content.decode()
    assert case.display_code in html
    assert reverse("public:my_cases") in html  # the way back to the list


def test_the_sms_names_the_portal_and_the_code_and_nothing_else(client, province, sms,
                                                                 settings):
    case = province.receive(MONDAY)
    settings.SMS_WITHOUT_DIACRITICS = True
    ask_code(client)
    settings.SMS_WITHOUT_DIACRITICS = False
    ask_code(client)
    plain, marked = sms
    assert "Cong 1022 Tay Ninh" in plain.text and "Cổng 1022 Tây Ninh" not in plain.text
    assert "Cổng 1022 Tây Ninh" in marked.text
    for message in (plain, marked):
        assert re.findall(r"\d+", message.text) == ["1022", code_in(message)]
        assert case.tracking_code not in message.text and case.title not in message.text
        assert case.reporter_name not in message.text and PHONE not in message.text


def test_five_wrong_codes_use_the_code_up(client, province, sms):
    province.receive(MONDAY)
    ask_code(client)
    code = code_in(sms[0])
    for _ in range(5):
        response = enter_code(client, wrong(code))
        assert response.status_code == 400
        assert NOT_RIGHT in response.content.decode()
    response = enter_code(client, code)
    assert response.status_code == 400
    assert SPENT in response.content.decode()
    assert client.get(MY_CASES)["Location"] == TRACK


def test_an_expired_code_is_refused(client, province, sms, settings):
    province.receive(MONDAY)
    settings.PUBLIC_OTP = {**settings.PUBLIC_OTP, "TTL_SECONDS": 1}
    ask_code(client)
    time.sleep(1.2)
    response = enter_code(client, code_in(sms[0]))
    assert response.status_code == 400
    assert SPENT in response.content.decode()


def test_a_new_code_replaces_the_one_before(client, province, sms):
    province.receive(MONDAY)
    ask_code(client)
    ask_code(client)
    first, second = (code_in(m) for m in sms)
    if first != second:  # one chance in a million that the two are the same
        assert NOT_RIGHT in enter_code(client, first).content.decode()
    assert enter_code(client, second)["Location"] == MY_CASES


def page_text(response, phone: str) -> str:
    """The page's main content, without the per-render CSRF token and the number typed."""
    html = re.search(r"<main.*?</main>", response.content.decode(), re.S).group(0)
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return html.replace(phone, "PHONE")


def test_an_unknown_phone_gets_the_same_answer_and_no_sms(client, province, sms):
    province.receive(MONDAY)
    known = ask_code(client, PHONE)
    known_page = client.get(OTP_CHECK)
    known_wrong = enter_code(client, "000000")
    unknown = ask_code(client, OTHER_PHONE)
    unknown_page = client.get(OTP_CHECK)
    unknown_wrong = enter_code(client, "000000")

    assert len(sms) == 1 and sms[0].to == PHONE
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == OTP_CHECK
    assert page_text(known_page, PHONE) == page_text(unknown_page, OTHER_PHONE)
    assert ON_ITS_WAY in unknown_page.content.decode()
    if code_in(sms[0]) != "000000":
        assert page_text(known_wrong, PHONE) == page_text(unknown_wrong, OTHER_PHONE)
        assert NOT_RIGHT in unknown_wrong.content.decode()


def test_an_unknown_phone_is_locked_out_like_a_known_one(client, province, sms):
    ask_code(client, OTHER_PHONE)
    answers = [enter_code(client, "123456").content.decode() for _ in range(6)]
    assert all(NOT_RIGHT in html for html in answers[:5])
    assert SPENT in answers[5]


def test_a_phone_gets_three_codes_in_fifteen_minutes_from_any_address(client, province, sms):
    province.receive(MONDAY)
    for n in range(3):
        assert ask_code(client, REMOTE_ADDR=f"10.3.0.{n}").status_code == 302
    response = ask_code(client, REMOTE_ADDR="10.4.0.1")
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert len(sms) == 3


def test_one_address_asks_for_ten_codes_an_hour_whatever_the_phones(client, province, sms):
    province.receive(MONDAY)
    for n in range(10):
        assert ask_code(client, f"09100000{n:02d}").status_code == 302
    assert ask_code(client, PHONE).status_code == 429
    assert sms == []


def test_wrong_codes_from_one_address_get_throttled(client, province, sms, settings):
    settings.PUBLIC_RATE_LIMITS = {**settings.PUBLIC_RATE_LIMITS, "otp_check:ip": (3, 900)}
    province.receive(MONDAY)
    ask_code(client)
    code = code_in(sms[0])
    for _ in range(3):
        enter_code(client, wrong(code))
    response = enter_code(client, code)
    assert response.status_code == 429


def test_another_phones_case_cannot_be_opened_by_forging_its_id(client, province, sms):
    province.receive(MONDAY)
    other = province.receive(MONDAY, reporter_phone=OTHER_PHONE)
    opened_with_code(client, sms)
    response = client.post(OPEN_CASE, {"case": other.pk})
    assert response.status_code == 404
    assert client.get(TRACKED)["Location"] == TRACK
    for forged in ("", "abc", "99999999999999999999"):
        assert client.post(OPEN_CASE, {"case": forged}).status_code == 404


def test_the_list_needs_a_phone_proved_by_a_code(client, province, sms):
    case = province.receive(MONDAY)
    ask_code(client)  # asked, never entered
    assert client.get(MY_CASES)["Location"] == TRACK
    assert client.post(OPEN_CASE, {"case": case.pk})["Location"] == TRACK


def test_the_code_page_needs_a_code_asked_for(client):
    assert client.get(OTP_CHECK)["Location"] == TRACK


def test_the_session_gets_a_new_key_when_the_code_is_right(client, province, sms):
    province.receive(MONDAY)
    ask_code(client)
    before = client.session.session_key
    enter_code(client, code_in(sms[0]))
    assert client.session.session_key != before
    assert not Session.objects.filter(session_key=before).exists()


def test_finishing_forgets_the_phone(client, province, sms):
    case = province.receive(MONDAY)
    opened_with_code(client, sms)
    client.post(OPEN_CASE, {"case": case.pk})
    assert client.post(reverse("public:stop_tracking"))["Location"] == MY_CASES
    assert client.post(reverse("public:forget_phone"))["Location"] == TRACK
    assert client.get(MY_CASES)["Location"] == TRACK
    assert client.get(TRACKED)["Location"] == TRACK


def text_in_database(needle: str) -> list[str]:
    """Every text column of every table whose value holds `needle`."""
    found = []
    for model in apps.get_models():
        fields = [f.attname for f in model._meta.concrete_fields
                  if isinstance(f, models.CharField | models.TextField | models.JSONField)]
        for row in model._base_manager.values_list(*fields) if fields else ():
            found += [f"{model._meta.label}.{name}" for name, value in zip(fields, row, strict=True)
                      if needle in str(value)]
    return found


def test_the_code_never_appears_in_logs_or_the_database_in_clear(client, province, sms, caplog):
    province.receive(MONDAY)
    caplog.set_level(logging.DEBUG)
    ask_code(client)
    code = code_in(sms[0])
    enter_code(client, wrong(code))
    enter_code(client, code)
    assert code not in caplog.text and PHONE not in caplog.text
    assert text_in_database(code) == []
    assert "workflow.Case.reporter_phone" in text_in_database(PHONE)  # the search does search
    for session in Session.objects.all():
        assert code not in str(session.get_decoded())


def test_a_gateway_failure_says_so_and_keeps_the_phone(client, province, settings, caplog):
    province.receive(MONDAY)
    settings.SMS_BACKEND = "workflow.notifications.backends.HttpGatewaySmsBackend"
    settings.SMS_GATEWAY = {**settings.SMS_GATEWAY, "URL": "http://127.0.0.1:1/send"}
    response = ask_code(client, "0912 345 678")
    assert response.status_code == 503
    html = response.content.decode()
    assert "We could not send the SMS just now." in html
    assert 'value="0912 345 678"' in html
    assert client.get(OTP_CHECK)["Location"] == TRACK
    assert "One-time code SMS not sent" in caplog.text and PHONE not in caplog.text


def test_a_number_that_is_not_a_phone_is_refused_next_to_its_field(client, sms):
    response = ask_code(client, "12ab")
    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(r'id="id_otp-phone_error1">Enter a Vietnamese phone number', html)
    assert 'value="12ab"' in html
    assert sms == []


def test_a_code_typed_with_spaces_or_full_width_digits_is_read(client, province, sms):
    province.receive(MONDAY)
    ask_code(client)
    code = code_in(sms[0])
    typed = " ".join(chr(ord(d) + 0xFF10 - 0x30) for d in code)  # "１ ２ ３ …"
    assert enter_code(client, typed)["Location"] == MY_CASES


def test_letters_for_a_code_are_refused_next_to_the_field(client, province, sms):
    ask_code(client)
    response = enter_code(client, "12345x")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_code_error1">Enter the six digits of the code.' in html
    assert 'value="12345x"' in html


# --- While the SMS gateway is down (its circuit breaker open, SECURITY RE4) -----------------------
COULD_NOT_SEND = "We could not send the SMS just now."


@pytest.fixture
def gateway(settings):
    """The carrier's gateway on loopback, taking 3 seconds to answer: long enough to notice."""
    stand_in = StandInGateway(pause=3.0)
    settings.SMS_BACKEND = "workflow.notifications.backends.HttpGatewaySmsBackend"
    settings.SMS_GATEWAY = stand_in.settings()
    settings.OUTBOX_BREAKER_FAILURES = 1
    yield stand_in
    stand_in.close()


def gateway_down() -> None:
    """The outbox found the gateway failing: its breaker opens, probing a minute later."""
    breaker.record_trouble(timezone.now(), "gateway unreachable")


def gateway_back() -> None:
    """The next probe finds the gateway answering."""
    assert breaker.probe_gateway(timezone.now() + timedelta(minutes=2))


def test_while_the_gateway_is_down_the_code_page_answers_at_once(client, province, gateway):
    province.receive(MONDAY)
    gateway_down()
    response = ask_code(client, "0912 345 678")
    assert response.status_code == 503
    assert COULD_NOT_SEND in response.content.decode()
    assert 'value="0912 345 678"' in response.content.decode()
    assert gateway.requests == []  # not even tried: the slow gateway is never waited for


def test_while_the_gateway_is_down_the_code_page_says_when_to_try_again(client, province,
                                                                        gateway, settings):
    province.receive(MONDAY)
    gateway_down()
    response = ask_code(client, PHONE)
    assert response.status_code == 503
    assert int(response["Retry-After"]) == settings.OUTBOX_BREAKER_PROBE_SECONDS


def test_while_the_gateway_is_down_a_number_with_no_feedback_gets_the_same_answer(
        client, province, gateway):
    province.receive(MONDAY)
    gateway_down()
    known, unknown = ask_code(client, PHONE), ask_code(client, OTHER_PHONE)
    assert known.status_code == unknown.status_code == 503
    assert page_text(known, PHONE) == page_text(unknown, OTHER_PHONE)


def test_codes_not_sent_while_the_gateway_is_down_leave_the_phone_its_three(
        client, province, gateway, settings):
    province.receive(MONDAY)
    gateway_down()
    for n in range(3):
        assert ask_code(client, REMOTE_ADDR=f"10.5.0.{n}").status_code == 503
    settings.SMS_BACKEND = "workflow.notifications.backends.LocmemSmsBackend"  # answering
    gateway_back()
    for n in range(3):
        assert ask_code(client, REMOTE_ADDR=f"10.6.0.{n}").status_code == 302
    assert ask_code(client, REMOTE_ADDR="10.7.0.1").status_code == 429


def test_asking_while_the_gateway_is_down_still_counts_against_the_address(
        client, province, gateway):
    gateway_down()
    for n in range(10):
        assert ask_code(client, f"09100000{n:02d}").status_code == 503
    assert ask_code(client, PHONE).status_code == 429


def test_while_the_gateway_is_down_sending_a_code_stores_and_sends_nothing(province, gateway):
    from feedback import otp

    province.receive(MONDAY)
    gateway_down()
    with pytest.raises(otp.OtpUnavailable):
        otp.send_code(PHONE)
    assert otp.check_code(PHONE, "000000") is otp.Check.SPENT  # no code to guess
    assert gateway.requests == []
