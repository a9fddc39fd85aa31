"""The case page: the case, its units, drafts and log, and what can be done next.

Each action is one small form posting to its own URL (actions.py). The page shows the
actions this person may take now, and for the next step of the case and of each unit's
assignment that they may not take, who may and why not ("Waiting for leader approval").
Availability is django-fsm's own answer (can_proceed, has_transition_perm) for the actor.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import JSONField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import linebreaksbr
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import can_proceed, has_transition_perm

from config.text import normalize_line
from routing.selectors import Actor, actor_for

from .. import forms
from ..letters import LetterLink, staff_letter_links
from ..models import (
    Assignment,
    Case,
    CaseEvent,
    Draft,
    DraftPhoto,
    OutboxMessage,
    SignedLetter,
    Visibility,
)
from ..rendered import RenderedHtml
from ..selectors import (
    PossibleDuplicate,
    case_deliveries,
    duplicate_rows,
    get_case_for,
    json_rows,
    possible_duplicates,
    visible_assignments,
)
from .queues import ASSIGNMENT_STATES, CASE_STATES, Clock, Deadline, category_name, moment

# What each logged event means, in words (services._log and the deadline sweep write them).
EVENT_KINDS: dict[str, Promise] = {
    "received": gettext_lazy("Received"),
    "classified": gettext_lazy("Classified"),
    "sent_back_for_verification": gettext_lazy("Sent back for verification"),
    "rejected": gettext_lazy("Rejected"),
    "dispatched": gettext_lazy("Dispatched to units"),
    "accepted": gettext_lazy("Accepted by the unit"),
    "returned": gettext_lazy("Returned by the unit"),
    "back_to_coordinator": gettext_lazy("Back to the coordinator"),
    "extended": gettext_lazy("Deadline extended"),
    "draft_submitted": gettext_lazy("Draft reply submitted"),
    "approved": gettext_lazy("Draft approved by the leader"),
    "returned_to_staff": gettext_lazy("Draft returned to staff"),
    "sent_back_revision": gettext_lazy("Revision requested"),
    "sent_back_redistribution": gettext_lazy("Redistributed"),
    "sent_back_reprocess": gettext_lazy("Sent back for reprocessing"),
    "mark_processed": gettext_lazy("All drafts submitted"),
    "mark_approved": gettext_lazy("All drafts approved"),
    "back_to_units": gettext_lazy("Back to the units"),
    "published": gettext_lazy("Reply published"),
    "reopened": gettext_lazy("Reopened after an unsatisfied rating"),
    "reprocessed": gettext_lazy("Handed back to units for reprocessing"),
    "result_kept": gettext_lazy("Published reply kept"),
    "overdue": gettext_lazy("Deadline missed"),
    "contact_revealed": gettext_lazy("Reporter's contact shown to the unit"),
    "escalated": gettext_lazy("Escalated to the province's leadership"),
    "marked_valuable": gettext_lazy("Marked as a valuable report"),
    "abuse_listed": gettext_lazy("Reporter's contact put on the abuse list"),
    "released": gettext_lazy("Released from the moderation hold"),
}
ACTOR_LABELS: dict[str, Promise] = {
    "system": gettext_lazy("System"),
    "reporter": gettext_lazy("Reporter"),
}

MAX_UNIT_QUERY = 100  # characters of the "find unit" box that are read

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


# --- Values handed to the template -------------------------------------------------------------
@dataclass(frozen=True)
class Reporter:
    name: str
    phone: str
    email: str
    address: str


@dataclass(frozen=True)
class DraftView:
    unit: str
    version: int
    written_at: datetime
    body: str
    photo_urls: list[str] = field(default_factory=list)  # through staff:draft_photo (AC2)


@dataclass(frozen=True)
class AssignmentView:
    unit: str
    state: str
    assigned_at: datetime
    deadline: Deadline
    is_extended: bool
    rework: str
    contact_revealed: bool = False


@dataclass(frozen=True)
class EventView:
    at: datetime
    who: str
    kind: str
    from_state: str
    to_state: str
    note: str
    at_iso: str = ""  # |date:'c' and |date:"d/m/Y H:i" of `at` (queues.moment)
    at_text: str = ""

    @cached_property
    def html(self) -> SafeString:
        """The log's row, every value escaped: the history has a row per step of the case,
        written here once rather than cell by cell in the template."""
        states = ""
        if self.from_state or self.to_state:
            states = f"{escape(self.from_state or '—')} → {escape(self.to_state or '—')}"
        return mark_safe(  # noqa: S308 - every value is escaped
            f'<tr><td class="nowrap"><time datetime="{self.at_iso}">{self.at_text}</time></td>'
            f"<td>{escape(self.who or '—')}</td><td>{escape(self.kind)}</td><td>{states}</td>"
            f'<td class="citizen-text">{linebreaksbr(self.note, autoescape=True)}</td></tr>\n')


@dataclass(frozen=True)
class ActionView:
    """An action: its form when this person may take it now, else who may and why not."""

    key: str
    title: str
    who: str
    url: str
    button: str
    form: forms.ActionForm | None
    reason: str = ""
    danger: bool = False
    multipart: bool = False
    collapsed: bool = False  # a side action: folded until opened (or sent back with errors)
    fields_html: str = ""  # the form's fields (partials/form_fields.html)

    def html(self, csrf_token: str) -> SafeString:
        """The action as the case page shows it, every value escaped: a coordinator's case
        page has about ten, written here rather than by a template included for each."""
        key, title = escape(self.key), escape(self.title)
        who = _("Who may do it: %(who)s") % {"who": escape(self.who)}
        reason = _("Not available now: %(reason)s") % {"reason": escape(self.reason)}
        if self.form is None:
            return mark_safe(  # noqa: S308 - every value is escaped
                f'<div class="action action--unavailable" id="action-{key}">\n'
                f'  <p><span class="action__title">{title}</span> '
                f'<span class="action__who">{who}</span></p>\n'
                f'  <p class="action__reason">{reason}</p>\n</div>\n')
        danger = " action--danger" if self.danger else ""
        opened = "" if self.collapsed else " open"
        finder_id = getattr(self.form, "finder_id", "")
        finder = (f'  <form id="{escape(finder_id)}" method="get" action="#action-{key}" '
                  f'role="search" data-unit-picker-form></form>\n' if finder_id else "")
        multipart = ' enctype="multipart/form-data"' if self.multipart else ""
        button = "button-danger" if self.danger else "button-primary"
        return mark_safe(  # noqa: S308 - every value is escaped; the fields are rendered HTML
            f'<details class="action{danger}" id="action-{key}"{opened}>\n'
            f'  <summary><span class="action__title">{title}</span> '
            f'<span class="action__who">{who}</span></summary>\n'
            + (f'  <p class="action__reason">{reason}</p>\n' if self.reason else "")
            + finder
            + f'  <form method="post" action="{escape(self.url)}" novalidate{multipart}>\n'
            + (f'    <input type="hidden" name="csrfmiddlewaretoken" '
               f'value="{escape(csrf_token)}">\n' if csrf_token else "")
            + f"    {self.fields_html}\n"
            f'    <button type="submit" class="{button}">{escape(self.button)}</button>\n'
            f"  </form>\n</details>\n")


@dataclass(frozen=True)
class UnitActions:
    unit: str
    state: str
    actions: list[ActionView]


@dataclass(frozen=True)
class DeliveryView:
    """One outgoing message of the case, for the coordinator: never its address."""

    resend_url: str  # "" unless it failed and can be queued again
    channel: str
    recipient: str
    template: str
    status: str
    is_failed: bool
    attempts: int
    sent_at: datetime | None
    last_error: str


@dataclass(frozen=True)
class CasePage:
    """What the case page shows; the reporter is None unless the actor may see them."""

    code: str
    title: str
    content: str | None  # None: a state secret this actor's unit no longer holds
    location: str
    category: str
    area: str
    channel: str
    state: str
    visibility: str
    is_confidential: bool
    is_state_secret: bool
    received_at: datetime
    occurred_at: datetime | None
    deadline: Deadline
    reporter: Reporter | None
    assignments: list[AssignmentView]
    drafts: list[DraftView]  # the newest version of each unit's draft
    events: list[EventView]
    actions: list[ActionView] = field(default_factory=list)
    unit_actions: list[UnitActions] = field(default_factory=list)
    error: str = ""  # why the last action was refused (status 409)
    on_hold: bool = False
    escalated_at: datetime | None = None
    marked_valuable_at: datetime | None = None
    deliveries: list[DeliveryView] | None = None  # None: not for this actor
    attachments: list = field(default_factory=list)  # the reporter's photos and videos
    letters: list[LetterLink] = field(default_factory=list)  # of the approved units
    duplicates: list[PossibleDuplicate] | None = None  # None: not for this actor

    @property
    def has_unit_picker(self) -> bool:
        """Whether a form of the page picks units (its script is loaded only then)."""
        return any(isinstance(action.form, forms.UnitsForm) for action in self.actions)


# --- Reads -------------------------------------------------------------------------------------
def latest_drafts() -> QuerySet[Draft]:
    """Each assignment's newest draft, with its evidence photos' ids as `photo_ids`, as
    "1,2,3" (read in the same query: the count does not grow with the photos). For the
    first run's SQLite; PostgreSQL reads them with the assignments (newest_draft_json)."""
    newest = Draft.objects.filter(assignment=OuterRef("assignment")).order_by("-version")
    drafts = Draft.objects.filter(version=Subquery(newest.values("version")[:1]))
    return drafts.annotate(photo_ids=RawSQL(
        "(SELECT group_concat(id) FROM (SELECT p.id FROM workflow_draftphoto p "
        "WHERE p.draft_id = workflow_draft.id ORDER BY p.id))", []))


