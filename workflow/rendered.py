"""HTML rendered once per process and kept for a key that holds everything it depends on.

The staff pages' forms render their widgets through Django's form templates, one template
per field and one per option: the slowest part of a staff page. The same form with the same
choices, initial values and language renders the same HTML, so it is kept, per process,
under a key made of those values. Nothing that varies per person or request (a CSRF token,
what was typed, an error) is ever part of what is kept: the caller decides what the key is,
and a form that cannot be keyed is rendered afresh (forms.ActionForm.html_key).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from django.utils.functional import Promise


class RenderedHtml:
    """A bounded store of rendered HTML; when full it starts again from empty (the keys in
    use come back within a few requests, and no entry can grow old or stale: its key is
    everything it was rendered from)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._kept: dict[Hashable, str] = {}

    def get(self, key: Hashable | None, render: Callable[[], str]) -> str:
        """The HTML kept for `key`, or `render()`'s (render_to_string: a SafeString), kept
        for next time; a `key` of None renders afresh and keeps nothing."""
        if key is None:
            return render()
        html = self._kept.get(key)
        if html is None:
            html = render()
            if len(self._kept) >= self.size:
                self._kept.clear()
            self._kept[key] = html
        return html

    def clear(self) -> None:
        self._kept.clear()


def frozen(value: Any) -> Hashable:
    """`value` as a hashable key part: lists, tuples and dicts become tuples, and lazy
    translations the text they have in the active language."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dict):
        return tuple(sorted((str(k), frozen(v)) for k, v in value.items()))
    if isinstance(value, list | tuple | set | frozenset):
        items = [frozen(v) for v in value]
        return tuple(sorted(items, key=repr) if isinstance(value, set | frozenset) else items)
    return value
