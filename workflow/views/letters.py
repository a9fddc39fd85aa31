"""The Appendix 1 reply letter for staff, and the upload of the letter as the unit signed it.

The letter is the coordinator's and the unit's only, and exists once the leader approved the
draft (404 otherwise); its signed copy is uploaded by the coordinator or a leader of the
unit (403 for the unit's other staff). The public copy is publishing's (publishing.views).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from routing.audit import record
from routing.models import AuditEvent
from routing.selectors import Actor, actor_for

from ..forms_letters import SignedLetterForm
from ..letters import latest_signed, letter_file, may_read_staff_letter, may_upload, pdf_response
from ..models import Assignment
from ..selectors import get_assignment_for
from ..signed_letters import LetterRefused, upload_signed_letter


def _staff_letter_assignment(actor: Actor, assignment_pk: int) -> Assignment:
    assignment = get_assignment_for(actor, assignment_pk)  # 404 if not visible
    if not may_read_staff_letter(actor, assignment):
        raise Http404
    return assignment


@login_required
@require_GET
def reply_letter(request: HttpRequest, assignment_pk: int) -> HttpResponse:
    """The signed letter once uploaded, else the one generated from the approved draft."""
    actor = actor_for(request.user)
    letter = letter_file(_staff_letter_assignment(actor, assignment_pk))
    if letter is None:
        raise Http404
    return pdf_response(letter)


def _signed_letter_page(request: HttpRequest, assignment: Assignment, form: SignedLetterForm,
                        status: int = 200) -> HttpResponse:
    return render(request, "workflow/signed_letter.html", {
        "assignment": assignment,
        "case_code": assignment.case.display_code,
        "unit": assignment.unit.name,
        "signed": latest_signed(assignment),
        "form": form,
        "letter_url": reverse("letters:reply", args=[assignment.pk]),
        "upload_url": reverse("letters:signed", args=[assignment.pk]),
        "case_url": assignment.case.get_absolute_url(),
    }, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def signed_letter(request: HttpRequest, assignment_pk: int) -> HttpResponse:
    """Upload the letter as signed in the unit's document system (Decree 30/2020)."""
    actor = actor_for(request.user)
    assignment = _staff_letter_assignment(actor, assignment_pk)
    if assignment.state != Assignment.State.APPROVED:
        raise Http404
    if not may_upload(actor, assignment):
        raise PermissionDenied(_("Only a leader of the unit or the coordination centre may "
                                 "upload the signed letter."))
    if request.method != "POST":
        return _signed_letter_page(request, assignment, SignedLetterForm())
    form = SignedLetterForm(request.POST, request.FILES)
    if not form.is_valid():
        return _signed_letter_page(request, assignment, form, status=400)
    try:
        with transaction.atomic():
            letter = upload_signed_letter(
                assignment_id=assignment.pk, data=form.data_bytes, actor=actor,
                now=timezone.now(),
            )
            record(AuditEvent.Action.CONFIG_CHANGED, request=request, obj=letter,
                   change="signed_letter_uploaded", assignment=assignment.pk,
                   case=assignment.case_id, sha256=letter.sha256,
                   has_signature=letter.has_signature)
    except LetterRefused as exc:
        form.add_error("file", str(exc))
        return _signed_letter_page(request, assignment, form, status=400)
    messages.success(request, _("The signed letter was stored; it now replaces the generated "
                                "one."))
    return redirect("letters:signed", assignment_pk=assignment.pk)
