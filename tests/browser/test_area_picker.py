"""The citizen finds their ward by typing part of its name, accents left out."""

from __future__ import annotations

import pytest

from feedback.intake import build_waiting
from tests.area_support import make_areas
from tests.browser.conftest import vi
from workflow.models import Case

pytestmark = pytest.mark.browser


def test_typing_without_accents_narrows_the_list_to_the_ward_and_the_case_has_it(page,
                                                                                 province):
    areas = make_areas()
    page.goto("/gui-phan-anh/")
    page.get_by_label(vi("Find your commune or ward")).fill("an loc")
    area = page.get_by_label(vi("Commune or ward (optional)"), exact=True)
    assert area.locator("option").all_inner_texts() == [vi("I am not sure"), "Phường Ân Lộc"]
    area.select_option(label="Phường Ân Lộc")
    page.get_by_label(vi("Find your commune or ward")).fill("")
    assert area.locator("option").count() == 5  # all back, the choice kept
    assert area.input_value() == str(areas.an_loc.pk)
    page.get_by_label(vi("Title")).fill("Đèn đường hỏng trước chợ")
    page.get_by_label(vi("What happened")).fill("Ba bóng đèn đường trước chợ không sáng.")
    page.get_by_label(vi("Your full name")).fill("Nguyễn Thị Hoa")
    page.get_by_label(vi("Your phone number")).fill("0912 345 678")
    page.get_by_label(vi("Your e-mail address")).fill("hoa@example.vn")
    page.locator("input[name=consent]").check()
    page.get_by_role("button", name=vi("Send feedback"), exact=True).click()
    page.wait_for_url("**/gui-phan-anh/da-gui/")
    build_waiting()
    assert Case.objects.get().area == areas.an_loc
