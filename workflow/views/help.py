"""The staff help page: each role's steps and their deadlines (WORKFLOW.md, the regulation)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from routing.selectors import Actor, actor_for

from .lists import staff_nav


@dataclass(frozen=True)
class Step:
    what: Promise
    deadline: Promise
    article: str


@dataclass(frozen=True)
class RoleHelp:
    key: str
    title: Promise
    summary: Promise
    steps: tuple[Step, ...]


COORDINATOR_HELP = RoleHelp(
    "coordinator", _("Coordination centre"),
    _("You validate, classify and dispatch every new case, review the units' approved "
      "results, edit and publish the replies, and handle returned and unsatisfied cases."),
    (
        Step(_("Validate, classify and dispatch a new case to one or several units, or reject "
               "it with an Art. 6.5 reason."), _("4 working hours from receipt"), "7.2"),
        Step(_("Re-route a case a unit returned as not its jurisdiction."),
             _("4 working hours from the return"), "7.2, 8.2b"),
        Step(_("Edit and publish the approved reply: public, to the reporter only, or not at "
               "all for a state secret."), _("4 working hours from approval"), "10.2, 10.3"),
        Step(_("Request a revision when the form is not met."),
             _("the unit has 30 working minutes"), "10.4"),
        Step(_("Redistribute an inaccurate result or one missing photos."),
             _("the unit has 1 working hour; late time is charged to it"), "10.4"),
        Step(_("Handle a case again after an unsatisfied rating, or keep the published reply."),
             _("4 working hours from the rating"), "11"),
        Step(_("Escalate a case the units cannot agree on, or did not settle, to the "
               "province's leadership with a summary."), _("as soon as it is clear"), "4.8"),
        Step(_("Mark a valuable report; put an abusive reporter's phone or e-mail on the "
               "abuse list, and release or reject what the moderation hold catches."),
             _("held cases keep the 4-hour intake deadline"), "18.1, 18.2"),
    ),
)
STAFF_HELP = RoleHelp(
    "staff", _("Unit staff"),
    _("You accept or return the cases dispatched to your unit, handle them and draft the "
      "reply in the Appendix 1 form with evidence photos."),
    (
        Step(_("Accept the case, or return it to the coordination centre when it is not your "
               "unit's jurisdiction, with the reason."), _("1 working day from dispatch"),
             "8.2b"),
        Step(_("Handle the case and send the draft reply to your leader."),
             _("at most 6 working days from acceptance (your unit may set less)"), "8.2a"),
        Step(_("Ask for an extension with a reason and the expected date; the new date becomes "
               "the deadline and the case counts as extended."),
             _("before the deadline runs out"), "8.2a"),
        Step(_("Fix the result after a revision request."), _("30 working minutes"), "10.4"),
        Step(_("Handle again after a redistribution."),
             _("1 working hour; late time is charged to your unit"), "10.4"),
    ),
)
LEADER_HELP = RoleHelp(
    "leader", _("Unit leader"),
    _("You approve your unit's draft replies, edit and approve them, or return them to staff, "
      "and you follow your unit's deadlines on the supervision page."),
    (
        Step(_("Approve, edit and approve, or return the draft to staff with a note."),
             _("1 working day from the draft"), "9.2"),
        Step(_("Follow the open, soon due, overdue and extended cases of your unit and its "
               "on-time rate this month."), _("every working day"), "17"),
    ),
)
SUPERVISOR_HELP = RoleHelp(
    "supervisor", _("Supervisor"),
    _("You read every case but state secrets and the escalated cases; you change nothing."),
    (
        Step(_("Read the escalated cases and direct their handling."),
             _("as the province's leadership decides"), "4.8"),
    ),
)


def help_for(actor: Actor) -> list[RoleHelp]:
    """The sections of `actor`'s roles; everyone reads all of them when they hold none."""
    sections = [
        section for section, holds in (
            (COORDINATOR_HELP, actor.is_coordinator),
            (STAFF_HELP, bool(actor.units)),
            (LEADER_HELP, bool(actor.leader_units)),
            (SUPERVISOR_HELP, actor.is_supervisor),
        ) if holds
    ]
    return sections or [COORDINATOR_HELP, STAFF_HELP, LEADER_HELP, SUPERVISOR_HELP]


@login_required
def help_page(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request.user)
    return render(request, "workflow/help.html", {
        "sections": help_for(actor), "nav": staff_nav(actor, "help"),
    })