def photo_id_list(ids: list[int] | str | None) -> list[int]:
    """`photo_ids` as PostgreSQL's array or SQLite's comma-separated text gives it."""
    if isinstance(ids, str):
        return [int(pk) for pk in ids.split(",") if pk]
    return list(ids or ())


# The newest draft's columns that the page shows or puts in its forms.
DRAFT_FIELDS = ("id", "version", "number", "date", "addressee", "body", "signer",
                "signer_title", "recipients", "created_at")


def newest_draft_json() -> RawSQL:
    """An assignment's newest draft as one JSON object, with its evidence photos' ids as
    `photo_ids`: read with the assignment, not by a query of its own (PostgreSQL)."""
    columns = ", ".join(f"'{name}', d.{name}" for name in DRAFT_FIELDS)
    return json_rows(  # constants and table names only
        f"(SELECT jsonb_build_object({columns}, 'photo_ids', ARRAY(SELECT p.id FROM "  # noqa: S608
        f"{DraftPhoto._meta.db_table} p WHERE p.draft_id = d.id ORDER BY p.id)) "
        f"FROM {Draft._meta.db_table} d WHERE d.assignment_id = {Assignment._meta.db_table}.id "
        "ORDER BY d.version DESC LIMIT 1)")


def draft_from_json(assignment: Assignment, row: dict[str, Any]) -> Draft:
    draft = Draft(assignment_id=assignment.pk, **{name: row[name] for name in DRAFT_FIELDS})
    draft.date = parse_date(row["date"]) if row["date"] else None
    draft.created_at = parse_datetime(row["created_at"])
    draft.photo_ids = row["photo_ids"]
    return draft


