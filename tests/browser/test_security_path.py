"""The security features as the people they are for meet them, through the real pages.

1. With no SMS gateway configured, what the portal "sends" is kept for the administrator
   (workflow.SentMessage): a citizen submits feedback asking for SMS updates, the
   administrator logs in (password, then the two-factor code) and reads the SMS with the
   tracking code in the admin; a unit's staff opening the same page is refused.
2. A coordinator whose administrator allowed two-factor enrolment logs in, lands on the
   enrolment page, sees its QR code load under the portal's real Content-Security-Policy,
   types the code computed from the key the page shows, and reaches the staff pages.
"""

from __future__ import annotations

import time

import pytest
from django.utils import timezone
from django.utils.text import capfirst
from playwright.sync_api import Page, expect

from feedback.intake import build_waiting
from routing import totp
from routing.models import AuditEvent, TwoFactorDevice, TwoFactorEnrolment
from tests.browser.conftest import (
    PASSWORD,
    exact,
    log_in,
    login_labels,
    open_page,
    screenshot,
    vi,
)
from tests.factories import UserFactory
from workflow import auth
from workflow.models import Case, SentMessage
from workflow.notifications.delivery import deliver_message, requeue_pending

pytestmark = pytest.mark.browser

TITLE = "Cống thoát nước bị tắc trước chợ phường 5"
CONTENT = "Rác bịt kín miệng cống, nước đọng bốc mùi suốt hai ngày nay."
PHONE_NUMBER = "0987 654 321"


# --- Helpers -------------------------------------------------------------------------------------
def submit_feedback_asking_for_sms(page: Page) -> str:
    """The public form, filled as a citizen does, both consents ticked; the tracking code
    the confirmation page shows."""
    page.goto("/gui-phan-anh/")
    page.get_by_label(vi("Title")).fill(TITLE)
    page.get_by_label(vi("What happened")).fill(CONTENT)
    page.get_by_label(vi("Where (address or landmark)")).fill("Chợ phường 5")
    page.get_by_label(vi("Your full name")).fill("Trần Văn Bình")
    page.get_by_label(vi("Your phone number")).fill(PHONE_NUMBER)
    page.get_by_label(vi("Your e-mail address")).fill("binh@example.vn")
    page.get_by_role("checkbox", name=vi(
        "I agree that my personal data is processed to handle this feedback, as the "
        "privacy notice explains.")).check()
    sms = page.get_by_role("checkbox", name=vi(
        "Send me SMS updates: the tracking code and each step of the handling."))
    expect(sms).not_to_be_checked()  # consent starts unticked (DP2)
    sms.check()
    page.get_by_role("button", name=exact(vi("Send feedback"))).click()
    page.wait_for_url("**/gui-phan-anh/da-gui/")
    return page.locator(".tracking-code").inner_text().strip()


def run_the_workers() -> None:
    """What the worker does moments later: build the case, send its outbox."""
    assert build_waiting() == 1
    for message_id in requeue_pending(timezone.now()):
        deliver_message(message_id, now=timezone.now())


def administrator() -> tuple[str, str]:
    """The portal's administrator, with a confirmed authenticator: name and its secret."""
    user = UserFactory(username="quantri", is_staff=True, is_superuser=True)
    device = TwoFactorDevice.objects.create(user=user, secret=auth.new_secret(),
                                            confirmed_at=timezone.now())
    return user.get_username(), device.secret


# --- 1. The sent SMS, read by the administrator --------------------------------------------------
def test_the_administrator_reads_the_sms_a_citizen_was_sent_and_unit_staff_cannot(
        new_context, province):
    citizen = open_page(new_context)
    code = submit_feedback_asking_for_sms(citizen)
    run_the_workers()
    case = Case.objects.get(title=TITLE)
    assert case.display_code == code

    admin = open_page(new_context)
    username, secret = administrator()
    log_in(admin, username, code_secret=secret)
    admin.goto("/admin/")
    admin.get_by_role("link", name=exact(capfirst(vi("sent messages (no gateway)")))).click()
    admin.wait_for_url("**/admin/workflow/sentmessage/")
    row = admin.get_by_role("row").filter(has_text="0987654321")
    expect(row).to_have_count(1)
    screenshot(admin, "security-path-sent-messages")
    listing_url = admin.url
    row.get_by_role("link").first.click()
    expect(admin.locator(".field-body")).to_contain_text(code)
    message_url = admin.url
    screenshot(admin, "security-path-sent-sms")
    assert SentMessage.objects.filter(kind=SentMessage.Kind.SMS, body__contains=code).exists()

    # A unit's staff, logged in, opening the same pages: refused, nothing of the SMS shown.
    unit = open_page(new_context)
    log_in(unit, "roads-staff")
    for url in (listing_url, message_url):
        response = unit.goto(url)
        assert response is not None and response.status == 403
        expect(unit.get_by_role("heading", level=1)).to_have_text(vi("Not allowed"))
        expect(unit.get_by_role("alert")).to_have_text(
            vi("Your account cannot open the administration pages."))
        expect(unit.get_by_text(code)).to_have_count(0)
        expect(unit.get_by_text("0987654321")).to_have_count(0)
    screenshot(unit, "security-path-sent-sms-unit-staff")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PERMISSION_DENIED,
                                     actor=province.roads_staff_user).count() == 2


# --- 2. A coordinator enrols an authenticator -----------------------------------------------------
@pytest.mark.browser_context_args(bypass_csp=False)
def test_a_coordinator_allowed_to_enrol_scans_the_qr_code_and_reaches_the_staff_pages(
        new_context, province):
    coordinator = province.coordinator_user
    TwoFactorEnrolment.allow(coordinator)
    page = open_page(new_context)
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)

    user_label, password_label = login_labels()
    page.goto("/staff/login/")
    page.get_by_label(user_label).fill(coordinator.get_username())
    page.get_by_label(password_label).fill(PASSWORD)
    page.get_by_role("button", name=exact(vi("Log in"))).click()
    page.wait_for_url("**/staff/two-factor/")
    expect(page.get_by_role("heading", level=1)).to_have_text(vi("Two-factor log-in"))

    qr = page.get_by_role("img", name=vi("QR code of your two-factor key"))
    expect(qr).to_be_visible()
    page.wait_for_function("img => img.complete", arg=qr.element_handle())
    assert qr.evaluate("img => img.naturalWidth") > 0, "the QR code did not load"
    screenshot(page, "security-path-enrolment")

    key = page.locator("code.secret").first.inner_text()
    page.get_by_label(vi("6-digit code")).fill(totp.totp(key, time.time()))
    page.get_by_role("button", name=exact(vi("Turn on two-factor log-in"))).click()
    page.wait_for_url("**/staff/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("button", name=exact(vi("Log out")))).to_be_visible()
    screenshot(page, "security-path-enrolled-dashboard")
    assert violations == []
    assert TwoFactorDevice.objects.get(user=coordinator).confirmed_at is not None
    assert not TwoFactorEnrolment.objects.filter(user=coordinator).exists()
