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
folds its white space into single spaces.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

REPLACEMENT = "\ufffd"
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# Control characters (except tab/newline), zero-width and bidirectional-control characters
# have no place in any text. \u200b-\u200f: zero-width space, non-joiner, joiner, LRM, RLM.
_INVISIBLE = re.compile(
    "[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]"
)


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
    space folded."""
    text = "".join(ch for ch in normalize_text(value) if unicodedata.category(ch) != "Cf")
    return unicodedata.normalize("NFC", " ".join(text.split()))