def newest_signed_json() -> RawSQL:
    """An assignment's newest signed reply letter as one JSON object (PostgreSQL)."""
    return json_rows(  # constants and table names only
        "(SELECT jsonb_build_object('id', s.id, 'sha256', s.sha256, "  # noqa: S608
        "'uploaded_at', s.uploaded_at, 'has_signature', s.has_signature) "
        f"FROM {SignedLetter._meta.db_table} s "
        f"WHERE s.assignment_id = {Assignment._meta.db_table}.id "
        "ORDER BY s.uploaded_at DESC, s.id DESC LIMIT 1)")


def signed_from_json(assignment: Assignment, row: dict[str, Any]) -> SignedLetter:
    return SignedLetter(pk=row["id"], assignment_id=assignment.pk, sha256=row["sha256"],
                        uploaded_at=parse_datetime(row["uploaded_at"]),
                        has_signature=row["has_signature"])


def case_assignments(actor: Actor, case: Case) -> list[Assignment]:
    """The case's assignments this actor may see (a unit sees only its own), with their
    newest draft as `latest_drafts` (an empty list or one draft) and, on PostgreSQL, their
    newest signed letter as `latest_signed` (workflow.letters): in one query on
    PostgreSQL, with a second for the drafts on the first run's SQLite."""
    assignments = (visible_assignments(actor).filter(case=case).select_related("unit")
                   .order_by("assigned_at", "pk"))
    if connection.vendor == "postgresql":
        assignments = list(assignments.annotate(newest_draft=newest_draft_json(),
                                                newest_signed=newest_signed_json()))
        for assignment in assignments:
            row = assignment.newest_draft
            assignment.latest_drafts = [draft_from_json(assignment, row)] if row else []
            signed = assignment.newest_signed
            assignment.latest_signed = [signed_from_json(assignment, signed)] if signed else []
    else:
        assignments = list(assignments.prefetch_related(
            Prefetch("drafts", queryset=latest_drafts(), to_attr="latest_drafts")))
    for assignment in assignments:
        assignment.case = case  # the transitions' checks read it; no query per row
    return assignments


