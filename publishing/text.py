"""Search text folded the same way in Python, SQLite and PostgreSQL: no marks, lower case."""

from __future__ import annotations

import unicodedata

from django.db.models import Func, TextField

SEARCH_FUNCTION = "publishing_search_text"


def fold(text: str | None) -> str:
    """"Đường ngập" → "duong ngap": what PostgreSQL's unaccent() then lower() give."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def search_text(title: str | None, content: str | None, reply: str | None) -> str:
    """The SQLite twin of the SQL function of migration 0001 (same inputs, same output)."""
    return fold(f"{title or ''} {content or ''} {reply or ''}")


class SearchText(Func):
    """publishing_search_text(title, content, reply_text): IMMUTABLE on PostgreSQL, so the
    trigram index of migration 0001 serves `LIKE '%term%'` over it."""

    function = SEARCH_FUNCTION
    output_field = TextField()
    arity = 3
