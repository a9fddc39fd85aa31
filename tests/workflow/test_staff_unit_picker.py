"""The unit picker of the dispatch and re-route forms: tick boxes in Vietnamese alphabetical
order, a "find unit" box that narrows them without JavaScript (accents and case ignored), and
a static script for filtering as one types (no inline script: the CSP forbids it)."""

import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from routing.text import fold, matches, vietnamese_sort_key
from tests.conftest import MONDAY
from tests.factories import UnitFactory
from tests.workflow import drive
from workflow.models import Case


def case_url(case) -> str:
    return reverse("staff:case", args=[case.pk])


def picker_units(html: str, key: str = "dispatch") -> list[str]:
    """The unit names of the picker's tick boxes, in page order."""
    start = html.index(f'id="id_{key}_units"')
    block = html[start:html.index("</ul>", start)]
    return [name.strip() for name in re.findall(r"data-search=\"[^\"]*\"> ([^<]+)</label>",
                                                  block)]


def dispatch_page(client, province, query: str | None = None) -> str:
    case = drive.classified(province, MONDAY)
    client.force_login(province.coordinator_user)
    url = case_url(case) + (f"?find_units={query}" if query is not None else "")
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# --- The Vietnamese order and matching ------------------------------------------------------
def test_names_sort_in_vietnamese_alphabetical_order_not_by_code_points():
    names = ["Ủy ban nhân dân", "Điện lực Tây Ninh", "Dân tộc", "Sở Y tế", "Ân Thi",
             "An Giang", "Bệnh viện", "Ban quản lý"]
    assert sorted(names, key=vietnamese_sort_key) == [
        "An Giang", "Ân Thi", "Ban quản lý", "Bệnh viện", "Dân tộc", "Điện lực Tây Ninh",
        "Sở Y tế", "Ủy ban nhân dân"]


def test_tones_count_only_when_the_letters_are_the_same():
    assert sorted(["mã", "má", "ma", "mạ", "mà", "mả", "mai"], key=vietnamese_sort_key) == [
        "ma", "mà", "mả", "mã", "má", "mạ", "mai"]


def test_numbers_in_names_sort_by_their_value():
    assert sorted(["Phường 10", "Phường 2", "Phường 1"], key=vietnamese_sort_key) == [
        "Phường 1", "Phường 2", "Phường 10"]


def test_matching_ignores_accents_case_and_reads_d_for_dj():
    assert fold("Sở  GIAO Thông Đường bộ") == "so giao thong duong bo"
    assert matches("giao thong", "Sở Giao thông vận tải")
    assert matches("dien luc", "Điện lực Tây Ninh")
    assert matches("ĐIỆN", "Điện lực Tây Ninh")
    assert not matches("giao duc", "Sở Giao thông vận tải")


# --- The picker on the case page ------------------------------------------------------------
def test_the_dispatch_form_offers_labelled_tick_boxes_in_vietnamese_order(client, province):
    UnitFactory(name="Ban quản lý dự án", code="bql")
    UnitFactory(name="Đài Phát thanh", code="dai")
    UnitFactory(name="Công an tỉnh (đã giải thể)", code="old", is_active=False)
    html = dispatch_page(client, province)
    # Đ after D and before E; "Đài" before "Điện" (a before i); Ủ with U, not after Z.
    assert picker_units(html) == [
        "Ban quản lý dự án", "Đài Phát thanh", "Điện lực Tây Ninh", "Sở Giao thông vận tải",
        "UBND huyện Châu Thành"]
    assert "giải thể" not in html  # only active units
    assert '<legend>' in html and 'type="checkbox" name="units"' in html
    assert '<label for="id_dispatch_units_find">' in html


def test_the_find_box_narrows_the_list_without_javascript_ignoring_accents(client, province):
    html = dispatch_page(client, province, "giao thong")
    assert picker_units(html) == ["Sở Giao thông vận tải"]
    assert 'value="giao thong"' in html  # what was typed is kept
    assert 'href="?#action-dispatch"' in html  # and the whole list is one click away


def test_a_find_that_matches_nothing_says_so(client, province):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = dispatch_page(client, province, "khong co don vi nay")
    assert picker_units(html) == []
    assert re.search(r"<p class=\"unit-picker__none muted\" data-unit-picker-none>", html)


def test_the_find_box_is_a_get_form_of_its_own_outside_the_post_form(client, province):
    html = dispatch_page(client, province)
    finder = re.search(r'<form id="find-dispatch" method="get" action="#action-dispatch"[^>]*>'
                       r"</form>\s*<form method=\"post\"", html)
    assert finder is not None
    assert 'name="find_units"' in html and 'form="find-dispatch"' in html


def test_the_picker_script_is_a_static_file_not_inline(client, province):
    html = dispatch_page(client, province)
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", html, flags=re.S)
    assert scripts == [""]  # one script element, with no inline code
    assert '<script src="/static/js/unit-picker.js" defer>' in html
    source = Path(settings.BASE_DIR, "static", "js", "unit-picker.js").read_text()
    assert "data-unit-picker-search" in source and "data-search" in source


def test_a_unit_ticked_and_sent_back_with_an_error_stays_ticked(client, province):
    case = drive.classified(province, MONDAY)
    client.force_login(province.coordinator_user)
    response = client.post(reverse("staff:dispatch", args=[case.pk]),
                           {"units": [province.power.pk, 999999], "instructions": "Gấp"})
    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(rf'value="{province.power.pk}"[^>]*checked', html)
    assert "Gấp" in html


def test_dispatching_to_a_unit_found_through_the_box_works(client, province):
    case = drive.classified(province, MONDAY)
    client.force_login(province.coordinator_user)
    response = client.post(reverse("staff:dispatch", args=[case.pk]),
                           {"units": [province.roads.pk, province.other.pk]})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == Case.State.ASSIGNED


def test_the_reprocess_form_uses_the_picker_with_the_units_ticked(client, province):
    case = drive.reopened(province, MONDAY)
    client.force_login(province.coordinator_user)
    html = client.get(case_url(case)).content.decode()
    assert picker_units(html, "reprocess")
    assert re.search(rf'name="units" value="{province.roads.pk}"[^>]*checked', html)
