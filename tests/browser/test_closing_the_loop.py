"""Issue 18 acceptance: closing the loop with the reporter, through the real pages.

1. A citizen asks a follow-up question about the published reply on their tracked page; the
   handling unit sees it waiting in its queue and answers it from the case page; the citizen
   reads the answer on the tracked page and receives the SMS saying so.
2. A case dispatched to two units, one of which returns it as not its jurisdiction, ends
   published with the other unit's reply: its letter and its evidence photo are on the public
   answer page, and nothing of the unit that returned it.
3. A citizen sends the same report again; the coordinator sees the possible duplicate on its
   page, closes it as a duplicate of the case the units are handling, and the reporter is
   told by SMS which case answers theirs.

Each person's actions go through the pages, in a browser context of their own: the citizen
submits on the public form, the coordinator classifies, dispatches and publishes, the units
accept, draft and approve on their case pages. Only the accounts and units come from the
fixtures (and, in 2 and 3, the received case the coordinator starts from), as in the other
browser tests. "The worker" is the intake and outbox delivery run in the test thread. With no
SMS gateway, what is "sent" is kept for the administrator, who reads it on the "Sent messages
(no gateway)" admin page: that is where the test sees the SMS the citizen receives.
"""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from feedback.intake import build_waiting
from routing.models import TwoFactorDevice
from tests.browser.conftest import exact, log_in, open_page, screenshot, vi
from tests.browser.test_security_path import administrator
from tests.browser.test_staff_path import (
    accept_case,
    expect_message,
    open_action,
    open_case_from_queue,
    submit_draft,
)
from workflow import auth
from workflow.models import Case, Visibility
from workflow.notifications.delivery import deliver_message, requeue_pending

pytestmark = pytest.mark.browser

PHONE_NUMBER = "0912 345 678"
PHONE_DIGITS = "0912345678"


# --- Helpers -------------------------------------------------------------------------------------
def run_the_worker() -> None:
    """What the worker does moments later: send every message waiting in the outbox."""
    for message_id in requeue_pending(timezone.now()):
        deliver_message(message_id, now=timezone.now())


def administrator_page(new_context) -> Page:
    """The portal's administrator, logged in (password, then the two-factor code)."""
    admin = open_page(new_context)
    username, secret = administrator()
    log_in(admin, username, code_secret=secret)
    return admin


def sms_to(admin: Page, phone: str) -> list[str]:
    """The texts of the SMS sent to `phone` (digits only), newest first, as the administrator
    reads them: the rows of "Sent messages (no gateway)", each opened."""
    admin.goto(f"/admin/workflow/sentmessage/?kind__exact=sms&q={phone}")
    expect(admin.get_by_role("heading", level=1)).to_be_visible()
    rows = admin.locator("#result_list tbody tr").filter(has_text=phone)
    links = [rows.nth(i).get_by_role("link").first.get_attribute("href")
             for i in range(rows.count())]
    texts = []
    for href in links:
        admin.goto(href)
        texts.append(admin.locator(".field-body .readonly").inner_text().strip())
    return texts


