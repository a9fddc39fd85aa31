"""Issue 3 acceptance: one case's whole path across the four roles, through the real pages.

The coordinator (password, then the current TOTP code) classifies the case and dispatches it
to two units; one of them returns it as not its jurisdiction; the coordinator re-routes it;
each unit's staff accepts and submits an Appendix 1 draft (one with an evidence photo, which
its leader sees as a thumbnail); each leader approves; the
coordinator publishes; the supervisor reads it all and can change nothing.

Every person has a browser context of their own (their own session), side by side. Fields
are found by their labels and buttons by their names, so unlabelled fields fail the test.
One leader works with the keyboard only, and so does the coordinator re-routing the case
through the unit picker's "find unit" box.
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from routing.models import TwoFactorDevice
from tests.browser.conftest import (
    PASSWORD,
    exact,
    log_in,
    login_labels,
    open_page,
    screenshot,
    vi,
)
from tests.browser.test_accessibility import assert_accessible
from workflow import auth
from workflow.models import Assignment, Case, Visibility

pytestmark = pytest.mark.browser

REASON = "Việc chiếu sáng do Điện lực quản lý, không thuộc thẩm quyền của huyện."


# --- Page helpers --------------------------------------------------------------------------------
def action(page: Page, title: str):
    """One action of the case page (a <details> with its form), by its title."""
    return page.locator("details.action").filter(
        has=page.locator(".action__title", has_text=exact(title))
    )


def open_action(page: Page, title: str):
    """The action, unfolded if it was folded (side actions are)."""
    details = action(page, title)
    expect(details).to_have_count(1)
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    expect(details).to_have_attribute("open", "")
    return details


def expect_message(page: Page, text: str) -> None:
    expect(page.get_by_role("status").filter(has_text=vi(text))).to_be_visible()


def open_case_from_queue(page: Page, case: Case, role: str, queue: str = "") -> None:
    """From the person's queue (`queue`: one of several, by key), where the case must be
    listed, to its page."""
    page.goto("/staff/")
    scope = page.locator(f"section.queue:has(#queue-{queue}-title)") if queue else page
    link = scope.get_by_role("link", name=case.display_code)
    expect(link).to_be_visible()
    screenshot(page, f"staff-path-queue-{role}")
    link.click()
    page.wait_for_url(f"**/staff/cases/{case.pk}/")


def pick_unit_by_keyboard(page: Page, form, words: str, unit: str, *, hidden: str) -> None:
    """Find `unit` in the unit picker by typing `words` (no accents), then tick it with the
    keyboard: the list narrows as one types (static/js/unit-picker.js)."""
    find = form.get_by_label(vi("Find a unit"), exact=True)
    tab_to(page, find)
    page.keyboard.type(words)
    picker = form.get_by_role("group", name=vi("Units"))
    box = picker.get_by_label(unit, exact=True)
    expect(box).to_be_visible()
    expect(picker.get_by_label(hidden, exact=True)).to_be_hidden()
    page.keyboard.press("Enter")  # the "Find" form's submit: the page must not reload
    expect(find).to_be_focused()
    page.keyboard.press("ArrowDown")  # down to the first unit shown
    expect(box).to_be_focused()
    page.keyboard.press("Space")
    expect(box).to_be_checked()


def jpeg_upload() -> dict:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (320, 240), (30, 140, 90)).save(buffer, "JPEG")
    return {"name": "anh-hien-truong.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def submit_draft(page: Page, body: str, signer: str, *, photo: bool = False) -> None:
    """The Appendix 1 form, every field by its label."""
    draft = open_action(page, vi("Draft reply (Appendix 1)"))
    draft.get_by_label(vi("Document number"), exact=True).fill("125/SGTVT-QLGT")
    draft.get_by_label(vi("Date"), exact=True).fill(timezone.localdate().isoformat())
    draft.get_by_label(vi("To (Kính gửi)"), exact=True).fill("Ông Nguyễn Văn An")
    draft.get_by_label(vi("Reply"), exact=True).fill(body)
    draft.get_by_label(vi("Signed by"), exact=True).fill(signer)
    draft.get_by_label(vi("Signer's title"), exact=True).fill("Phó Giám đốc")
    draft.get_by_label(vi("Recipients (Nơi nhận)"), exact=True).fill("- Như trên;\n- Lưu: VT.")
    photos = draft.get_by_label(vi("Evidence photos"), exact=True)
    expect(photos).to_have_attribute("type", "file")
    if photo:
        photos.set_input_files(files=[jpeg_upload()])
    draft.get_by_role("button", name=exact(vi("Send to the leader"))).click()
    expect_message(page, "The draft reply was sent to the unit's leader.")


def accept_case(page: Page) -> None:
    accept = open_action(page, vi("Accept the case"))
    accept.get_by_role("button", name=exact(vi("Accept"))).click()
    expect_message(page, "You accepted the case; the handling deadline runs.")


def keyboard_log_in(page: Page, username: str) -> None:
    """Log in with the keyboard only: the user name field has the focus on arrival."""
    user_label, password_label = login_labels()
    page.goto("/staff/login/")
    expect(page.get_by_label(user_label)).to_be_focused()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    expect(page.get_by_label(password_label)).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/staff/")


def tab_to(page: Page, target, limit: int = 80) -> None:
    """Press Tab until `target` has the focus (it must be reachable by keyboard)."""
    handle = target.element_handle()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("el => document.activeElement === el", handle):
            return
    pytest.fail(f"{target} cannot be reached with the Tab key within {limit} presses")


# --- The test ------------------------------------------------------------------------------------
@pytest.fixture
def coordinator_secret(province) -> str:
    """The coordinator's confirmed authenticator; its secret gives the current code."""
    device = TwoFactorDevice.objects.create(user=province.coordinator_user,
                                            secret=auth.new_secret(),
                                            confirmed_at=timezone.now())
    return device.secret


