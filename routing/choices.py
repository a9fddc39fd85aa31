"""The active categories and units, and the communes and wards, as (id, name) choices for the
staff pages' and the public forms.

Every staff list shows them in its filters, and the coordinator's case page in its forms:
read from the database they are two queries a page. Pages that only show them ask for
`cached=True`: the lists are then kept in the cache until a category or unit is saved or
deleted (connect(), called from apps.ready()), and every process sees a change
on its next page. What a form accepts is checked against fresh lists (the action views).
"""

from __future__ import annotations

from config.generations import bump_on_change, kept

from .models import Area, Category, Unit, category_label
from .text import vietnamese_sort_key

GENERATION_KEY = "routing:generation:choices"
KEEP_SECONDS = 10 * 60  # an upper bound for a change no signal announced (a bulk update)


def _categories() -> list[tuple[int, str, str]]:
    return list(Category.objects.filter(is_active=True).values_list("pk", "name", "name_en"))


def _units() -> list[tuple[int, str]]:
    return sorted(Unit.objects.filter(is_active=True).values_list("pk", "name"),
                  key=lambda choice: vietnamese_sort_key(choice[1]))


def area_label(area: Area, parent: Area | None) -> str:
    """A commune or ward as a person picks it: a ward of a district keeps the district's
    name, since "Phường 1" is in several of them."""
    if parent is not None and parent.level == Area.Level.DISTRICT:
        return f"{area.name} ({parent.name})"
    return area.name


def _areas() -> list[tuple[int, str, str]]:
    rows = Area.objects.filter(level=Area.Level.COMMUNE).select_related("parent")
    return sorted(((a.pk, a.code, area_label(a, a.parent)) for a in rows),
                  key=lambda row: vietnamese_sort_key(row[2]))


def area_rows(*, cached: bool = False) -> list[tuple[int, str, str]]:
    """The communes and wards, a case's area (Địa bàn), as (id, code, label) in Vietnamese
    order of their labels: one query, or the cache."""
    if cached:
        return kept("routing:choices:areas", GENERATION_KEY, _areas, KEEP_SECONDS)
    return _areas()


def area_choices(*, cached: bool = False) -> list[tuple[int, str]]:
    """The communes and wards as (id, label) choices, in Vietnamese order."""
    return [(pk, label) for pk, _code, label in area_rows(cached=cached)]


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
    bump_on_change(GENERATION_KEY, Area, Category, Unit)
