"""One-time codes by SMS: a reporter who lost the tracking code opens their feedback with
their phone (SECURITY AC3, AC4, AU3).

A code is six digits, kept in the cache (Redis in production) only as an HMAC keyed with
SECRET_KEY, next to an attempt counter, for PUBLIC_OTP["TTL_SECONDS"]. Cache keys carry a
keyed digest of the phone, never the phone. The SMS goes straight to the SMS backend, never
through the outbox table, so the code is written nowhere in clear.

A number with no feedback gets a record too, of a code nobody is sent: asking, guessing and
being locked out then behave the same whether or not the number is ours to know about.

While the SMS gateway's circuit breaker is open (workflow/notifications/breaker.py) no code
can reach any number: asking is refused at once, for every number alike, instead of waiting
out the gateway's time-outs. A code's send does not count toward the breaker: its read
time-out is shorter than the outbox's, and a gateway merely slower than that would hold every
case's SMS.
"""

from __future__ import annotations

import enum
import logging
import secrets
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from workflow.models import Case
from workflow.notifications import breaker
from workflow.notifications.backends import SmsError, get_sms_backend
from workflow.notifications.render import sms_text

logger = logging.getLogger(__name__)

CODE_DIGITS = 6
PAGE_SIZE = 20


class OtpUnavailable(Exception):
    """The code could not be stored or sent: the cache or the SMS gateway failed."""


class Check(enum.Enum):
    OK = "ok"
    WRONG = "wrong"  # not the code; tries are left
    SPENT = "spent"  # expired, never asked for, or tried too many times


def _setting(name: str) -> int | float:
    return settings.PUBLIC_OTP[name]


def _phone_key(phone: str) -> str:
    return salted_hmac("feedback.otp.phone", phone, algorithm="sha256").hexdigest()[:40]


def _code_digest(phone: str, code: str) -> str:
    return salted_hmac("feedback.otp.code", f"{phone}:{code}", algorithm="sha256").hexdigest()


def _keys(phone: str) -> tuple[str, str]:
    ident = _phone_key(phone)
    return f"otp:code:{ident}", f"otp:tries:{ident}"


def new_code() -> str:
    return f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"


def phone_has_cases(phone: str) -> bool:
    # Rejected cases are deleted by retention and closed ones lose their phone when they
    # are anonymised, so a plain match on the phone leaves both out.
    return bool(phone) and Case.objects.filter(reporter_phone=phone).exists()


def sms_held() -> bool:
    """Whether the SMS gateway is down (its breaker open): nothing can be sent until a probe
    finds it answering again."""
    return breaker.held_until(timezone.now()) is not None


def send_code(phone: str) -> bool:
    """Store a fresh code for `phone` (replacing any earlier one) and, if the number has
    feedback, send it by SMS now. Returns whether an SMS was sent; the caller must not tell
    the person. Raises OtpUnavailable when the cache or the gateway fails, and at once, with
    nothing stored, while the gateway's breaker is open.

    The reporter's SMS consent (feedback.Consent) is not asked: a code the person asked for
    this minute is the answer to their request, not a notification about their case.
    """
    if sms_held():
        raise OtpUnavailable
    code = new_code()
    code_key, tries_key = _keys(phone)
    ttl = int(_setting("TTL_SECONDS"))
    known = phone_has_cases(phone)
    # An unknown number stores a code that is never sent, so nothing there can match.
    stored = code if known else new_code() + "-unsent"
    try:
        cache.set_many({code_key: _code_digest(phone, stored), tries_key: 0}, timeout=ttl)
    except Exception:  # noqa: BLE001 — any cache failure: tell the person to try later
        logger.warning("One-time code not stored: cache unavailable")
        raise OtpUnavailable from None
    if not known:
        return False
    text = sms_text(
        _("%(portal)s: your code to open your feedback is %(code)s. Do not share it.")
        % {"portal": settings.PROVINCE["portal_name"], "code": code},
        without_diacritics=settings.SMS_WITHOUT_DIACRITICS,
    )
    try:
        # Synchronous, with shorter time-outs than the outbox's: the person is waiting.
        get_sms_backend(CONNECT_TIMEOUT=_setting("CONNECT_TIMEOUT"),
                        READ_TIMEOUT=_setting("READ_TIMEOUT")).send(
            phone, text, reference=f"c1022-otp-{uuid.uuid4().hex[:16]}")
    except (SmsError, ValueError) as error:
        # The error's text holds neither number nor message (backends' rule, AU3).
        logger.warning("One-time code SMS not sent: %s", error)
        cache.delete_many([code_key, tries_key])
        raise OtpUnavailable from None
    return True


def check_code(phone: str, code: str) -> Check:
    """Whether `code` is the live code of `phone`. A right code is used up; the
    PUBLIC_OTP["MAX_ATTEMPTS"]-th wrong one (or a cache failure) ends the code."""
    code_key, tries_key = _keys(phone)
    try:
        digest = cache.get(code_key)
        if digest is None:
            return Check.SPENT
        try:
            tries = cache.incr(tries_key)
        except ValueError:  # the counter expired with the code
            return Check.SPENT
        if tries > int(_setting("MAX_ATTEMPTS")):
            cache.delete_many([code_key, tries_key])
            return Check.SPENT
        if constant_time_compare(digest, _code_digest(phone, code)):
            cache.delete_many([code_key, tries_key])
            return Check.OK
        if tries >= int(_setting("MAX_ATTEMPTS")):
            cache.delete_many([code_key, tries_key])
        return Check.WRONG
    except Exception:  # noqa: BLE001
        logger.warning("One-time code not checked: cache unavailable")
        return Check.SPENT


# --- The cases a verified phone may open ----------------------------------------------------
@dataclass(frozen=True)
class PhoneCaseRow:
    pk: int
    code: str
    state: str
    title: str
    received_at: object


def cases_of_phone(phone: str, page_number: str | int | None) -> Page:
    """The feedback sent from `phone`, newest first, one page; two queries whatever the page."""
    rows = (Case.objects.filter(reporter_phone=phone)
            .order_by("-received_at", "-pk")
            .only("pk", "tracking_code", "state", "title", "received_at", "is_state_secret"))
    page = Paginator(rows, PAGE_SIZE).get_page(page_number)
    page.object_list = [
        PhoneCaseRow(pk=case.pk, code=case.display_code, state=case.get_state_display(),
                     # A state secret shows its status only (SECURITY DP4).
                     title="" if case.is_state_secret else case.title,
                     received_at=case.received_at)
        for case in page.object_list
    ]
    return page


def case_of_phone(phone: str, case_id: int) -> Case | None:
    """The case `case_id` if it was sent from `phone`; None for anyone else's."""
    if not phone:
        return None
    return Case.objects.filter(pk=case_id, reporter_phone=phone).first()
