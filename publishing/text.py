"""Search text folded the same way in Python, SQLite and PostgreSQL: no marks, lower case."""

from __future__ import annotations

import re
import unicodedata

from django.db.models import Func, TextField

SEARCH_FUNCTION = "publishing_search_text"
WORDS_FUNCTION = "publishing_search_words"
# The most words of a search that count; the rest are ignored.
MAX_WORDS = 8
# A word: letters and digits. PostgreSQL cuts the text the same way ([[:alnum:]]+) before it
# makes the search document (migration 0003), so "1.5m" or "a-b" give the same words on both.
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


def search_text(title: str | None, content: str | None, reply: str | None) -> str:
    """The SQLite twin of the SQL function of migration 0001 (same inputs, same output)."""
    return fold(f"{title or ''} {content or ''} {reply or ''}")


def search_words_text(title: str | None, content: str | None, reply: str | None) -> str:
    """SQLite's search document: its words between spaces, so that `LIKE '% ngap %'` finds
    the word "ngap", as PostgreSQL's tsquery does."""
    return "".join(f" {word}" for word in _WORD.findall(search_text(title, content, reply))) + " "


class SearchText(Func):
    """publishing_search_text(title, content, reply_text): IMMUTABLE on PostgreSQL (migration
    0001); other apps compare titles with it."""

    function = SEARCH_FUNCTION
    output_field = TextField()
    arity = 3


class SearchWords(Func):
    """publishing_search_words(title, content, reply_text): SQLite only (publishing/apps.py),
    where a search reads every public case; PostgreSQL reads the search documents."""

    function = WORDS_FUNCTION
    output_field = TextField()
    arity = 3