def open_case_by_code(page: Page, code: str, queue: str = "") -> None:
    """From the person's queue (`queue`: one of several, by key), to the case with `code`."""
    page.goto("/staff/")
    scope = page.locator(f"section.queue:has(#queue-{queue}-title)") if queue else page
    link = scope.get_by_role("link", name=code).first
    expect(link).to_be_visible()
    link.click()
    page.wait_for_url("**/staff/cases/*/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(code)


def classify_and_dispatch(coord: Page, category: str, *units: str) -> None:
    """On the case page: the coordinator classifies the case and dispatches it to `units`."""
    classify = open_action(coord, vi("Classify"))
    classify.get_by_label(vi("Category")).select_option(label=category)
    classify.get_by_role("button", name=exact(vi("Classify"))).click()
    expect_message(coord, "The case was classified.")
    dispatch = open_action(coord, vi("Dispatch to units"))
    picker = dispatch.get_by_role("group", name=vi("Units"))
    for unit in units:
        picker.get_by_label(unit, exact=True).check()
    dispatch.get_by_role("button", name=exact(vi("Dispatch"))).click()
    expect_message(coord, "The case was dispatched.")


def publish(coord: Page, reply: str) -> None:
    """On the (reloaded) case page: the coordinator publishes `reply` for everyone."""
    coord.reload()
    form = open_action(coord, vi("Publish the reply"))
    form.get_by_label(vi("Reply"), exact=True).fill(reply)
    form.get_by_role("radio", name=vi(Visibility.PUBLIC.label), exact=True).check()
    form.get_by_role("button", name=exact(vi("Publish"))).click()
    expect_message(coord, "The reply was published.")
    expect(coord.locator(".facts").first).to_contain_text(vi(Case.State.PUBLISHED.label))


def track(page: Page, code: str, phone: str) -> None:
    """The citizen opens their feedback with its tracking code and their phone number."""
    page.goto("/tra-cuu/")
    page.get_by_role("textbox", name=vi("Tracking code"), exact=True).fill(code)
    page.get_by_role("textbox", name=vi("The phone number you gave"), exact=True).fill(phone)
    page.get_by_role("button", name=exact(vi("Show my feedback"))).click()
    page.wait_for_url("**/tra-cuu/ket-qua/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(code)


def submit_feedback(page: Page, title: str, content: str, phone: str) -> str:
    """The public form, filled as a citizen does; the tracking code the confirmation shows."""
    page.goto("/gui-phan-anh/")
    page.get_by_label(vi("Title")).fill(title)
    page.get_by_label(vi("What happened")).fill(content)
    page.get_by_label(vi("Where (address or landmark)")).fill("Trước số 12 đường 30/4")
    page.get_by_label(vi("Your full name")).fill("Phạm Thị Dung")
    page.get_by_label(vi("Your phone number")).fill(phone)
    page.get_by_label(vi("Your e-mail address")).fill("dung@example.vn")
    page.get_by_role("checkbox", name=vi(
        "I agree that my personal data is processed to handle this feedback, as the "
        "privacy notice explains.")).check()
    page.get_by_role("checkbox", name=vi(
        "Send me SMS updates: the tracking code and each step of the handling.")).check()
    page.get_by_role("button", name=exact(vi("Send feedback"))).click()
    page.wait_for_url("**/gui-phan-anh/da-gui/")
    return page.locator(".tracking-code").inner_text().strip()


@pytest.fixture
def coordinator_secret(province) -> str:
    """The coordinator's confirmed authenticator; its secret gives the current code."""
    device = TwoFactorDevice.objects.create(user=province.coordinator_user,
                                            secret=auth.new_secret(),
                                            confirmed_at=timezone.now())
    return device.secret


# --- 1. A follow-up question, answered by the unit -----------------------------------------------
QUESTION = "Đèn đã sáng lại nhưng cột đèn vẫn nghiêng, khi nào được sửa?"
ANSWER = "Sở Giao thông vận tải sẽ dựng lại cột đèn trước ngày 20/3/2026."
REPLY = "Sở Giao thông vận tải đã thay bóng đèn trước số 12 đường 30/4 ngày 03/3/2026."


def test_a_citizen_asks_about_the_reply_and_reads_the_units_answer_and_gets_the_sms(
        new_context, province, coordinator_secret):
    p = province
    # --- The citizen reports; the case is handled and published, all through the pages ----------
    citizen = open_page(new_context)
    code = submit_feedback(citizen, "Cột đèn nghiêng trên đường 30/4",
                           "Cột đèn trước số 12 đường 30/4 nghiêng, đèn không sáng.", PHONE_NUMBER)
    assert build_waiting() == 1  # the worker builds the case from the accepted form

    coord = open_page(new_context)
    log_in(coord, "coord", code_secret=coordinator_secret)
    open_case_by_code(coord, code)
    classify_and_dispatch(coord, p.permits.name, p.roads.name)

    staff = open_page(new_context)
    log_in(staff, "roads-staff")
    open_case_by_code(staff, code)
    accept_case(staff)
    submit_draft(staff, REPLY, "Trần Văn Bình")

    leader = open_page(new_context)
    log_in(leader, "roads-leader")
    open_case_by_code(leader, code, queue="approval")
    approve = open_action(leader, vi("Approve the draft"))
    approve.get_by_role("button", name=exact(vi("Approve"))).click()
    expect_message(leader, "The draft was approved.")

    publish(coord, REPLY)
    run_the_worker()
    admin = administrator_page(new_context)
    already_sent = len(sms_to(admin, PHONE_DIGITS))
    assert already_sent >= 1  # at least the tracking code

    # --- The citizen asks on the tracked page ------------------------------------------------
    citizen = open_page(new_context)
    track(citizen, code, PHONE_NUMBER)
    citizen.get_by_label(vi("Your question about the reply")).fill(QUESTION)
    citizen.get_by_role("button", name=exact(vi("Send my question"))).click()
    citizen.wait_for_url("**/tra-cuu/ket-qua/")
    expect(citizen.get_by_role("status").filter(
        has_text=vi("Your question was sent to the handling unit."))).to_be_visible()
    expect(citizen.locator(".comments")).to_contain_text(QUESTION)

    # --- The unit sees it waiting and answers it ---------------------------------------------
    unit = open_page(new_context)
    log_in(unit, "roads-staff")
    unit.goto("/staff/")
    row = unit.get_by_role("row").filter(has=unit.get_by_role("link", name=code))
    expect(row.first).to_contain_text(vi("Question waiting"))
    screenshot(unit, "closing-loop-unit-queue")
    open_case_by_code(unit, code)
    panel = unit.locator("#case-clarifications")
    expect(panel).to_contain_text(QUESTION)
    expect(panel).to_contain_text(vi("Question from the reporter waiting for an answer"))
    panel.get_by_label(vi("Answer to the reporter"), exact=True).fill(ANSWER)
    panel.get_by_role("button", name=exact(vi("Send the answer"))).click()
    expect_message(unit, "The answer was sent to the reporter.")
    expect(unit.locator("#case-clarifications")).to_contain_text(ANSWER)
    expect(unit.locator("#case-clarifications")).not_to_contain_text(
        vi("Question from the reporter waiting for an answer"))
    screenshot(unit, "closing-loop-clarification-answered")

    # --- The citizen reads the answer, under the unit's name, and gets the SMS -----------------
    citizen.reload()
    answer = citizen.locator(".comments li").filter(has_text=ANSWER)
    expect(answer).to_have_count(1)
    expect(answer).to_contain_text(province.roads.name)
    expect(answer).not_to_contain_text("roads-staff")  # the unit answers, not a person
    screenshot(citizen, "closing-loop-clarification-tracked")

    run_the_worker()
    sent = sms_to(admin, PHONE_DIGITS)  # newest first
    new = sent[:len(sent) - already_sent]
    assert len(new) == 1, new
    assert code in new[0]
    assert "da duoc tra loi" in new[0]  # SMS are sent without diacritics


# --- 2. Two units, one returns: published with the other's letter and photo ----------------------
RETURN_REASON = "Việc quản lý đèn đường trên tuyến này không thuộc thẩm quyền của huyện."
ROADS_REPLY = "Sở Giao thông vận tải đã thay ba bóng đèn trên đường 30/4 ngày 03/3/2026."


def test_a_case_one_of_two_units_returns_is_published_with_the_other_units_letter_and_photo(
        new_context, province, coordinator_secret):
    p = province
    case = p.receive(now=timezone.now())

    # --- The coordinator classifies and dispatches to two units --------------------------------
    coord = open_page(new_context)
    log_in(coord, "coord", code_secret=coordinator_secret)
    open_case_from_queue(coord, case, "closing-loop-coordinator")
    classify_and_dispatch(coord, p.permits.name, p.roads.name, p.other.name)

    # --- One unit returns it ------------------------------------------------------------------
    other = open_page(new_context)
    log_in(other, "other-staff")
    open_case_from_queue(other, case, "closing-loop-other-unit")
    giving_back = open_action(other, vi("Return: not our jurisdiction"))
    giving_back.get_by_label(vi("Reason")).fill(RETURN_REASON)
    giving_back.get_by_role("button", name=exact(vi("Return"))).click()
    other.wait_for_url("**/staff/")
    expect_message(other, "The case was returned to the coordination centre.")

    # --- The other unit answers, with a photo; its leader approves ------------------------------
    staff = open_page(new_context)
    log_in(staff, "roads-staff")
    open_case_from_queue(staff, case, "closing-loop-roads-staff")
    accept_case(staff)
    submit_draft(staff, ROADS_REPLY, "Trần Văn Bình", photo=True)

    leader = open_page(new_context)
    log_in(leader, "roads-leader")
    open_case_from_queue(leader, case, "closing-loop-roads-leader", queue="approval")
    approve = open_action(leader, vi("Approve the draft"))
    approve.get_by_role("button", name=exact(vi("Approve"))).click()
    expect_message(leader, "The draft was approved.")

    # --- The coordinator publishes it without waiting for the unit that returned it ------------
    publish(coord, ROADS_REPLY)

    # --- Anyone reads it on the public answer page --------------------------------------------
    public = open_page(new_context)
    public.goto(f"/tra-loi/{case.pk}/")
    expect(public.get_by_role("heading", level=1)).to_have_text(case.title)
    expect(public.locator(".reply")).to_contain_text(ROADS_REPLY)
    results = public.locator(".unit-results")
    expect(results.get_by_role("heading", level=3)).to_have_text([p.roads.name])
    expect(results).not_to_contain_text(p.other.name)
    letter = results.get_by_role("link", name=vi("Reply letter of %(unit)s (PDF)")
                                 % {"unit": p.roads.name})
    response = public.request.get(letter.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    photo = results.locator(".photos img")
    expect(photo).to_have_count(1)
    photo.scroll_into_view_if_needed()
    public.wait_for_function("img => img.complete && img.naturalWidth > 0",
                             arg=photo.element_handle())
    expect(public.get_by_text(RETURN_REASON)).to_have_count(0)
    screenshot(public, "closing-loop-partial-return-published")


# --- 3. A duplicate closed, its reporter told -----------------------------------------------------
ORIGINAL_TITLE = "Đèn đường hỏng trên đường 30/4"


def test_a_repeated_report_is_closed_as_a_duplicate_and_its_reporter_told(
        new_context, province, coordinator_secret):
    p = province
    # The first report, received; the coordinator sends it to a unit, on its page.
    original = p.receive(now=timezone.now(), title=ORIGINAL_TITLE)
    coord = open_page(new_context)
    log_in(coord, "coord", code_secret=coordinator_secret)
    open_case_from_queue(coord, original, "closing-loop-coordinator-original")
    classify_and_dispatch(coord, p.permits.name, p.roads.name)

    # --- A citizen sends the same report again -------------------------------------------------
    citizen = open_page(new_context)
    code = submit_feedback(citizen, "Đèn đường bị hỏng trên đường 30/4",
                           "Đèn trước số 12 đường 30/4 tắt cả tuần nay.", "0987 654 321")
    assert build_waiting() == 1  # the worker builds the case from the accepted form
    run_the_worker()
    admin = administrator_page(new_context)
    already_sent = len(sms_to(admin, "0987654321"))

    # --- The coordinator sees the possible duplicate and closes it -----------------------------
    coord.goto("/staff/")
    coord.get_by_role("link", name=code).first.click()
    coord.wait_for_url("**/staff/cases/*/")
    duplicates = coord.locator("section:has(#case-duplicates)")
    listed = duplicates.locator("li").filter(has_text=original.display_code)
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text(ORIGINAL_TITLE)
    screenshot(coord, "closing-loop-duplicate-listed")
    listed.get_by_role("button", name=exact(
        vi("Close this case as a duplicate of %(code)s") % {"code": original.display_code}
    )).click()
    expect_message(coord, "The case was closed as a duplicate; its reporter will be told.")
    expect(coord.locator("section:has(#case-duplicates)")).to_contain_text(
        vi("Closed as a duplicate of"))

    # --- The reporter is told, by SMS and on the tracked page ----------------------------------
    run_the_worker()
    sent = sms_to(admin, "0987654321")  # newest first
    new = sent[:len(sent) - already_sent]
    assert len(new) == 1, new
    assert code in new[0] and original.display_code in new[0]
    track(citizen, code, "0987654321")
    expect(citizen.locator(".facts")).to_contain_text(vi(Case.State.DUPLICATE.label))
    screenshot(citizen, "closing-loop-duplicate-tracked")
