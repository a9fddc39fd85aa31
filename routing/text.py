"""Vietnamese order and accent-insensitive matching for short names (units, categories).

Python's default order compares code points, which puts "Điện lực" after "Ủy ban" and
"Ân" after "Z". A Vietnamese reader expects the alphabet a ă â b c d đ e ê g h i k l m n o
ô ơ p q r s t u ư v x y, with the five tone marks ignored unless two names differ only by
them (then: no mark, huyền, hỏi, ngã, sắc, nặng), and case ignored unless that is the only
difference. The lists sorted this way are short (tens to a few hundred units), so the key is
computed in Python rather than relying on the database's collations.
"""

from __future__ import annotations

import functools
import unicodedata

# The Vietnamese alphabet's letters in order; f, j, w and z follow for foreign names.
_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxyfjwz"
_LETTER_RANK = {letter: 100 + index for index, letter in enumerate(_ALPHABET)}
# Marks that make a different letter (ă â ê ô ơ ư): kept at the first level.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}
# The tone marks, in dictionary order: huyền, hỏi, ngã, sắc, nặng (no mark is 0).
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}

SortKey = tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]


def _letters(text: str) -> list[tuple[str, int, bool]]:
    """Each character of `text` as (base letter with its letter mark, tone, is upper case)."""
    out: list[tuple[str, int, bool]] = []
    for char in unicodedata.normalize("NFC", text):
        upper = char != char.lower()
        decomposed = unicodedata.normalize("NFD", char.lower())
        base, tone = decomposed[0], 0
        for mark in decomposed[1:]:
            if mark in _TONE_RANK:
                tone = _TONE_RANK[mark]
            elif mark in _LETTER_MARKS:
                base += mark
        out.append((unicodedata.normalize("NFC", base), tone, upper))
    return out


@functools.lru_cache(maxsize=4096)  # names are sorted again on every page that lists them
def vietnamese_sort_key(text: str) -> SortKey:
    """A key that sorts names in Vietnamese dictionary order (see the module's docstring).

    First level: letters (đ after d, ă and â after a...), digits and spaces; second level:
    the tones; third level: upper case after lower case.
    """
    primary: list[int] = []
    tones: list[int] = []
    cases: list[int] = []
    number = ""
    for base, tone, upper in _letters(" ".join(text.split())) + [(" ", 0, False)]:
        if base.isdigit() and base.isascii():
            number += base  # a run of digits sorts by its value: "Phường 2" before "10"
            continue
        if number:
            primary.extend((1, int(number)))
            number = ""
        primary.append(0 if base.isspace() else _LETTER_RANK.get(base, 1000 + ord(base[0])))
        tones.append(tone)
        cases.append(int(upper))
    return tuple(primary), tuple(tones), tuple(cases)


def fold(text: str) -> str:
    """`text` for matching as people type it: no diacritics, đ as d, lower case, single
    spaces. "Sở Giao thông" and "so giao thong" fold to the same words."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.split())


def matches(query: str, name: str) -> bool:
    """Whether every word of `query` is found in `name`, ignoring accents and case."""
    haystack = fold(name)
    return all(word in haystack for word in fold(query).split())