# The log's columns, read as values: when, the person's user name or the actor's label, what
# happened, the states before and after, the note, and whether it is an assignment's step.
EVENT_FIELDS = ("at", f"actor__{get_user_model().USERNAME_FIELD}", "actor_label", "kind",
                "from_state", "to_state", "note", "assignment_id")


def event_rows(actor: Actor) -> RawSQL:
    """The log as JSON arrays in EVENT_FIELDS' order, oldest first, read with the case
    (get_case_for(..., event_rows=event_rows(actor)), PostgreSQL): a query and its
    compilation fewer. A unit does not read other units' assignment events."""
    users = get_user_model()._meta
    username = users.get_field(users.model.USERNAME_FIELD).column
    own, params = "", []
    if not (actor.is_coordinator or actor.is_supervisor):
        own, params = " AND (e.unit_id IS NULL OR e.unit_id = ANY(%s))", [sorted(actor.units)]
    return RawSQL(  # noqa: S611 - table and column names from the models; the units bound
        "(SELECT COALESCE(jsonb_agg(jsonb_build_array(e.at, u." + username + ", "  # noqa: S608
        "e.actor_label, e.kind, e.from_state, e.to_state, e.note, e.assignment_id) "
        f"ORDER BY e.at, e.id), '[]'::jsonb) FROM {CaseEvent._meta.db_table} e "
        f"LEFT JOIN {users.db_table} u ON u.{users.pk.column} = e.actor_id "
        f"WHERE e.case_id = {Case._meta.db_table}.id{own})", params, output_field=JSONField())


def case_events(actor: Actor, case: Case) -> list[tuple]:
    """The log, oldest first, as tuples of EVENT_FIELDS; a unit does not read other units'
    assignment events. Read with the case when it carries `event_rows` (page_lists)."""
    if (rows := getattr(case, "event_rows", None)) is not None:
        return [(parse_datetime(at), *rest) for at, *rest in rows]
    events = CaseEvent.objects.filter(case=case).order_by("at", "pk")
    if not (actor.is_coordinator or actor.is_supervisor):
        events = events.filter(Q(unit__isnull=True) | Q(unit_id__in=actor.units))
    return list(events.values_list(*EVENT_FIELDS))


