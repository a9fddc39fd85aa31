"""Message texts: the built-in defaults or the administrator's version, filled in.

Also the SMS arithmetic: Vietnamese without diacritics fits GSM-7 (160 characters in one
segment, 153 per segment of a longer message), while one letter such as “ư” turns the
whole message into UCS-2 (70, then 67 per segment).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .defaults import DEFAULTS, Texts

# GSM 03.38: the basic table, and the extension table whose characters take two septets.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")

# Typographic punctuation with a plain GSM-7 equivalent: a curly quote alone would
# otherwise make a stripped message UCS-2 again.
_PLAIN_PUNCTUATION = str.maketrans({
    "“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "…": "...",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ",
})
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Rendered:
    sms: str
    subject: str
    body: str


def strip_diacritics(text: str) -> str:
    """Vietnamese without its marks: “Đường Nguyễn Huệ” → “Duong Nguyen Hue”."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    )


def sms_text(text: str, *, without_diacritics: bool) -> str:
    """The text as it goes to the gateway: optionally plain letters and plain punctuation."""
    text = unicodedata.normalize("NFC", text).strip()
    if without_diacritics:
        text = strip_diacritics(text).translate(_PLAIN_PUNCTUATION)
    return text


def sms_segments(text: str) -> tuple[str, int]:
    """("gsm7" or "ucs2", number of segments) of `text` sent as one SMS.

    A long message carries a 6-byte header in each segment: 153 septets or 67 UTF-16 units
    remain. An escape pair (GSM-7) or a surrogate pair (UCS-2) is never split.
    """
    if all(ch in GSM7_BASIC or ch in GSM7_EXTENDED for ch in text):
        units = [2 if ch in GSM7_EXTENDED else 1 for ch in text]
        return "gsm7", _count(units, single=160, multi=153)
    units = [2 if ord(ch) > 0xFFFF else 1 for ch in text]
    return "ucs2", _count(units, single=70, multi=67)


def _count(units: list[int], *, single: int, multi: int) -> int:
    if sum(units) <= single:
        return 1 if units else 0
    segments, used = 1, 0
    for size in units:
        if used + size > multi:
            segments, used = segments + 1, 0
        used += size
    return segments


def default_texts(key: str, language: str) -> Texts:
    """The built-in texts of `key`; Vietnamese where the language has none. KeyError if unknown."""
    by_language = DEFAULTS[key]
    return by_language.get(language) or by_language["vi"]


def fill(text: str, context: dict[str, object]) -> str:
    """Replace `{name}` by its value; an unknown name stays as written.

    Deliberately not str.format: the text is edited in the admin, and format strings
    can reach attributes of the values.
    """
    return _PLACEHOLDER.sub(
        lambda m: str(context[m.group(1)]) if m.group(1) in context else m.group(0), text
    )


def render_message(key: str, language: str, context: dict[str, object]) -> Rendered:
    """The SMS text, e-mail subject and e-mail body of `key` in `language`.

    A field the administrator left blank in a MessageTemplate falls back to the default.
    Raises KeyError for a key with no default.
    """
    from workflow.models import MessageTemplate

    texts = default_texts(key, language)
    if "url" in context and "track_url" not in context:
        # No private link given: the reporter follows the case on the portal.
        context = {**context, "track_url": context["url"]}
    override = MessageTemplate.objects.filter(key=key, language=language).first()
    sms, subject, body = texts["sms"], texts["subject"], texts["body"]
    if override is not None:
        sms = override.sms_text.strip() or sms
        subject = override.email_subject.strip() or subject
        body = override.email_body.strip() or body
    # A subject is one header line.
    subject = " ".join(fill(subject, context).split())
    return Rendered(sms=fill(sms, context), subject=subject, body=fill(body, context))
