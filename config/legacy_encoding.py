"""Vietnamese typed in a legacy font encoding and pasted as Unicode (SECURITY IN3).

Before Unicode, Vietnamese was typed with fonts whose bytes meant Vietnamese letters: TCVN3
(ABC, the .Vn fonts) gives each letter one byte, VNI-Windows (the VNI- fonts) a base letter
and one or two bytes of marks. Copied out of an old document, or typed with the wrong
setting of the keyboard tool, those bytes arrive as Latin-1 letters: "§­êng" (TCVN3) or
"Ñöôøng" (VNI) for "Đường". Nobody can read that, and searching it finds nothing.

`detect_legacy` says whether a text looks like one of them, and gives a best-effort Unicode
reading for staff to compare with what was sent: a hint, never a replacement of the text.
It is a heuristic: the text must carry Latin-1 letters that Vietnamese never uses, few or no
letters that only Unicode Vietnamese has, and read back as plausible Vietnamese syllables.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

TCVN3 = "tcvn3"
VNI = "vni"

# --- TCVN3 (ABC): one Latin-1 code point per Vietnamese letter -------------------------------
_TCVN3_LETTERS = {
    "µ": "à", "¸": "á", "¶": "ả", "·": "ã", "¹": "ạ",
    "¨": "ă", "»": "ằ", "¾": "ắ", "¼": "ẳ", "½": "ẵ", "Æ": "ặ",
    "©": "â", "Ç": "ầ", "Ê": "ấ", "È": "ẩ", "É": "ẫ", "Ë": "ậ",
    "®": "đ",
    "Ì": "è", "Ð": "é", "Î": "ẻ", "Ï": "ẽ", "Ñ": "ẹ",
    "ª": "ê", "Ò": "ề", "Õ": "ế", "Ó": "ể", "Ô": "ễ", "Ö": "ệ",
    "×": "ì", "Ý": "í", "Ø": "ỉ", "Ü": "ĩ", "Þ": "ị",
    "ß": "ò", "ã": "ó", "á": "ỏ", "â": "õ", "ä": "ọ",
    "«": "ô", "å": "ồ", "è": "ố", "æ": "ổ", "ç": "ỗ", "é": "ộ",
    "¬": "ơ", "ê": "ờ", "í": "ớ", "ë": "ở", "ì": "ỡ", "î": "ợ",
    "ï": "ù", "ó": "ú", "ñ": "ủ", "ò": "ũ", "ô": "ụ",
    "\u00ad": "ư", "õ": "ừ", "ø": "ứ", "ö": "ử", "÷": "ữ", "ù": "ự",
    "ú": "ỳ", "ý": "ý", "û": "ỷ", "ü": "ỹ", "þ": "ỵ",
    "¡": "Ă", "¢": "Â", "§": "Đ", "£": "Ê", "¤": "Ô", "¥": "Ơ", "¦": "Ư",
}

# --- VNI-Windows: a base letter, then its marks as Latin-1 letters ---------------------------
_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_CIRCUMFLEX, _BREVE, _HORN = "\u0302", "\u0306", "\u031b"
# After any vowel: the five tones.
_VNI_TONES = {"ù": _ACUTE, "ø": _GRAVE, "û": _HOOK, "õ": _TILDE, "ï": _DOT}
# After a, e, o: the circumflex, alone or with a tone.
_VNI_CIRCUMFLEX = {"â": "", "á": _ACUTE, "à": _GRAVE, "å": _HOOK, "ã": _TILDE, "ä": _DOT}
# After a: the breve, alone or with a tone.
_VNI_BREVE = {"ê": "", "é": _ACUTE, "è": _GRAVE, "ú": _HOOK, "ü": _TILDE, "ë": _DOT}
# Letters of one Latin-1 code point: ơ, ư, đ, and the i and y that carry a tone.
_VNI_SINGLE = {"ô": "o" + _HORN, "ö": "u" + _HORN, "ñ": "đ", "í": "í", "ì": "ì",
               "æ": "i" + _HOOK, "ó": "i" + _TILDE, "ò": "i" + _DOT, "î": "y" + _DOT}


def _vni_table() -> dict[str, str]:
    table: dict[str, str] = {}

    def add(sequence: str, letters: str) -> None:
        for seq, out in ((sequence, letters), (sequence.upper(), letters.upper())):
            table[seq] = unicodedata.normalize("NFC", out)

    for mark, tone in _VNI_TONES.items():
        for vowel in "aeiouy":
            add(vowel + mark, vowel + tone)
        add("ô" + mark, "o" + _HORN + tone)
        add("ö" + mark, "u" + _HORN + tone)
    for mark, tone in _VNI_CIRCUMFLEX.items():
        for vowel in "aeo":
            add(vowel + mark, vowel + _CIRCUMFLEX + tone)
    for mark, tone in _VNI_BREVE.items():
        add("a" + mark, "a" + _BREVE + tone)
    for single, letter in _VNI_SINGLE.items():
        add(single, letter)
    return table


_VNI = _vni_table()
_VNI_PATTERN = re.compile("|".join(re.escape(k) for k in sorted(_VNI, key=len, reverse=True)))

# --- Telling them apart ----------------------------------------------------------------------
# Latin-1 letters that Unicode Vietnamese uses; any other Latin-1 letter or sign is "foreign".
_VIETNAMESE_LATIN1 = set("ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý")
# Letters that only Unicode Vietnamese has: when they are there, the text is Unicode.
_UNICODE_ONLY = re.compile("[ĂăĐđĨĩŨũƠơƯư\u1ea0-\u1ef9\u0300-\u0303\u0309\u0323]")
_TONES = {_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT}
# A word: letters, and the Latin-1 signs that TCVN3 uses as letters ("B¶o", "§­êng").
_WORD = re.compile(r"(?:[^\W\d_]|[\u00a1-\u00ff])+")
_SYLLABLE = re.compile(
    r"^(ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdđghklmnpqrstvx])?"
    r"(a|ai|ao|au|ay|ă|â|âu|ây|e|eo|ê|êu|i|ia|iu|iê|iêu|o|oa|oai|oay|oă|oe|oeo|oi|oo|ô|ôi|"
    r"ơ|ơi|u|ua|uâ|uây|ui|uô|uôi|uơ|uy|uya|uyê|uyu|uê|ư|ưa|ưi|ươ|ươi|ươu|ưu|y|yê|yêu)"
    r"(ch|ng|nh|[cmnpt])?$"
)


def letters(encoding: str) -> frozenset[str]:
    """The code points that spell letters or marks in `encoding` (TCVN3 or VNI).

    Some are not letters in Unicode: TCVN3's "ư" is U+00AD, the soft hyphen, a format
    character; whoever strips such characters must keep these in a legacy text."""
    if encoding == TCVN3:
        return frozenset(_TCVN3_LETTERS)
    return frozenset("".join(_VNI))


@dataclass(frozen=True)
class LegacyText:
    encoding: str  # TCVN3 or VNI
    preview: str  # the text read in that encoding, word by word


def _is_foreign(ch: str) -> bool:
    return "\u00a1" <= ch <= "\u00ff" and ch not in _VIETNAMESE_LATIN1


def _plausible(word: str) -> bool:
    """Whether `word` reads as one Vietnamese syllable: one tone at most, a known shape."""
    marks = unicodedata.normalize("NFD", word.lower())
    if sum(ch in _TONES for ch in marks) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(ch for ch in marks if ch not in _TONES))
    return bool(_SYLLABLE.match(bare))


def _convert_word(word: str, encoding: str) -> str:
    if encoding == TCVN3:
        return "".join(_TCVN3_LETTERS.get(ch, ch) for ch in word)
    return _VNI_PATTERN.sub(lambda m: _VNI[m.group(0)], word)


def _convert(text: str, encoding: str) -> str:
    # Words that hold a Unicode-only letter were typed in Unicode: they are left as they are.
    return _WORD.sub(
        lambda m: m.group(0) if _UNICODE_ONLY.search(m.group(0))
        else _convert_word(m.group(0), encoding), text)


def _score(text: str, encoding: str) -> tuple[int, int]:
    """(plausible syllables, implausible words) that the encoding makes of the words of two
    letters or more holding a foreign letter: only those tell a legacy text from Unicode."""
    good = bad = 0
    for match in _WORD.finditer(text):
        word = match.group(0)
        if len(word) < 2 or _UNICODE_ONLY.search(word) or not any(map(_is_foreign, word)):
            continue
        converted = _convert_word(word, encoding)
        if converted == word:
            continue
        if _plausible(converted):
            good += 1
        else:
            bad += 1
    return good, bad


def detect_legacy(text: str) -> LegacyText | None:
    """The legacy encoding `text` seems typed in, with a reading of it, or None."""
    foreign = sum(_is_foreign(ch) for ch in text)
    if foreign < 2 or foreign < len(_UNICODE_ONLY.findall(text)):
        return None
    best: tuple[int, str] | None = None
    for encoding in (VNI, TCVN3):
        good, bad = _score(text, encoding)
        # Most changed words must read as Vietnamese syllables.
        if good and good >= 3 * bad and (best is None or good - bad > best[0]):
            best = (good - bad, encoding)
    if best is None:
        return None
    return LegacyText(encoding=best[1], preview=_convert(text, best[1]))
