"""Accessibility: axe-core finds no serious or critical violation on the main pages.

axe-core comes from npm (package.json / package-lock.json at the repository root; run
`npm ci` once). It is injected into each page and run against the rendered DOM, with the
stylesheets applied, so colour contrast is checked too.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from routing.models import TwoFactorDevice
from tests.browser.conftest import PHONE, assert_css_loaded, log_in, screenshot, vi
from tests.conftest import MONDAY
from tests.workflow import drive
from workflow import auth

pytestmark = pytest.mark.browser

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}


def axe_violations(page) -> list[dict]:
    assert AXE.is_file(), (
        f"axe-core is missing ({AXE}). Install the npm dev dependencies first: "
        "`npm ci --no-audit --no-fund` at the repository root."
    )
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
            nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary,
                                      html: n.html.slice(0, 200)})),
        }));
    }""")
    return result


def readable(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:8]:
            lines.append(f"    at {node['target']}: {node['html']}")
            for line in (node["summary"] or "").splitlines():
                lines.append(f"        {line}")
        if len(v["nodes"]) > 8:
            lines.append(f"    … and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


def unfold_all_actions(page) -> None:
    """Open every folded action, so the forms inside are checked too."""
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")


def assert_accessible(page, name: str) -> None:
    assert_css_loaded(page)
    screenshot(page, f"axe-{name}")
    violations = axe_violations(page)
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    others = [v for v in violations if v["impact"] not in BLOCKING]
    if others:
        print(f"\n{name}: minor/moderate axe findings (not failing):\n{readable(others)}")
    assert not blocking, (
        f"axe-core found serious or critical violations on {name} ({page.url}):\n"
        f"{readable(blocking)}"
    )


@pytest.fixture
def published_case(province):
    return drive.published(province, MONDAY,
                           title="Đường ngập sau mưa ở phường 3",
                           content="Nước ngập sâu nửa mét trên đường Trần Hưng Đạo.")


PUBLIC_PAGES = {
    "home": lambda case: reverse("publishing:home"),
    "submit": lambda case: reverse("public:submit"),
    "track": lambda case: reverse("public:track"),
    "answers-search": lambda case: reverse("publishing:answers") + "?q=duong+ngap",
    "answer": lambda case: reverse("publishing:answer", args=[case.pk]),
}


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_page_has_no_serious_violation(page, published_case, name):
    page.goto(PUBLIC_PAGES[name](published_case))
    assert_accessible(page, name)


def test_submit_page_with_errors_has_no_serious_violation(page, province):
    page.goto(reverse("public:submit"))
    page.get_by_role("button", name=vi("Send feedback")).click()
    page.get_by_role("alert").first.wait_for()
    assert_accessible(page, "submit-errors")


def open_tracked(page, case) -> None:
    """Open the reporter's own page of `case` with its tracking code and phone."""
    page.goto(reverse("public:track"))
    page.get_by_role("textbox", name=vi("Tracking code"), exact=True).fill(case.display_code)
    page.get_by_role("textbox", name=vi("The phone number you gave"),
                      exact=True).fill(case.reporter_phone)
    page.get_by_role("button", name=vi("Show my feedback")).click()
    page.wait_for_url("**/tra-cuu/ket-qua/")


def test_tracked_page_has_no_serious_violation(page, published_case):
    """The reporter's own page, with the rating and question forms."""
    open_tracked(page, published_case)
    assert_accessible(page, "tracked")


@pytest.mark.browser_context_args(viewport=PHONE, is_mobile=True, has_touch=True)
@pytest.mark.parametrize("name", ["home", "answer"])
def test_public_page_on_a_phone_has_no_serious_violation(page, published_case, name):
    page.goto(PUBLIC_PAGES[name](published_case))
    assert_accessible(page, f"{name}-phone")


def test_staff_login_has_no_serious_violation(page, province):
    page.goto(reverse("staff:login"))
    assert_accessible(page, "staff-login")


def test_staff_queue_and_case_have_no_serious_violation(page, province):
    """A unit's queue, and a case page with the draft form (Appendix 1) open."""
    case = drive.processing(province, MONDAY).case
    log_in(page, "roads-staff")
    assert_accessible(page, "staff-queue")
    page.get_by_role("link", name=case.display_code).click()
    page.wait_for_url(f"**/staff/cases/{case.pk}/")
    unfold_all_actions(page)
    assert_accessible(page, "staff-case")


def test_coordinator_queue_and_case_have_no_serious_violation(page, province):
    """The coordinator's queue and a case page with the dispatch form (a multiple select)."""
    secret = TwoFactorDevice.objects.create(user=province.coordinator_user,
                                            secret=auth.new_secret(),
                                            confirmed_at=timezone.now()).secret
    case = drive.classified(province, MONDAY)
    log_in(page, "coord", code_secret=secret)
    assert_accessible(page, "coordinator-queue")
    page.goto(reverse("staff:case", args=[case.pk]))
    unfold_all_actions(page)
    assert_accessible(page, "coordinator-case")


def test_personal_data_request_page_has_no_serious_violation(page, published_case):
    """The reporter's own page for seeing, correcting or deleting their data (DP7)."""
    open_tracked(page, published_case)
    page.get_by_role("link", name=vi("See, correct or delete your personal data")).click()
    page.wait_for_url("**/tra-cuu/du-lieu-ca-nhan/")
    page.get_by_role("button", name=vi("Send the request")).click()  # nothing chosen: errors
    page.locator(".field-error").first.wait_for()
    assert_accessible(page, "data-request-errors")


def test_coordinator_personal_data_requests_have_no_serious_violation(page, province):
    from routing.selectors import REPORTER
    from workflow.models import DataRequest
    from workflow.privacy import requests as privacy

    secret = TwoFactorDevice.objects.create(user=province.coordinator_user,
                                            secret=auth.new_secret(),
                                            confirmed_at=timezone.now()).secret
    data_request = privacy.file_request(
        case=province.receive(), kind=DataRequest.Kind.CORRECT, channel="web", actor=REPORTER,
        now=MONDAY, corrections={"reporter_address": "12 đường 30/4"})
    log_in(page, "coord", code_secret=secret)
    page.goto(reverse("staff:data_requests"))
    assert_accessible(page, "staff-data-requests")
    page.goto(reverse("staff:data_request", args=[data_request.pk]))
    assert_accessible(page, "staff-data-request")
