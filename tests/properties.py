"""What the property-based tests of every channel draw, and what "clean" means for what they
store (SECURITY IN3, IN5): text with lone surrogates, NUL and other controls, bidi and other
format characters, decomposed Vietnamese, and ids far beyond 64 bits."""

from __future__ import annotations

import re
import unicodedata

from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from config.legacy_encoding import detect_legacy, letters

# Bounded: the whole property suite of the channels stays within about a minute in CI.
PROPERTY = settings(max_examples=15, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

SURROGATES = ["\ud800", "\udbff", "\udc00", "\udcff", "\udfff"]
CONTROLS = ["\x00", "\x01", "\x07", "\x1b", "\x7f", "\x85", "\x9f", "\r", "\u2028"]
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
        "\u2069", "\u200e", "\u200f", "\u061c"]
FORMAT = ["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\u2063", "\ufeff", "\U000e0041",
          "\u180e", "\ufff9"]
HUGE_IDS = ["9223372036854775807", "9223372036854775808", "18446744073709551616",
            "99999999999999999999", "-9223372036854775809", "1" + "0" * 40]
WORDS = ["Đường", "ngập", "Trần Hưng Đạo", "e\u0301", "Ngo\u0323c", "nước", "<script>", "'",
         "0912345678", "a@b.vn", "12", " ", "\n", "\t"]

NASTY_CHAR = st.sampled_from(SURROGATES + CONTROLS + BIDI + FORMAT)
PIECE = st.one_of(NASTY_CHAR, st.sampled_from(WORDS), st.text(max_size=4),
                  st.characters(codec=None, categories=["Cs", "Cc", "Cf", "Mn", "Zs"]))
# A few pieces glued together: at least one nasty character in most examples.
NASTY_TEXT = st.lists(PIECE, min_size=1, max_size=8).map("".join)
NASTY_ID = st.one_of(st.sampled_from(HUGE_IDS), st.integers(min_value=2**63 - 2,
                                                            max_value=2**70).map(str))
NASTY_VALUE = st.one_of(NASTY_TEXT, NASTY_ID)
# What a form-encoded body can carry: the client encodes it, so no lone surrogate.
FORM_TEXT = NASTY_TEXT.map(lambda t: t.encode("utf-8", "replace").decode("utf-8"))
FORM_VALUE = st.one_of(FORM_TEXT, NASTY_ID)

_BIDI = set(BIDI)


def assert_clean(value: str, *, short: bool = False) -> None:
    """Stored text holds no lone surrogate, no control but tab and newline, no bidi control,
    and is NFC; a short field holds no line break either, and no format character but a
    letter of the legacy encoding it is typed in (TCVN3's "ư" is U+00AD)."""
    value.encode("utf-8")  # raises on a lone surrogate
    assert unicodedata.is_normalized("NFC", value), ascii(value)
    legacy = detect_legacy(value)
    legacy_letters = letters(legacy.encoding) if legacy else frozenset()
    for ch in value:
        category = unicodedata.category(ch)
        assert ch not in _BIDI, ascii(value)
        assert category != "Cc" or (not short and ch in "\n\t"), ascii(value)
        assert not (short and category == "Cf" and ch not in legacy_letters), ascii(value)


def assert_no_server_error(response) -> None:
    assert response.status_code < 500, response.content[:500]


CONVERTER = re.compile(r"<(\w+):(\w+)>")


def _routes(resolver: URLResolver, prefix: str = "") -> list[str]:
    found = []
    for entry in resolver.url_patterns:
        route = str(entry.pattern)
        if route.startswith("^"):
            continue  # a regex pattern: its ids are read by its own view
        if isinstance(entry, URLResolver):
            found += _routes(entry, prefix + route)
        elif isinstance(entry, URLPattern) and "<int:" in route:
            found.append(prefix + route)
    return found


ID_ROUTES = sorted(set(_routes(get_resolver())))


def with_id(route: str, number: str) -> str:
    """The path of `route` with `number` for its int converters and "x" for the others."""
    return "/" + CONVERTER.sub(lambda m: number if m.group(1) == "int" else "x", route)
