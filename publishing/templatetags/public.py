"""Template helpers of the public pages."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def select_options(choices: Iterable[tuple[object, object]], selected: str) -> SafeString:
    """The <option>s of a filter's <select>, `selected` (the value as text) marked: written
    in one pass, since the answers page shows about a hundred of them (units, areas and
    categories) and a template loop spent most of the page's time on them."""
    return format_html_join(
        "\n    ", '<option value="{}"{}>{}</option>',
        ((value, " selected" if str(value) == selected else "", label)
         for value, label in choices),
    )
