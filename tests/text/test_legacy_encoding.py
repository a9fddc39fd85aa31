"""Vietnamese typed in the legacy TCVN3 or VNI encodings is told from Unicode, and read back
(SECURITY IN3)."""

import pytest

from config.legacy_encoding import TCVN3, VNI, detect_legacy

SH = "\u00ad"  # TCVN3's ư is the soft hyphen's code point


@pytest.mark.parametrize(("typed", "reading"), [
    ("Ñöôøng", "Đường"),
    ("Xin chaøo caùc baïn", "Xin chào các bạn"),
    ("Ñeøn ñöôøng hoûng tröôùc soá 12 ñöôøng 30/4", "Đèn đường hỏng trước số 12 đường 30/4"),
    ("Nöôùc ngaäp saâu nöûa meùt treân ñöôøng Traàn Höng Ñaïo",
     "Nước ngập sâu nửa mét trên đường Trần Hưng Đạo"),
])
def test_vni_typed_text_is_flagged_and_read_back(typed, reading):
    assert detect_legacy(typed).encoding == VNI
    assert detect_legacy(typed).preview == reading


@pytest.mark.parametrize(("typed", "reading"), [
    (f"§{SH}êng", "Đường"),
    ("B¶o Th¾ng", "Bảo Thắng"),
    (f"§Ìn ®{SH}êng háng tr{SH}íc sè 12 ®{SH}êng 30/4", "Đèn đường hỏng trước số 12 đường 30/4"),
    (f"N{SH}íc ngËp s©u nöa mÐt trªn ®{SH}êng TrÇn H{SH}ng §¹o",
     "Nước ngập sâu nửa mét trên đường Trần Hưng Đạo"),
])
def test_tcvn3_typed_text_is_flagged_and_read_back(typed, reading):
    assert detect_legacy(typed).encoding == TCVN3
    assert detect_legacy(typed).preview == reading


@pytest.mark.parametrize("text", [
    "Đèn đường hỏng trước số 12 đường 30/4",
    "Tôi là Hoà, nhà ở Tây Ninh",
    "Rác thải ùn ứ ở chợ phường 3 đã một tuần chưa được thu gom.",
    "Ba bong den khong sang tu tuan truoc",
    "Müller Straße in München",
    "café crème brûlée, Señor Muñoz",
    "© 2026 Sở Giao thông ® ¶",
    "",
])
def test_unicode_vietnamese_and_other_languages_are_not_flagged(text):
    assert detect_legacy(text) is None


def test_unicode_words_in_a_legacy_text_are_left_as_they_are():
    found = detect_legacy("Kính gửi: Ñeøn ñöôøng hoûng tröôùc soá 12")
    assert found.preview == "Kính gửi: Đèn đường hỏng trước số 12"
