"""The public answer page in a browser: a published case's reply letter is linked and opens as
a PDF, and the unit's evidence photo is shown as an image with its alternative text."""

from __future__ import annotations

import pytest
from django.utils import translation

from tests.browser.conftest import assert_css_loaded, screenshot, vi
from tests.publishing import results

pytestmark = pytest.mark.browser


def test_the_public_answer_page_links_the_letter_and_shows_the_units_photo(page, province):
    case = results.published(province, photos=1)
    page.goto(f"/tra-loi/{case.pk}/")
    assert_css_loaded(page)

    letter_name = vi("Reply letter of %(unit)s (PDF)") % {"unit": province.roads.name}
    link = page.get_by_role("link", name=letter_name)
    href = link.get_attribute("href")
    letter = page.request.get(href)
    assert letter.ok and letter.headers["content-type"] == "application/pdf"
    assert letter.body().startswith(b"%PDF")

    with translation.override("vi"):
        alt = translation.gettext("Photo %(number)d of the result from %(unit)s") % {
            "number": 1, "unit": province.roads.name}
    photo = page.get_by_role("img", name=alt)
    photo.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                           arg=photo.element_handle())
    assert photo.evaluate("img => img.naturalWidth") == 40
    screenshot(page, "public-answer-result")
