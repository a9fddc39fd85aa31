"""The active categories and units as (id, name) choices for the staff pages' forms.

Every staff list shows them in its filters, and the coordinator's case page in its forms:
read from the database they are two queries a page. Pages that only show them ask for
`cached=True`: the lists are then kept in the cache until a category or unit is saved or
deleted (connect(), called from apps.ready()), and every process sees a change
on its next page. What a form accepts is checked against fresh lists (the action views).
"""

from __future__ import annotations

from config.generations import bump_on_change, kept

from .models import Category, Unit, category_label
from .text import vietnamese_sort_key

GENERATION_KEY = "routing:generation:choices"
KEEP_SECONDS = 10 * 60  # an upper bound for a change no signal announced (a bulk update)


def _categories() -> list[tuple[int, str, str]]:
    return list(Category.objects.filter(is_active=True).values_list("pk", "name", "name_en"))


def _units() -> list[tuple[int, str]]:
    return sorted(Unit.objects.filter(is_active=True).values_list("pk", "name"),
                  key=lambda choice: vietnamese_sort_key(choice[1]))


def category_choices(*, cached: bool = False) -> list[tuple[int, str]]:
    """The active categories, in the administrator's order, named in the reader's
    language (one query, or the cache, which keeps both names)."""
    if cached:
        rows = kept("routing:choices:category-names", GENERATION_KEY, _categories,
                    KEEP_SECONDS)
    else:
        rows = _categories()
    return [(pk, category_label(name, name_en)) for pk, name, name_en in rows]


def unit_choices(*, cached: bool = False) -> list[tuple[int, str]]:
    """The active units in Vietnamese alphabetical order: one query of two columns (the
    units are tens to a few hundred; the order is Vietnamese, not the code points'), or
    the cache."""
    if cached:
        return kept("routing:choices:units", GENERATION_KEY, _units, KEEP_SECONDS)
    return _units()


def connect() -> None:
    bump_on_change(GENERATION_KEY, Category, Unit)
