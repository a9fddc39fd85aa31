"""Who may open the reports: one rule for the pages and for the staff navigation's link."""

from __future__ import annotations

from routing.selectors import Actor


def may_see_province(actor: Actor) -> bool:
    """Supervisors, the coordination centre and administrators: every unit and area."""
    return actor.is_supervisor or actor.is_coordinator or actor.is_admin


def may_see_reports(actor: Actor) -> bool:
    """The province's view, or a unit leader's of their own unit(s)."""
    return may_see_province(actor) or bool(actor.leader_units)


def may_prepare_reports(actor: Actor) -> bool:
    """The department that sends the periodic reports: supervisors and administrators."""
    return actor.is_supervisor or actor.is_admin
