"""The case page's actions: one POST view per action, each as thin as the style asks.

view → permission-checked getter (404 when not visible) → the role's gate (403) → form →
service → message → redirect. A refusal comes back on the case page: bad input next to its
field (400, what was typed kept), an action the state no longer allows with its reason (409).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from routing.audit import record
from routing.models import AuditEvent
from routing.selectors import Actor, actor_for

from .. import forms, services
from ..errors import TransitionRefused
from ..models import Assignment, Case, OutboxMessage
from ..notifications.delivery import resend_message
from ..selectors import get_assignment_for, get_case_for, visible_cases
from .case import COORDINATOR, LEADER, ONLY, SPECS, STAFF, form_key, render_case

logger = logging.getLogger("workflow.access")

View = Callable[..., HttpResponse]


def refusals_as_pages(view: View) -> View:
    """PermissionDenied from a gate or a service becomes the 403 page, with the reason."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as denied:
            # Ids only: never the case's text or the reporter (SECURITY AU3).
            logger.warning("permission denied: user %s, %s", request.user.pk, request.path)
            return forbidden(request, str(denied) or _("Your role does not allow this action."))

    return wrapper


def forbidden(request: HttpRequest, reason: str) -> HttpResponse:
    # routing.middleware.AuditMiddleware audits every 403 (SECURITY AU1), this one too.
    return render(request, "workflow/forbidden.html", {"reason": reason}, status=403)


def gate(actor: Actor, role: str, unit_id: int | None = None) -> None:
    """Refuse another role's action before anything else is read from the request."""
    allowed = {
        COORDINATOR: actor.is_coordinator,
        STAFF: unit_id is not None and actor.is_member_of(unit_id),
        LEADER: unit_id is not None and actor.is_leader_of(unit_id),
    }[role]
    if not allowed:
        raise PermissionDenied(str(ONLY[role]))


def case_for_action(actor: Actor, pk: int, key: str) -> Case:
    case = get_case_for(actor, pk)  # 404 if not theirs
    gate(actor, SPECS[key].role)
    return case


def assignment_for_action(actor: Actor, pk: int, key: str) -> tuple[Assignment, Case]:
    assignment = get_assignment_for(actor, pk)  # 404 if not their unit's
    gate(actor, SPECS[key].role, assignment.unit_id)
    return assignment, get_case_for(actor, assignment.case_id)


