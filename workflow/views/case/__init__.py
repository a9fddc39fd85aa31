"""The staff case page, in parts by subject (see page.py)."""

from .actions import ActionView, fields_html
from .assignments import case_assignments
from .log import EVENT_KINDS, case_events
from .page import case_detail, case_page, page_lists, render_case
from .specs import COORDINATOR, LEADER, ONLY, SPECS, STAFF, form_key

__all__ = [
    "COORDINATOR", "EVENT_KINDS", "LEADER", "ONLY", "SPECS", "STAFF", "ActionView",
    "case_assignments", "case_detail", "case_events", "case_page", "fields_html", "form_key",
    "page_lists", "render_case",
]