def event_views(events: list[tuple], show_note: bool) -> list[EventView]:
    """The log as shown, the labels translated once per page."""
    zone = timezone.get_current_timezone()
    labels = {key: str(label) for key, label in EVENT_KINDS.items()}
    actors = {key: str(label) for key, label in ACTOR_LABELS.items()}
    case_states = {key: str(label) for key, label in CASE_STATES.items()}
    assignment_states = {key: str(label) for key, label in ASSIGNMENT_STATES.items()}
    views = []
    for at, username, actor_label, kind, from_state, to_state, note, assignment_id in events:
        states = assignment_states if assignment_id else case_states
        iso, text = moment(at, zone)
        views.append(EventView(
            at=at,
            who=username if username is not None else actors.get(actor_label, actor_label),
            kind=labels.get(kind, kind),
            from_state=states.get(from_state, from_state),
            to_state=states.get(to_state, to_state),
            note=note if show_note else "",
            at_iso=iso,
            at_text=text,
        ))
    return views


def may_see_reporter(actor: Actor, own_assignments: Sequence[Assignment]) -> bool:
    """Art. 13.8: the coordinator, or a unit the coordinator revealed the contact to."""
    return actor.is_coordinator or any(a.contact_revealed for a in own_assignments)


# --- Actions -----------------------------------------------------------------------------------
def unavailable_reason(spec: Spec, obj: Case | Assignment, actor: Actor) -> str:
    """Why `actor` may not take this action now; "" when they may."""
    if isinstance(obj, Case) and not spec.transition:
        return case_side_reason(spec.key, obj, actor)
    if spec.key == "classify" and isinstance(obj, Case) and obj.on_hold:
        return str(gettext_lazy("Held for moderation (Art. 18.2): release it first."))
    if spec.key == "reveal":
        assert isinstance(obj, Assignment)
        if not actor.is_coordinator:
            return str(ONLY[COORDINATOR])
        if not obj.is_active:
            return str(ASSIGNMENT_WAITING[Assignment.State.RETURNED])
        if obj.contact_revealed:
            return str(gettext_lazy("The reporter's contact is already shown to this unit."))
        return ""
    method = getattr(obj, spec.transition)
    if not can_proceed(method):
        waiting = ASSIGNMENT_WAITING if isinstance(obj, Assignment) else CASE_WAITING
        return str(waiting[obj.state])
    if not has_transition_perm(method, actor):
        return str(ONLY[spec.role])
    if spec.key == "send_back" and obj.case.state != Case.State.APPROVED:
        # The service sends back only while the whole case waits for publication.
        return str(CASE_WAITING[obj.case.state])
    return ""


def case_side_reason(key: str, case: Case, actor: Actor) -> str:
    """Why `actor` may not escalate, mark, list or release this case now; "" when they may."""
    if not actor.is_coordinator:
        return str(ONLY[COORDINATOR])
    if key == "release_hold":
        return "" if case.on_hold else str(gettext_lazy("The case is not held."))
    if key == "abuse_list":
        return ""
    if case.state == Case.State.REJECTED:
        return str(CASE_WAITING[Case.State.REJECTED])
    if key == "escalate" and case.escalated_at is not None:
        return str(gettext_lazy("Already escalated to the province's leadership."))
    if key == "mark_valuable" and case.marked_valuable_at is not None:
        return str(gettext_lazy("Already marked as a valuable report."))
    return ""