def perform(
    request: HttpRequest, actor: Actor, case: Case, form: forms.ActionForm,
    call: Callable[[dict[str, Any]], object], success: str, next_url: str = "",
) -> HttpResponse:
    """Run the service on valid input; otherwise show the case page with the refusal."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        except TransitionRefused as refused:
            return render_case(request, actor, case, error=refused.message, status=409)
        else:
            messages.success(request, success)
            return redirect(next_url or case.get_absolute_url())
    return render_case(request, actor, case, bound={form.key: form}, status=400)


# --- The coordinator: the case ------------------------------------------------------------------
@login_required
@require_POST
@refusals_as_pages
def classify(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request.user)
    case = case_for_action(actor, pk, "classify")
    form = forms.ClassifyForm(request.POST, key="classify", categories=forms.category_choices(),
                              areas=forms.area_choices())
    return perform(request, actor, case, form, lambda data: services.classify_case(
        case_id=case.pk, category=data["category"], is_state_secret=data["is_state_secret"],
        area=data["area"], actor=actor, now=timezone.now(),
    ), _("The case was classified."))


@login_required
@require_POST
@refusals_as_pages
def verify(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request.user)
    case = case_for_action(actor, pk, "verify")
    form = forms.ReasonForm(request.POST, key="verify")
    return perform(request, actor, case, form, lambda data: services.send_back_for_verification(
        case_id=case.pk, reason=data["reason"], actor=actor, now=timezone.now(),
    ), _("The case was sent back for verification."))


@login_required
@require_POST
@refusals_as_pages
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request.user)
    case = case_for_action(actor, pk, "reject")
    form = forms.RejectForm(request.POST, key="reject")
    return perform(request, actor, case, form, lambda data: services.reject_case(
        case_id=case.pk, reason=data["reason"], note=data["note"], actor=actor,
        now=timezone.now(),
    ), _("The case was rejected; the reporter will be told why."))


@login_required
@require_POST
@refusals_as_pages
def dispatch(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request.user)
    case = case_for_action(actor, pk, "dispatch")
    form = forms.UnitsForm(request.POST, key="dispatch", units=forms.unit_choices())
    return perform(request, actor, case, form, lambda data: services.dispatch_case(
        case_id=case.pk, unit_ids=data["units"], instructions=data["instructions"],
        actor=actor, now=timezone.now(),
    ), _("The case was dispatched."))


@login_required
@require_POST
@refusals_as_pages
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request.user)
    case = case_for_action(actor, pk, "publish")
    form = forms.PublishForm(request.POST, key="publish")
    return perform(request, actor, case, form, lambda data: services.publish_case(
        case_id=case.pk, visibility=data["visibility"], reply_text=data["reply_text"],
        actor=actor, now=timezone.now(),
    ), _("The reply was published."))


@login_required
@require_POST
@refusals_as_pages
def reprocess(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request.user)
    case = case_for_action(actor, pk, "reprocess")
    form = forms.ReprocessForm(request.POST, key="reprocess", units=forms.unit_choices())
    return perform(request, actor, case, form, lambda data: services.reprocess_case(
        case_id=case.pk, unit_ids=data["units"], note=data["note"], actor=actor,
        now=timezone.now(),
    ), _("The case was handed back to the units."))


@login_required
@require_POST
@refusals_as_pages
def keep_result(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request.user)
    case = case_for_action(actor, pk, "keep_result")
    form = forms.NoteForm(request.POST, key="keep_result")
    return perform(request, actor, case, form, lambda data: services.keep_result(
        case_id=case.pk, note=data["note"], actor=actor, now=timezone.now(),
    ), _("The published reply stands."))


# --- The coordinator: one unit's assignment -----------------------------------------------------
@login_required
@require_POST
@refusals_as_pages
def send_back(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request.user)
    assignment, case = assignment_for_action(actor, pk, "send_back")
    form = forms.SendBackForm(request.POST, key=form_key("send_back", assignment.pk))
    return perform(request, actor, case, form, lambda data: services.send_back_to_unit(
        assignment_id=assignment.pk, rework=data["rework"], note=data["note"], actor=actor,
        now=timezone.now(),
    ), _("The result was sent back to the unit."))


@login_required
@require_POST
@refusals_as_pages
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request.user)
    assignment, case = assignment_for_action(actor, pk, "reveal")
    form = forms.ReasonForm(request.POST, key=form_key("reveal", assignment.pk))

    @transaction.atomic
    def reveal_and_audit(data: dict[str, Any]) -> Assignment:
        # The case's history says why; the audit log says who, when and from where (AU1).
        revealed = services.reveal_contact(
            assignment_id=assignment.pk, reason=data["reason"], actor=actor, now=timezone.now()
        )
        record(AuditEvent.Action.CONTACT_REVEALED, request=request, obj=revealed,
               unit=revealed.unit_id)
        return revealed

    return perform(request, actor, case, form, reveal_and_audit,
                   _("The reporter's contact is now shown to %(unit)s.")
                   % {"unit": assignment.unit.name})


# --- The unit's staff (and leaders) ------------------------------------------------------------
@login_required
@require_POST
@refusals_as_pages
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request.user)
    assignment, case = assignment_for_action(actor, pk, "accept")
    form = forms.EmptyForm(request.POST, key=form_key("accept", assignment.pk))
    return perform(request, actor, case, form, lambda data: services.accept_assignment(
        assignment_id=assignment.pk, actor=actor, now=timezone.now(),
    ), _("You accepted the case; the handling deadline runs."))


@login_required
@require_POST
@refusals_as_pages
def return_(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request.user)
    assignment, case = assignment_for_action(actor, pk, "return")
    form = forms.ReasonForm(request.POST, key=form_key("return", assignment.pk))
    # The unit no longer sees a case it returned: it goes back to its queue.
    return perform(request, actor, case, form, lambda data: services.return_assignment(
        assignment_id=assignment.pk, reason=data["reason"], actor=actor, now=timezone.now(),
    ), _("The case was returned to the coordination centre."), reverse("staff:home"))


@login_required
@require_POST
@refusals_as_pages
def extend(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request.user)
    assignment, case = assignment_for_action(actor, pk, "extend")
    form = forms.ExtendForm(request.POST, key=form_key("extend", assignment.pk))
    return perform(request, actor, case, form, lambda data: services.extend_assignment(
        assignment_id=assignment.pk, reason=data["reason"], new_due=data["expected_date"],
        actor=actor, now=timezone.now(),
    ), _("The deadline was extended."))


@login_required
@require_POST
@refusals_as_pages
def draft(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request.user)
    assignment, case = assignment_for_action(actor, pk, "draft")
    form = forms.DraftForm(request.POST, request.FILES, key=form_key("draft", assignment.pk))
    return perform(request, actor, case, form, lambda data: services.submit_draft(
        assignment_id=assignment.pk, actor=actor, now=timezone.now(), body=data["body"],
        number=data["number"], date=data["date"], addressee=data["addressee"],
        signer=data["signer"], signer_title=data["signer_title"],
        recipients=data["recipients"], photos=data["photos"],
    ), _("The draft reply was sent to the unit's leader."))


# --- The unit's leader -------------------------------------------------------------------------
@login_required
@require_POST
@refusals_as_pages
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request.user)
    assignment, case = assignment_for_action(actor, pk, "approve")
    form = forms.EmptyForm(request.POST, key=form_key("approve", assignment.pk))
    return perform(request, actor, case, form, lambda data: services.approve_assignment(
        assignment_id=assignment.pk, actor=actor, now=timezone.now(),
    ), _("The draft was approved."))


@login_required
@require_POST
@refusals_as_pages
def edit_approve(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request.user)
    assignment, case = assignment_for_action(actor, pk, "edit_approve")
    form = forms.EditApproveForm(request.POST, key=form_key("edit_approve", assignment.pk))
    return perform(request, actor, case, form, lambda data: services.approve_assignment(
        assignment_id=assignment.pk, edited_body=data["body"], actor=actor, now=timezone.now(),
    ), _("The draft was edited and approved."))


@login_required
@require_POST
@refusals_as_pages
def return_to_staff(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request.user)
    assignment, case = assignment_for_action(actor, pk, "return_to_staff")
    form = forms.NoteForm(request.POST, key=form_key("return_to_staff", assignment.pk))
    return perform(request, actor, case, form, lambda data: services.return_to_staff(
        assignment_id=assignment.pk, note=data["note"], actor=actor, now=timezone.now(),
    ), _("The draft was returned to the unit's staff."))


# --- The coordinator: supervision and moderation (Art. 4.8, 18) --------------------------------
@login_required
@require_POST
@refusals_as_pages
def escalate(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request.user)
    case = case_for_action(actor, pk, "escalate")
    form = forms.EscalateForm(request.POST, key="escalate")
    return perform(request, actor, case, form, lambda data: services.escalate_case(
        case_id=case.pk, summary=data["summary"], actor=actor, now=timezone.now(),
    ), _("The case was escalated to the province's leadership."))


@login_required
@require_POST
@refusals_as_pages
def mark_valuable(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request.user)
    case = case_for_action(actor, pk, "mark_valuable")
    form = forms.ReasonForm(request.POST, key="mark_valuable")

    @transaction.atomic
    def mark_and_audit(data: dict[str, Any]) -> Case:
        marked = services.mark_valuable(case_id=case.pk, reason=data["reason"], actor=actor,
                                        now=timezone.now())
        record(AuditEvent.Action.CONFIG_CHANGED, request=request, obj=marked,
               change="marked_valuable")
        return marked

    return perform(request, actor, case, form, mark_and_audit,
                   _("The case was marked as a valuable report."))


@login_required
@require_POST
@refusals_as_pages
def abuse_list(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request.user)
    case = case_for_action(actor, pk, "abuse_list")
    form = forms.AbuseListForm(request.POST, key="abuse_list")

    @transaction.atomic
    def list_and_audit(data: dict[str, Any]) -> object:
        entry = services.add_reporter_to_abuse_list(
            case_id=case.pk, kind=data["kind"], reason=data["reason"], actor=actor,
            now=timezone.now(),
        )
        # The entry's id and kind, never the contact itself (SECURITY AU3).
        record(AuditEvent.Action.CONFIG_CHANGED, request=request, obj=entry,
               change="abuse_list_added", kind=entry.kind, case=case.pk)
        return entry

    return perform(request, actor, case, form, list_and_audit,
                   _("New submissions from this contact will be held for moderation."))


@login_required
@require_POST
@refusals_as_pages
def release_hold(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request.user)
    case = case_for_action(actor, pk, "release_hold")
    form = forms.ReleaseForm(request.POST, key="release_hold")
    return perform(request, actor, case, form, lambda data: services.release_hold(
        case_id=case.pk, note=data["note"], actor=actor, now=timezone.now(),
    ), _("The case was released into the intake queue."))


@login_required
@require_POST
@refusals_as_pages
def resend(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue a failed outgoing message again (SECURITY RE4). Coordinator only."""
    actor = actor_for(request.user)
    message = get_object_or_404(
        OutboxMessage.objects.filter(case__in=visible_cases(actor)).select_related("case"),
        pk=pk,
    )
    gate(actor, COORDINATOR)
    with transaction.atomic():
        queued = resend_message(message.pk, timezone.now())
        if queued:
            record(AuditEvent.Action.CONFIG_CHANGED, request=request, obj=message,
                   change="message_resent", case=message.case_id)
    if queued:
        messages.success(request, _("The message was queued to be sent again."))
    else:
        messages.warning(request, _("Only a failed message can be sent again."))
    return redirect(f"{message.case.get_absolute_url()}#case-deliveries")
