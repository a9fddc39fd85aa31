"""Search words folded in Python as PostgreSQL folds the documents: no marks, lower case."""

from __future__ import annotations

import re
import unicodedata

# The most words of a search that count; the rest are ignored.
MAX_WORDS = 8
# A word: letters and digits. PostgreSQL cuts the text the same way ([[:alnum:]]+) before it
# makes the search document (migration 0002), so "1.5m" or "a-b" give the same words in both.
_WORD = re.compile(r"[^\W_]+")


def fold(text: str | None) -> str:
    """"Đường ngập" → "duong ngap": what PostgreSQL's unaccent() then lower() give."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def search_words(query: str | None) -> list[str]:
    """The words a search looks for: "Đường, ngập!" → ["duong", "ngap"]."""
    return _WORD.findall(fold(query))[:MAX_WORDS]


def words_query(words: list[str]) -> str:
    """A tsquery that every word must match: "duong & ngap". The words hold letters and
    digits only, so none of them can be read as an operator."""
    return " & ".join(words)
