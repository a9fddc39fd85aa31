"""Issue 4 acceptance: a citizen on a phone, from submitting to an unsatisfied rating.

The citizen's side goes through the real pages on a 390×844 viewport; the staff's side
(classify, dispatch, accept, draft, approve, publish) is driven through the services, which
the staff-path test covers through the pages.
"""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from feedback.intake import build_waiting
from feedback.models import Attachment, Rating
from tests.browser.conftest import PHONE, assert_css_loaded, exact, screenshot, vi
from workflow import services
from workflow.models import Case, Visibility

pytestmark = pytest.mark.browser

TITLE = "Đường ngập sau mưa ở phường 3"
CONTENT = "Nước ngập sâu nửa mét trên đường Trần Hưng Đạo mỗi khi mưa lớn, xe máy chết máy."
PHONE_NUMBER = "0912 345 678"
REPLY = "Công ty Cấp thoát nước đã nạo vét cống trên đường Trần Hưng Đạo ngày 05/3/2026."


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "ngap.jpg"
    out = io.BytesIO()
    Image.new("RGB", (120, 80), (40, 90, 160)).save(out, "JPEG", quality=80)
    path.write_bytes(out.getvalue())
    return path


def publish_through_services(p, case: Case) -> Case:
    """The staff's part, received → published, as the services do it."""
    step = timezone.now
    services.classify_case(case_id=case.pk, category=p.permits, actor=p.coordinator, now=step())
    services.dispatch_case(case_id=case.pk, unit_ids=[p.roads.pk], actor=p.coordinator,
                           now=step())
    assignment = case.assignments.get(unit=p.roads)
    services.accept_assignment(assignment_id=assignment.pk, actor=p.roads_staff, now=step())
    services.submit_draft(assignment_id=assignment.pk, actor=p.roads_staff, now=step(),
                          body=REPLY)
    services.approve_assignment(assignment_id=assignment.pk, actor=p.roads_leader, now=step())
    return services.publish_case(case_id=case.pk, visibility=Visibility.PUBLIC,
                                 reply_text=REPLY, actor=p.coordinator, now=step())


@pytest.mark.browser_context_args(viewport=PHONE, is_mobile=True, has_touch=True)
def test_citizen_submits_finds_the_answer_tracks_and_reopens(page, province, photo):
    # --- Submit, with a photo ----------------------------------------------------------------
    page.goto("/")
    assert_css_loaded(page)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"], \
        "the home page scrolls sideways on a phone"
    page.get_by_role("main").get_by_role("link", name=exact(vi("Send feedback"))).click()
    page.wait_for_url("**/gui-phan-anh/")
    page.get_by_label(vi("Title")).fill(TITLE)
    page.get_by_label(vi("What happened")).fill(CONTENT)
    page.get_by_label(vi("Where (address or landmark)")).fill("Đường Trần Hưng Đạo, phường 3")
    page.get_by_label(vi("Photos (optional)")).set_input_files(photo)
    page.get_by_label(vi("Your full name")).fill("Nguyễn Thị Hoa")
    page.get_by_label(vi("Your phone number")).fill(PHONE_NUMBER)
    page.get_by_label(vi("Your e-mail address")).fill("hoa@example.vn")
    page.get_by_role("checkbox", name=vi(
        "I agree that my personal data is processed to handle this feedback, as the "
        "privacy notice explains.")).check()
    screenshot(page, "citizen-submit-phone")
    page.get_by_role("button", name=exact(vi("Send feedback"))).click()
    page.wait_for_url("**/gui-phan-anh/da-gui/")
    code = page.locator(".tracking-code").inner_text().strip()
    screenshot(page, "citizen-submitted-phone")

    # The worker builds the case from the accepted form, as it does moments later.
    assert build_waiting() == 1
    case = Case.objects.get(title=TITLE)
    assert case.display_code == code
    assert case.state == Case.State.RECEIVED
    assert case.reporter_phone == "0912345678"
    assert Attachment.objects.filter(case=case, kind=Attachment.Kind.PHOTO).count() == 1

    # --- The staff answer it -------------------------------------------------------------------
    publish_through_services(province, case)

    # --- Search without diacritics, read the reply --------------------------------------------
    page.goto("/")
    page.get_by_label(vi("Search the published answers")).fill("duong ngap")
    page.get_by_label(vi("Search the published answers")).press("Enter")
    page.wait_for_url("**/tra-loi/?q=duong+ngap")
    result = page.get_by_role("link", name=TITLE)
    expect(result).to_be_visible()
    screenshot(page, "citizen-search-phone")
    result.click()
    page.wait_for_url(f"**/tra-loi/{case.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator(".reply")).to_contain_text(REPLY)
    expect(page.get_by_text("0912345678")).to_have_count(0)  # the reporter is never shown
    expect(page.get_by_text("Nguyễn Thị Hoa")).to_have_count(0)
    screenshot(page, "citizen-answer-phone")

    # --- Track with code and phone --------------------------------------------------------------
    page.get_by_role("navigation").get_by_role("link", name=vi("Track your feedback")).click()
    page.wait_for_url("**/tra-cuu/")
    page.get_by_role("textbox", name=vi("Tracking code"),
                      exact=True).fill(code.lower())
    page.get_by_role("textbox", name=vi("The phone number you gave"),
                      exact=True).fill(PHONE_NUMBER)
    page.get_by_role("button", name=exact(vi("Show my feedback"))).click()
    page.wait_for_url("**/tra-cuu/ket-qua/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(code)
    expect(page.locator(".facts")).to_contain_text(vi(Case.State.PUBLISHED.label))
    expect(page.locator(".reply")).to_contain_text(REPLY)
    expect(page.locator("img.photos, .photos img")).to_have_count(1)

    # --- Rate it unsatisfied: reopened -----------------------------------------------------------
    page.get_by_role("radio", name=vi(Rating.Value.UNSATISFIED.label), exact=True).check()
    page.get_by_label(vi("Why (optional)")).fill("Vẫn còn ngập sau trận mưa hôm qua.")
    screenshot(page, "citizen-rate-phone")
    page.get_by_role("button", name=exact(vi("Send my rating"))).click()
    expect(page.get_by_role("status").filter(
        has_text=vi("Thank you: your rating was recorded."))).to_be_visible()
    expect(page.locator(".facts")).to_contain_text(vi(Case.State.REOPENED.label))
    expect(page.get_by_role("button", name=exact(vi("Send my rating")))).to_have_count(0)
    screenshot(page, "citizen-reopened-phone")

    case.refresh_from_db()
    assert case.state == Case.State.REOPENED
    assert case.ratings.get().value == Rating.Value.UNSATISFIED