class FormMaker:
    """Builds each action's unbound form with its choices and initial values; the lists
    of categories and units are read once, and only when a form needs them."""

    def __init__(self, case: Case, assignments: Sequence[Assignment], unit_query: str = "",
                 ) -> None:
        self.case = case
        self.assignments = assignments
        self.unit_query = unit_query  # what was typed in the unit picker's "find unit" box

    @cached_property
    def categories(self) -> list[tuple[int, str]]:
        return forms.category_choices(cached=True)

    @cached_property
    def units(self) -> list[tuple[int, str]]:
        return forms.unit_choices(cached=True)

    def __call__(self, spec: Spec, key: str, assignment: Assignment | None) -> forms.ActionForm:
        case = self.case
        latest = assignment.latest_drafts[0] if assignment and assignment.latest_drafts else None
        if spec.key == "classify":
            return forms.ClassifyForm(key=key, categories=self.categories, initial={
                "category": case.category_id, "is_state_secret": case.is_state_secret})
        if spec.key == "dispatch":
            return forms.UnitsForm(key=key, units=self.units, query=self.unit_query)
        if spec.key == "reprocess":
            return forms.ReprocessForm(key=key, units=self.units, query=self.unit_query, initial={
                "units": [a.unit_id for a in self.assignments if a.is_active]})
        if spec.key == "publish":
            bodies = [a.latest_drafts[0].body for a in self.assignments
                      if a.state == Assignment.State.APPROVED and a.latest_drafts]
            return forms.PublishForm(key=key, initial={
                "visibility": case.visibility, "reply_text": "\n\n".join(bodies)})
        if spec.key == "edit_approve":
            return forms.EditApproveForm(key=key, initial={"body": latest.body if latest else ""})
        if spec.key == "draft" and latest is not None:
            return forms.DraftForm(key=key, initial={
                name: getattr(latest, name) for name in (
                    "number", "date", "addressee", "body", "signer", "signer_title",
                    "recipients")})
        return spec.form(key=key)


def action_view(
    spec: Spec, obj: Case | Assignment, actor: Actor, make_form: FormMaker,
    bound: Mapping[str, forms.ActionForm], *, title: str = "",
) -> ActionView | None:
    """The action as shown: its form when `actor` may take it, the reason when it is the
    next step and they may not, None when it does not concern this page."""
    assignment = obj if isinstance(obj, Assignment) else None
    key = form_key(spec.key, assignment.pk if assignment else None)
    reason = unavailable_reason(spec, obj, actor)
    form = bound.get(key)  # a form sent back with its errors and what was typed
    if form is None and not reason:
        form = make_form(spec, key, assignment)
    next_steps = NEXT_ASSIGNMENT_STEP if assignment else NEXT_CASE_STEP
    is_next = next_steps.get(obj.state) == spec.key
    if spec.key == "release_hold":
        is_next = bool(getattr(obj, "on_hold", False))  # shown only while the case is held
    if form is None and not is_next:
        return None
    return ActionView(
        key=key,
        title=title or str(spec.title),
        who=str(WHO[spec.role]),
        url=reverse(f"staff:{spec.key}", args=[obj.pk]),
        button=str(spec.button),
        form=form,
        reason=reason,
        danger=spec.danger,
        multipart=spec.key == "draft",
        collapsed=not is_next and key not in bound,
        fields_html=fields_html(form) if form is not None else "",
    )


# An unbound form's fields render the same for the same key (forms.ActionForm.html_key).
_FIELDS_HTML = RenderedHtml(size=512)
# Stands for an assignment's id in its forms' element ids while they are kept: unguessable,
# so nothing typed in a form can contain it, and never sent (it is replaced on the way out).
_ID_MARK = f"a{secrets.token_hex(8)}"


def fields_html(form: forms.ActionForm) -> str:
    """The form's fields as partials/form_fields.html renders them, kept per process while
    the form is unbound; a form sent back with errors is rendered afresh.

    An assignment's forms (key "accept-12") differ from one assignment to the next only by
    the id in their element ids: they are kept once, with a mark in the id's place."""
    def render() -> str:
        return render_to_string("partials/form_fields.html", {"form": form})

    base, _, number = form.key.partition("-")
    if form.is_bound or not number.isdigit():
        return _FIELDS_HTML.get(form.html_key(), render)
    own_ids = form.auto_id
    form.auto_id = own_ids.replace(form.key, f"{base}-{_ID_MARK}")
    try:
        html = _FIELDS_HTML.get(form.html_key(), render)
    finally:
        form.auto_id = own_ids
    return mark_safe(html.replace(_ID_MARK, number))  # noqa: S308 — digits in escaped HTML


