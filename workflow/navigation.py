"""The staff navigation's links to pages of the outer apps (the reports).

Workflow draws the staff pages' navigation but may not import the apps that own some of
those pages; each such app registers its page and who may open it at start-up, and the
navigation shows it to exactly those people: the same rule as the page's own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise

from routing.selectors import Actor


@dataclass(frozen=True)
class StaffPage:
    key: str  # the page's `current` in staff_nav
    url_name: str
    label: Promise
    may_open: Callable[[Actor], bool]


_pages: dict[str, StaffPage] = {}


def register_staff_page(page: StaffPage) -> None:
    _pages[page.key] = page


def pages_for(actor: Actor) -> list[StaffPage]:
    """The registered pages `actor` may open, in the order they were registered."""
    return [page for page in _pages.values() if page.may_open(actor)]
