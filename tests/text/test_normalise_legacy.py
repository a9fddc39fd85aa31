"""A line typed in a legacy encoding keeps every letter of it through the one-line normaliser
(SECURITY IN3): TCVN3 writes "ư" as U+00AD, the soft hyphen, a format character that short
fields otherwise lose, and staff would then read "Đờng" for "Đường"."""

import pytest

from config.legacy_encoding import TCVN3, VNI, detect_legacy, letters
from config.text import normalize_line, normalize_text

SH = "\u00ad"  # TCVN3's ư
TCVN3_LINE = f"§{SH}êng TrÇn H{SH}ng §¹o mÊt ®iÖn"
VNI_LINE = "Ñöôøng Traàn Höng Ñaïo maát ñieän"
LINES = {TCVN3: TCVN3_LINE, VNI: VNI_LINE}


def test_a_tcvn3_title_keeps_its_u_horn_and_reads_back_whole():
    title = normalize_line(f"  {TCVN3_LINE}  ")
    assert title == TCVN3_LINE
    assert detect_legacy(title).preview == "Đường Trần Hưng Đạo mất điện"


@pytest.mark.parametrize(("encoding", "letter"),
                         [(encoding, letter) for encoding in (TCVN3, VNI)
                          for letter in sorted(letters(encoding))])
def test_every_letter_of_a_legacy_encoding_survives_both_normalisers(encoding, letter):
    line = f"{LINES[encoding]} {letter}"
    assert normalize_line(line) == line
    assert normalize_text(line) == line


@pytest.mark.parametrize("text", [
    f"Đường Trần{SH}Hưng Đạo",
    f"© 2026 Sở{SH} Giao thông ® ¶",
    f"Müller{SH}straße in München",
])
def test_a_soft_hyphen_in_unicode_text_still_leaves_a_short_field(text):
    assert normalize_line(text) == text.replace(SH, "")
