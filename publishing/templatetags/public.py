"""Template helpers of the public pages."""

from __future__ import annotations

import html
from collections.abc import Iterable

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def select_options(choices: Iterable[tuple[object, object]], selected: str) -> SafeString:
    """The <option>s of a filter's <select>, `selected` (the value as text) marked: written
    in one pass, since the answers page shows about a hundred of them (units, areas and
    categories) and a template loop spent most of the page's time on them."""
    escape = html.escape  # quotes too: a value sits in an attribute
    return mark_safe("\n    ".join(  # noqa: S308 — every value and label escaped above
        f'<option value="{escape(str(value))}"{" selected" if str(value) == selected else ""}>'
        f"{escape(str(label))}</option>"
        for value, label in choices
    ))