def test_one_case_across_the_four_roles(new_context, province, coordinator_secret):
    p = province
    case = p.receive(title="Đèn đường hỏng trên đường 30/4",
                     content="Ba bóng đèn đường trước số 12 không sáng từ tuần trước.")

    # --- Coordinator: classify, dispatch to two units --------------------------------------------
    coord = open_page(new_context)
    log_in(coord, "coord", code_secret=coordinator_secret)
    open_case_from_queue(coord, case, "coordinator")
    expect(coord.get_by_role("heading", level=1)).to_contain_text(case.title)

    classify = open_action(coord, vi("Classify"))
    classify.get_by_label(vi("Category")).select_option(label=p.permits.name)
    expect(classify.get_by_label(vi("State secret (Art. 10.3c): never published"))) \
        .not_to_be_checked()
    classify.get_by_role("button", name=exact(vi("Classify"))).click()
    expect_message(coord, "The case was classified.")

    coord.reload()  # without the flash message: the picker's page is what axe checks here
    dispatch = open_action(coord, vi("Dispatch to units"))
    picker = dispatch.get_by_role("group", name=vi("Units"))
    picker.get_by_label(p.roads.name, exact=True).check()
    picker.get_by_label(p.other.name, exact=True).check()
    assert_accessible(coord, "staff-path-dispatch-picker")
    dispatch.get_by_label(vi("Instructions to the units")).fill("Kiểm tra và trả lời trong hạn.")
    dispatch.get_by_role("button", name=exact(vi("Dispatch"))).click()
    expect_message(coord, "The case was dispatched.")
    case.refresh_from_db()
    assert case.state == Case.State.ASSIGNED
    assert set(case.assignments.values_list("unit__code", flat=True)) == {"roads", "chau-thanh"}

    # --- One unit returns it: not its jurisdiction -----------------------------------------------
    other = open_page(new_context)
    log_in(other, "other-staff")
    open_case_from_queue(other, case, "other-unit-staff")
    giving_back = open_action(other, vi("Return: not our jurisdiction"))
    giving_back.get_by_label(vi("Reason")).fill(REASON)
    giving_back.get_by_role("button", name=exact(vi("Return"))).click()
    other.wait_for_url("**/staff/")
    expect_message(other, "The case was returned to the coordination centre.")
    returned = case.assignments.get(unit=p.other)
    assert returned.state == Assignment.State.RETURNED
    assert returned.return_reason == REASON

    # --- Coordinator re-routes to the right unit -------------------------------------------------
    coord.reload()
    expect(coord.get_by_text(REASON).first).to_be_visible()  # the reason is in the history
    reroute = open_action(coord, vi("Re-route to other units"))
    pick_unit_by_keyboard(coord, reroute, "dien luc", p.power.name, hidden=p.roads.name)
    dispatch_button = reroute.get_by_role("button", name=exact(vi("Dispatch")))
    tab_to(coord, dispatch_button)
    coord.keyboard.press("Enter")
    expect_message(coord, "The case was dispatched.")
    case.refresh_from_db()
    assert case.state == Case.State.ASSIGNED
    active = case.assignments.exclude(state=Assignment.State.RETURNED)
    assert set(active.values_list("unit__code", flat=True)) == {"roads", "power"}

    # --- Unit staff accept and submit their drafts -----------------------------------------------
    drafts = {
        "roads": ("roads-staff", "Sở Giao thông vận tải đã phối hợp kiểm tra tuyến đường.",
                  "Trần Văn Bình"),
        "power": ("power-staff", "Điện lực Tây Ninh đã thay ba bóng đèn ngày 03/3/2026.",
                  "Lê Thị Cúc"),
    }
    for unit_code, (username, body, signer) in drafts.items():
        staff = open_page(new_context)
        log_in(staff, username)
        open_case_from_queue(staff, case, f"{unit_code}-staff")
        accept_case(staff)
        submit_draft(staff, body, signer, photo=unit_code == "power")
        expect(staff.locator(".draft").filter(has_text=body)).to_be_visible()
    case.refresh_from_db()
    assert case.state == Case.State.PROCESSED

    # --- Leaders approve: the roads leader with the keyboard only -------------------------------
    leader = open_page(new_context)
    keyboard_log_in(leader, "roads-leader")
    open_case_from_queue(leader, case, "roads-leader", queue="approval")
    approve = action(leader, vi("Approve the draft"))
    expect(approve).to_have_attribute("open", "")
    approve_button = approve.get_by_role("button", name=exact(vi("Approve")))
    tab_to(leader, approve_button)
    leader.keyboard.press("Enter")
    expect_message(leader, "The draft was approved.")

    leader = open_page(new_context)
    log_in(leader, "power-leader")
    open_case_from_queue(leader, case, "power-leader", queue="approval")
    approve = open_action(leader, vi("Approve the draft"))
    # The unit's evidence photo, as a thumbnail the browser could load (CSP img-src 'self').
    thumbnail = leader.locator(".draft-photos img")
    expect(thumbnail).to_have_count(1)
    expect(thumbnail).to_be_visible()
    assert leader.evaluate("img => img.complete && img.naturalWidth", thumbnail.element_handle())
    approve.get_by_role("button", name=exact(vi("Approve"))).click()
    expect_message(leader, "The draft was approved.")
    case.refresh_from_db()
    assert case.state == Case.State.APPROVED

    # --- Coordinator publishes -------------------------------------------------------------------
    coord.reload()
    publish = open_action(coord, vi("Publish the reply"))
    reply = publish.get_by_label(vi("Reply"), exact=True)
    expect(reply).to_have_value(re.compile("Điện lực Tây Ninh đã thay ba bóng đèn"))
    reply.fill("Điện lực Tây Ninh đã thay ba bóng đèn; Sở Giao thông vận tải đã kiểm tra tuyến.")
    publish.get_by_role("radio", name=vi(Visibility.PUBLIC.label), exact=True).check()
    publish.get_by_role("button", name=exact(vi("Publish"))).click()
    expect_message(coord, "The reply was published.")
    case.refresh_from_db()
    assert case.state == Case.State.PUBLISHED
    assert case.visibility == Visibility.PUBLIC

    # --- Supervisor: sees it, read-only --------------------------------------------------------
    supervisor = open_page(new_context)
    log_in(supervisor, "super")
    open_case_from_queue(supervisor, case, "supervisor")
    expect(supervisor.locator(".facts")).to_contain_text(vi(Case.State.PUBLISHED.label))
    expect(supervisor.locator(".draft")).to_have_count(2)
    expect(supervisor.locator(".draft-photos img")).to_have_count(1)
    actions = supervisor.locator("section.actions")
    expect(actions.locator("form")).to_have_count(0)
    expect(actions.get_by_role("button")).to_have_count(0)
    screenshot(supervisor, "staff-path-case-supervisor")
    # Every unit's figures, and one unit's view opened from them.
    supervisor.goto("/staff/")
    supervisor.get_by_role("navigation").get_by_role("link", name=exact(vi("Units"))).click()
    supervisor.wait_for_url("**/staff/units/")
    row = supervisor.locator(f"#unit-{p.power.pk}")
    expect(row).to_contain_text(p.power.name)
    assert_accessible(supervisor, "staff-path-units-supervisor")
    row.get_by_role("link", name=exact(p.power.name)).click()
    supervisor.wait_for_url(f"**/staff/units/{p.power.pk}/")
    expect(supervisor.get_by_role("heading", level=1)).to_have_text(p.power.name)
    assert_accessible(supervisor, "staff-path-unit-supervisor")
    # A post behind the page's back (with a valid CSRF token) is refused too.
    token = next(c["value"] for c in supervisor.context.cookies() if c["name"] == "csrftoken")
    response = supervisor.request.post(f"/staff/cases/{case.pk}/reprocess/",
                                       headers={"X-CSRFToken": token},
                                       form={"note": "x", "units": str(p.roads.pk)})
    assert response.status == 403