def page_actions(
    actor: Actor, case: Case, assignments: Sequence[Assignment],
    bound: Mapping[str, forms.ActionForm], unit_query: str = "",
) -> tuple[list[ActionView], list[UnitActions]]:
    make_form = FormMaker(case, assignments, unit_query)
    rerouting = any(not a.is_active for a in assignments)
    case_actions = [
        view for spec in CASE_ACTIONS
        if (view := action_view(
            spec, case, actor, make_form, bound,
            title=str(gettext_lazy("Re-route to other units"))
            if spec.key == "dispatch" and rerouting else "",
        ))
    ]
    case_actions.sort(key=lambda view: view.collapsed)  # the next step first
    unit_actions = []
    for assignment in assignments:
        if not assignment.is_active:
            continue
        views = [view for spec in ASSIGNMENT_ACTIONS
                 if (view := action_view(spec, assignment, actor, make_form, bound))]
        views.sort(key=lambda view: view.collapsed)  # the next step first
        if views:
            unit_actions.append(UnitActions(unit=assignment.unit.name,
                                            state=assignment.get_state_display(),
                                            actions=views))
    return case_actions, unit_actions


# --- The page ----------------------------------------------------------------------------------
class PhotoUrl:
    """staff:draft_photo's URL of a photo id, reverse()d once per page."""

    _PK = 987654321

    def __init__(self) -> None:
        self.head, self.tail = reverse("staff:draft_photo", args=[self._PK]).split(str(self._PK))

    def __call__(self, pk: int) -> str:
        return f"{self.head}{pk}{self.tail}"


def case_page(
    actor: Actor, case: Case, now: datetime,
    bound: Mapping[str, forms.ActionForm] | None = None, error: str = "", unit_query: str = "",
) -> CasePage:
    clock = Clock(now)
    assignments = case_assignments(actor, case)
    own = [a for a in assignments if a.is_active and actor.is_member_of(a.unit_id)]
    # A state secret's content is for the coordinator and the units that hold it (DP4).
    content_visible = not case.is_state_secret or actor.is_coordinator or bool(own)
    reporter = None
    if may_see_reporter(actor, own):
        reporter = Reporter(
            name=case.reporter_name,
            phone=case.reporter_phone,
            email=case.reporter_email,
            address=case.reporter_address,
        )
    # case_assignments() gives a unit only its own assignments, so only its drafts' photos.
    photo_url = PhotoUrl()
    drafts = [
        DraftView(unit=a.unit.name, version=d.version, written_at=d.created_at, body=d.body,
                  photo_urls=[photo_url(pk) for pk in photo_id_list(d.photo_ids)])
        for a in assignments if content_visible
        for d in a.latest_drafts
    ]
    actions, unit_actions = page_actions(actor, case, assignments, bound or {}, unit_query)
    return CasePage(
        code=case.display_code,
        title=case.title,
        content=case.content if content_visible else None,
        location=case.location_text if content_visible else "",
        category=category_name(case.category),
        area=case.area.name if case.area else "",
        channel=case.get_channel_display(),
        state=case.get_state_display(),
        visibility=str(Visibility(case.visibility).label),
        is_confidential=case.is_confidential,
        is_state_secret=case.is_state_secret,
        received_at=case.received_at,
        occurred_at=case.occurred_at,
        deadline=clock.deadline(case.due_at, case.overdue_at),
        reporter=reporter,
        assignments=[
            AssignmentView(
                unit=a.unit.name,
                state=a.get_state_display(),
                assigned_at=a.assigned_at,
                deadline=clock.deadline(a.due_at, a.overdue_at),
                is_extended=a.is_extended,
                rework=a.get_rework_display() if a.rework else "",
                contact_revealed=a.contact_revealed,
            )
            for a in assignments
        ],
        drafts=drafts,
        events=event_views(case_events(actor, case), content_visible),
        actions=actions,
        unit_actions=unit_actions,
        error=error,
        on_hold=case.on_hold,
        escalated_at=case.escalated_at,
        marked_valuable_at=case.marked_valuable_at,
        deliveries=delivery_views(case) if actor.is_coordinator else None,
        attachments=case_attachments(case) if content_visible else [],
        letters=letter_links(actor, case, assignments),
        # By phone or similar title: it links one reporter's cases, so the coordinator only.
        duplicates=possible_duplicates(case, now) if actor.is_coordinator else None,
    )


