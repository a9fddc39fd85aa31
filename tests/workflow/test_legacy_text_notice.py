"""Text typed in the legacy TCVN3 or VNI encodings is flagged to staff on the case page, with a
reading of it in Unicode (SECURITY IN3)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

VNI_CONTENT = "Nöôùc ngaäp saâu nöûa meùt treân ñöôøng Traàn Höng Ñaïo moãi khi möa lôùn."
TCVN3_CONTENT = "N\u00adíc ngËp s©u nöa mÐt trªn ®\u00adêng TrÇn H\u00adng §¹o."


def case_page(client, user, case) -> str:
    client.force_login(user)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("staff:case", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_case_typed_in_vni_shows_staff_a_notice_and_its_reading(client, province):
    case = province.receive(title="Ñöôøng ngaäp", content=VNI_CONTENT)
    page = case_page(client, province.coordinator_user, case)
    assert "This text seems typed in the old VNI font encoding, not in Unicode." in page
    assert "Nước ngập sâu nửa mét trên đường Trần Hưng Đạo mỗi khi mưa lớn." in page
    assert "Đường ngập" in page
    assert VNI_CONTENT in page  # the text as sent stays on the page


def test_a_case_typed_in_tcvn3_shows_the_notice_in_vietnamese(client, province):
    case = province.receive(title="§\u00adêng ngËp", content=TCVN3_CONTENT)
    client.force_login(province.coordinator_user)
    page = client.get(reverse("staff:case", args=[case.pk])).content.decode()
    assert "TCVN3" in page
    assert "Nước ngập sâu nửa mét trên đường Trần Hưng Đạo." in page


def test_a_case_in_unicode_shows_no_notice(client, province):
    page = case_page(client, province.coordinator_user, province.receive())
    assert "font encoding" not in page


def test_a_tcvn3_title_is_read_back_whole_with_its_u_horn(client, province):
    # TCVN3's "ư" is U+00AD, the soft hyphen, which a title would otherwise lose ("Đờng").
    case = province.receive(title="§\u00adêng ngËp", content=TCVN3_CONTENT)
    page = case_page(client, province.coordinator_user, case)
    assert "Đường ngập" in page
