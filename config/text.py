"""Text from people is normalised on the way in (TCVN 6909:2011 asks for Unicode NFC)."""

import re
import unicodedata

# Control characters (except tab/newline) and zero-width characters have no place in text.
_INVISIBLE = re.compile(r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b-\u200f\u2060\ufeff]")


def normalize_text(value: str | None) -> str:
    """NFC, without control or zero-width characters, line endings made plain."""
    if not value:
        return ""
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    return _INVISIBLE.sub("", value).strip()


def normalize_line(value: str | None) -> str:
    """A short one-line field: normalised text with its white space folded."""
    return " ".join(normalize_text(value).split())
