"""Text from people is normalised on the way in (TCVN 6909:2011 asks for Unicode NFC).

What every piece of text loses, wherever it came from:
- lone surrogates (U+D800–U+DFFF): a JSON "\\udcff" escape or an e-mail header read with
  surrogateescape gives Python a string that cannot be encoded to UTF-8, so PostgreSQL and
  every JSON answer would fail on it. They become U+FFFD, the replacement character: the
  rest of what the person wrote is kept. (The JSON API refuses them instead, with a message,
  before anything is stored: see `has_lone_surrogate`.)
- control characters (C0 but tab and newline, DEL, C1), NUL included: PostgreSQL stores no NUL
  in text;
- zero-width characters and the bidirectional embeddings, overrides and isolates
  (U+202A–U+202E, U+2066–U+2069, U+200E/U+200F, U+061C): invisible, and able to show staff
  a text in another order than it was written.

A short field (a title, a name, an address) also loses every other format character
(Unicode category Cf: the soft hyphen, the word joiner, tag characters and the like) and
folds its white space into single spaces. One exception: a line typed in a legacy encoding
(config.legacy_encoding) keeps the format characters that are letters of that encoding.
TCVN3 writes "ư" as U+00AD, the soft hyphen; without it "§­êng" would read "Đờng", not
"Đường". No letter of TCVN3 or VNI is a control, zero-width or bidi character.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from .legacy_encoding import TCVN3, VNI, detect_legacy, letters

REPLACEMENT = "\ufffd"
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# Control characters (except tab/newline), zero-width and bidirectional-control characters
# have no place in any text. \u200b-\u200f: zero-width space, non-joiner, joiner, LRM, RLM.
_INVISIBLE = re.compile(
    "[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]"
)

# Per legacy encoding, its letters that are format characters (today TCVN3's "ư", U+00AD).
_FORMAT_LETTERS = {
    encoding: frozenset(ch for ch in letters(encoding) if unicodedata.category(ch) == "Cf")
    for encoding in (TCVN3, VNI)
}
_ANY_FORMAT_LETTER = frozenset().union(*_FORMAT_LETTERS.values())


def has_lone_surrogate(value: str) -> bool:
    """Whether `value` holds a code point that no UTF-8 text can (U+D800–U+DFFF)."""
    return bool(_SURROGATE.search(value))


def storable(value: str) -> str:
    """`value` as PostgreSQL can store it: lone surrogates replaced, NUL removed.

    For text that is kept as it came (platform ids, raw payloads), not shown as a field.
    """
    return _SURROGATE.sub(REPLACEMENT, value).replace("\x00", "")


def storable_json(document: Any) -> Any:
    """A decoded JSON document whose every key and string is `storable`: what a platform
    sent can then go into a jsonb column, a log or an answer without failing."""
    if isinstance(document, str):
        return storable(document)
    if isinstance(document, list):
        return [storable_json(item) for item in document]
    if isinstance(document, dict):
        return {storable(str(key)): storable_json(item) for key, item in document.items()}
    return document


def normalize_text(value: str | None) -> str:
    """NFC, without control, zero-width or bidi-control characters, line endings made plain."""
    if not value:
        return ""
    value = _SURROGATE.sub(REPLACEMENT, value).replace("\r\n", "\n").replace("\r", "\n")
    # NFC last: a character taken out from between a letter and its mark lets them compose.
    return unicodedata.normalize("NFC", _INVISIBLE.sub("", value)).strip()


def normalize_line(value: str | None) -> str:
    """A short one-line field: normalised text without any format character (Cf), its white
    space folded; a legacy-encoded line keeps those that are letters of its encoding."""
    text = normalize_text(value)
    keep = _kept_format_letters(text)
    text = "".join(ch for ch in text if ch in keep or unicodedata.category(ch) != "Cf")
    return unicodedata.normalize("NFC", " ".join(text.split()))


def _kept_format_letters(text: str) -> frozenset[str]:
    """The format characters of `text` that are letters, as the legacy encoding it was typed
    in reads them; none for a Unicode text."""
    if _ANY_FORMAT_LETTER.isdisjoint(text):
        return frozenset()
    found = detect_legacy(text)
    return _FORMAT_LETTERS[found.encoding] if found else frozenset()
