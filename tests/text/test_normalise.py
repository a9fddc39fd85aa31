"""The one normaliser of people's text (SECURITY IN3): what every field loses on the way in."""

import unicodedata

import pytest

from config.text import has_lone_surrogate, normalize_line, normalize_text, storable_json

BIDI_CONTROLS = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067",
                 "\u2068", "\u2069", "\u200e", "\u200f", "\u061c"]
OTHER_FORMAT = ["\u00ad", "\u2060", "\u2061", "\u2063", "\u180e", "\ufeff", "\U000e0041",
                "\u200b", "\u200c", "\u200d", "\ufff9"]


def test_decomposed_vietnamese_becomes_nfc():
    decomposed = unicodedata.normalize("NFD", "Đường ngập")
    assert normalize_text(decomposed) == "Đường ngập"
    assert unicodedata.is_normalized("NFC", normalize_line(decomposed))


def test_a_lone_surrogate_becomes_the_replacement_character_and_the_rest_is_kept():
    assert normalize_text("ngập\udcff nước") == "ngập\ufffd nước"
    assert normalize_line("a\ud800b") == "a\ufffdb"
    normalize_text("x\udfff\ud83d").encode("utf-8")  # storable: no UnicodeEncodeError


def test_nul_and_other_control_characters_leave_every_text():
    assert normalize_text("Đèn\x00 hỏng\x07\x1b[31m\x85\x9f") == "Đèn hỏng[31m"
    assert normalize_line("Đèn\x00 hỏng") == "Đèn hỏng"


def test_tabs_and_line_breaks_stay_in_long_text():
    assert normalize_text("một\r\nhai\tba\rbốn") == "một\nhai\tba\nbốn"


@pytest.mark.parametrize("char", BIDI_CONTROLS)
def test_bidi_controls_leave_long_text_and_short_fields(char):
    assert normalize_text(f"Số {char}12{char} Lê Lợi") == "Số 12 Lê Lợi"
    assert normalize_line(f"Số {char}12{char} Lê Lợi") == "Số 12 Lê Lợi"


@pytest.mark.parametrize("char", OTHER_FORMAT + BIDI_CONTROLS)
def test_no_format_character_survives_in_a_short_field(char):
    assert normalize_line(f"Nguyễn{char} Văn{char}An") == "Nguyễn VănAn"


def test_a_right_to_left_override_cannot_reverse_a_title():
    title = normalize_line("Hóa đơn \u202eFDP.exe")
    assert title == "Hóa đơn FDP.exe"
    assert not any(unicodedata.category(ch) == "Cf" for ch in title)


def test_lone_surrogates_are_told_apart_from_real_astral_characters():
    assert has_lone_surrogate("\udcff")
    assert not has_lone_surrogate("đèn 💡")


def test_a_decoded_platform_payload_becomes_storable_in_keys_and_values():
    document = {"te\udcffxt": ["a\x00b", {"id": "1\ud800"}], "n": 12345678901234567890123}
    assert storable_json(document) == {
        "te\ufffdxt": ["ab", {"id": "1\ufffd"}], "n": 12345678901234567890123}


def test_a_mark_separated_from_its_letter_by_an_invisible_character_still_composes():
    assert normalize_text("e\u200d\u0301") == "é"
    assert normalize_line("Ngo\u00ad\u0323c") == "Ngọc"
