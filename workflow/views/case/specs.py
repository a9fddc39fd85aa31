"""Who may take each action of the case page, and what each state waits for.

Each action is one small form posting to its own URL (workflow.views.actions); `key` is
also its URL name (staff:<key>). Availability is django-fsm's own answer (can_proceed,
has_transition_perm) for the actor (workflow.views.case.actions).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from ... import forms
from ...models import Assignment, Case

# --- Who may act, and what each state waits for -------------------------------------------------
COORDINATOR, STAFF, LEADER = "coordinator", "staff", "leader"
WHO: dict[str, Promise] = {
    COORDINATOR: gettext_lazy("Coordination centre"),
    STAFF: gettext_lazy("Unit staff"),
    LEADER: gettext_lazy("Unit leader"),
}
ONLY: dict[str, Promise] = {
    COORDINATOR: gettext_lazy("Only the coordination centre can do this."),
    STAFF: gettext_lazy("Only the unit's staff can do this."),
    LEADER: gettext_lazy("Only the unit's leader can do this."),
}
CASE_WAITING: dict[str, Promise] = {
    Case.State.RECEIVED: gettext_lazy("Waiting for the coordination centre to classify it"),
    Case.State.CLASSIFIED: gettext_lazy("Waiting for the coordination centre to dispatch it"),
    Case.State.ASSIGNED: gettext_lazy("Waiting for the units' draft replies"),
    Case.State.PROCESSED: gettext_lazy("Waiting for leader approval"),
    Case.State.APPROVED: gettext_lazy("Waiting for the coordination centre to publish"),
    Case.State.PUBLISHED: gettext_lazy("The reply is published"),
    Case.State.REOPENED: gettext_lazy("Waiting for the coordination centre to reprocess it"),
    Case.State.REJECTED: gettext_lazy("The case was rejected"),
    Case.State.DUPLICATE: gettext_lazy("Closed: it is handled through the original case"),
}
ASSIGNMENT_WAITING: dict[str, Promise] = {
    Assignment.State.PENDING: gettext_lazy("Waiting for the unit to accept it"),
    Assignment.State.PROCESSING: gettext_lazy("Waiting for the unit's draft reply"),
    Assignment.State.AWAITING_APPROVAL: gettext_lazy("Waiting for leader approval"),
    Assignment.State.APPROVED: gettext_lazy("Approved: waiting for the coordination centre"),
    Assignment.State.RETURNED: gettext_lazy("Returned to the coordination centre"),
}


@dataclass(frozen=True)
class Spec:
    """One action of the case page; `key` is also its URL name (staff:<key>)."""

    key: str
    title: Promise
    role: str
    transition: str  # the FSM transition its service fires ("" when it is not one)
    form: type[forms.ActionForm]
    button: Promise
    danger: bool = False


CASE_ACTIONS = (
    Spec("classify", gettext_lazy("Classify"), COORDINATOR, "classify", forms.ClassifyForm,
         gettext_lazy("Classify")),
    Spec("dispatch", gettext_lazy("Dispatch to units"), COORDINATOR, "dispatch",
         forms.UnitsForm, gettext_lazy("Dispatch")),
    Spec("verify", gettext_lazy("Send back for verification"), COORDINATOR,
         "send_back_for_verification", forms.ReasonForm, gettext_lazy("Send back")),
    Spec("reject", gettext_lazy("Reject"), COORDINATOR, "reject", forms.RejectForm,
         gettext_lazy("Reject"), danger=True),
    Spec("publish", gettext_lazy("Publish the reply"), COORDINATOR, "publish",
         forms.PublishForm, gettext_lazy("Publish")),
    Spec("reprocess", gettext_lazy("Handle again"), COORDINATOR, "reprocess",
         forms.ReprocessForm, gettext_lazy("Send to the units")),
    Spec("keep_result", gettext_lazy("Keep the published reply"), COORDINATOR, "keep_result",
         forms.NoteForm, gettext_lazy("Keep the reply")),
    # Not transitions: the case keeps its state (Art. 4.8, 18).
    Spec("release_hold", gettext_lazy("Release into the intake queue"), COORDINATOR, "",
         forms.ReleaseForm, gettext_lazy("Release")),
    Spec("escalate", gettext_lazy("Escalate to the province's leadership"), COORDINATOR, "",
         forms.EscalateForm, gettext_lazy("Escalate")),
    Spec("mark_valuable", gettext_lazy("Mark as a valuable report (Art. 18.1)"), COORDINATOR,
         "", forms.ReasonForm, gettext_lazy("Mark valuable")),
    Spec("abuse_list", gettext_lazy("Put this reporter's phone on the abuse list (Art. 18.2)"),
         COORDINATOR, "", forms.AbuseListForm, gettext_lazy("Put on the abuse list"),
         danger=True),
)
ASSIGNMENT_ACTIONS = (
    Spec("accept", gettext_lazy("Accept the case"), STAFF, "accept", forms.EmptyForm,
         gettext_lazy("Accept")),
    Spec("return", gettext_lazy("Return: not our jurisdiction"), STAFF,
         "return_to_coordinator", forms.ReasonForm, gettext_lazy("Return"), danger=True),
    Spec("extend", gettext_lazy("Ask for more time"), STAFF, "extend", forms.ExtendForm,
         gettext_lazy("Ask for an extension")),
    Spec("draft", gettext_lazy("Draft reply (Appendix 1)"), STAFF, "submit_draft",
         forms.DraftForm, gettext_lazy("Send to the leader")),
    Spec("approve", gettext_lazy("Approve the draft"), LEADER, "approve", forms.EmptyForm,
         gettext_lazy("Approve")),
    Spec("edit_approve", gettext_lazy("Edit and approve"), LEADER, "approve",
         forms.EditApproveForm, gettext_lazy("Save and approve")),
    Spec("return_to_staff", gettext_lazy("Return the draft to staff"), LEADER,
         "return_to_staff", forms.NoteForm, gettext_lazy("Return to staff")),
    Spec("send_back", gettext_lazy("Request a revision or redistribute"), COORDINATOR,
         "send_back", forms.SendBackForm, gettext_lazy("Send back to the unit")),
    Spec("reveal", gettext_lazy("Show the reporter's contact to this unit"), COORDINATOR, "",
         forms.ReasonForm, gettext_lazy("Show the contact")),
)
SPECS: dict[str, Spec] = {s.key: s for s in CASE_ACTIONS + ASSIGNMENT_ACTIONS}

# The step each state waits for: shown with its reason even to those who cannot take it.
NEXT_CASE_STEP: dict[str, str] = {
    Case.State.RECEIVED: "classify",
    Case.State.CLASSIFIED: "dispatch",
    Case.State.ASSIGNED: "publish",
    Case.State.PROCESSED: "publish",
    Case.State.APPROVED: "publish",
    Case.State.REOPENED: "reprocess",
}
NEXT_ASSIGNMENT_STEP: dict[str, str] = {
    Assignment.State.PENDING: "accept",
    Assignment.State.PROCESSING: "draft",
    Assignment.State.AWAITING_APPROVAL: "approve",
}


def form_key(spec_key: str, assignment_id: int | None = None) -> str:
    """A form's name on the page; an assignment's forms carry its id (one per unit)."""
    return spec_key if assignment_id is None else f"{spec_key}-{assignment_id}"