ATTACHMENT_FIELDS = ("pk", "kind", "content_type", "size")


def attachment_rows() -> RawSQL:
    """The reporter's photos and videos as JSON objects, to read with the case."""
    from feedback.models import Attachment  # feedback builds on workflow, not the reverse

    columns = ", ".join(f"'{name}', a.{'id' if name == 'pk' else name}"
                        for name in ATTACHMENT_FIELDS)
    return json_rows(  # constants and table names only
        f"(SELECT COALESCE(jsonb_agg(jsonb_build_object({columns}) ORDER BY a.id), '[]'::jsonb) "  # noqa: S608
        f"FROM {Attachment._meta.db_table} a WHERE a.case_id = {Case._meta.db_table}.id)")


def case_attachments(case: Case) -> list:
    """The reporter's photos and videos, served by the permission-checked view: read with
    the case (`attachment_rows`) on PostgreSQL, else one query."""
    from feedback.models import Attachment

    rows = getattr(case, "attachment_rows", None)
    if rows is not None:
        return [Attachment(**{name: row[name] for name in ATTACHMENT_FIELDS}) for row in rows]
    return list(Attachment.objects.filter(case=case).order_by("pk").only(*ATTACHMENT_FIELDS))


def page_lists(actor: Actor) -> dict[str, Any]:
    """What the case page reads with the case on PostgreSQL: its photos and videos, its log
    and, for the coordinator, its stored possible duplicates."""
    if connection.vendor != "postgresql":
        return {}
    read_with = {"attachment_rows": attachment_rows(), "event_rows": event_rows(actor)}
    if actor.is_coordinator:
        read_with["duplicate_rows"] = duplicate_rows()
    return read_with


def letter_links(actor: Actor, case: Case, assignments: Sequence[Assignment],
                 ) -> list[LetterLink]:
    """The Appendix 1 letters of the approved units (none read before any unit's approval)."""
    if not any(a.state == Assignment.State.APPROVED for a in assignments):
        return []
    return staff_letter_links(actor, case.pk, assignments)


def delivery_views(case: Case) -> list[DeliveryView]:
    """The case's outgoing messages in one query; a failed one gets its resend URL."""
    failed = OutboxMessage.Status.FAILED
    channels = dict(OutboxMessage.Channel.choices)
    statuses = dict(OutboxMessage.Status.choices)
    return [
        DeliveryView(
            resend_url=reverse("staff:resend", args=[m["id"]]) if m["status"] == failed else "",
            channel=str(channels.get(m["channel"], m["channel"])),
            recipient=str(gettext_lazy("Reporter") if m["to_reporter"]
                          else gettext_lazy("Staff")),
            template=m["template"],
            status=str(statuses.get(m["status"], m["status"])),
            is_failed=m["status"] == failed,
            attempts=m["attempts"],
            sent_at=m["sent_at"],
            last_error=Truncator(m["last_error"] or "").chars(80),
        )
        for m in case_deliveries(case)
    ]


def render_case(
    request: HttpRequest, actor: Actor, case: Case, *,
    bound: Mapping[str, forms.ActionForm] | None = None, error: str = "", status: int = 200,
    unit_query: str = "",
) -> HttpResponse:
    page = case_page(actor, case, timezone.now(), bound=bound, error=error,
                     unit_query=unit_query)
    return render(request, "workflow/case.html", {"page": page}, status=status)


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request.user)
    case = get_case_for(actor, pk, **page_lists(actor))  # 404 if not theirs
    # The unit picker's "find unit" box works without JavaScript: it reloads the page.
    unit_query = normalize_line(request.GET.get(forms.FIND_UNITS, ""))[:MAX_UNIT_QUERY]
    return render_case(request, actor, case, unit_query=unit_query)
