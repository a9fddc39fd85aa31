"""The case page's actions: the forms this person may send now and, for the next step of
the case and of each unit's assignment that they may not take, who may and why not
("Waiting for leader approval")."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import can_proceed, has_transition_perm

from routing.selectors import Actor

from ... import forms
from ...models import Assignment, Case
from ...rendered import RenderedHtml
from .specs import (
    ASSIGNMENT_ACTIONS,
    ASSIGNMENT_WAITING,
    CASE_ACTIONS,
    CASE_WAITING,
    COORDINATOR,
    NEXT_ASSIGNMENT_STEP,
    NEXT_CASE_STEP,
    ONLY,
    WHO,
    Spec,
    form_key,
)


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


def unavailable_reason(spec: Spec, obj: Case | Assignment, actor: Actor, *,
                       returned_share: bool = False) -> str:
    """Why `actor` may not take this action now; "" when they may. `returned_share`: a
    unit returned its share of the case (only then may it be re-routed while units work)."""
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
    if (spec.key == "dispatch" and isinstance(obj, Case) and obj.state != Case.State.CLASSIFIED
            and not returned_share):
        return str(CASE_WAITING[obj.state])
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
    def areas(self) -> list[tuple[int, str]]:
        return forms.area_choices(cached=True)

    @cached_property
    def units(self) -> list[tuple[int, str]]:
        return forms.unit_choices(cached=True)

    def __call__(self, spec: Spec, key: str, assignment: Assignment | None) -> forms.ActionForm:
        case = self.case
        latest = assignment.latest_drafts[0] if assignment and assignment.latest_drafts else None
        if spec.key == "classify":
            return forms.ClassifyForm(key=key, categories=self.categories, areas=self.areas,
                                      initial={"category": case.category_id,
                                               "area": case.area_id,
                                               "is_state_secret": case.is_state_secret})
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
    bound: Mapping[str, forms.ActionForm], *, title: str = "", returned_share: bool = False,
) -> ActionView | None:
    """The action as shown: its form when `actor` may take it, the reason when it is the
    next step and they may not, None when it does not concern this page."""
    assignment = obj if isinstance(obj, Assignment) else None
    key = form_key(spec.key, assignment.pk if assignment else None)
    reason = unavailable_reason(spec, obj, actor, returned_share=returned_share)
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
            returned_share=rerouting,
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

