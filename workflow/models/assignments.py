"""A unit's share of a case (its own state machine), its extensions, drafts and evidence photos."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from routing.models import Unit

from .cases import (
    Case,
    Stage,
    _coordinator,
    _private_upload_path,
    _require,
    _unit_leader,
    _unit_member,
)


class Assignment(FSMModelMixin, Stage):
    """One unit's share of a case (Art. 7.3c: one or several units)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for the unit")
        PROCESSING = "processing", _("Being handled")
        AWAITING_APPROVAL = "awaiting_approval", _("Waiting for leader approval")
        APPROVED = "approved", _("Approved by the leader")
        RETURNED = "returned", _("Returned to the coordinator")

    class Rework(models.TextChoices):
        NONE = "", _("First handling")
        LEADER_RETURN = "leader_return", _("Returned by the leader")
        REVISION = "revision", _("Revision requested (form not met)")
        REDISTRIBUTION = "redistribution", _("Redistributed (inaccurate or missing photos)")
        REPROCESS = "reprocess", _("Reprocessing after an unsatisfied rating")

    ACTIVE_STATES = (State.PENDING, State.PROCESSING, State.AWAITING_APPROVAL, State.APPROVED)
    UNIT_WORK_STATES = (State.PENDING, State.PROCESSING, State.AWAITING_APPROVAL)

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="assignments"
    )
    unit = models.ForeignKey(  # looked up by assignment_inbox, which leads with it
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="assignments",
        db_index=False,
    )
    state = FSMField(
        _("state"), max_length=24, choices=State.choices, default=State.PENDING, protected=True
    )
    assigned_at = models.DateTimeField(_("dispatched at"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    instructions = models.TextField(_("instructions"), blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("handled by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    processing_due_at = models.DateTimeField(_("handling deadline"), null=True, blank=True)
    is_extended = models.BooleanField(_("extended"), default=False)
    rework = models.CharField(
        _("rework"), max_length=16, choices=Rework.choices, default=Rework.NONE, blank=True
    )
    rework_note = models.TextField(_("rework note"), blank=True)
    return_reason = models.TextField(_("return reason"), blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("draft submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    contact_revealed = models.BooleanField(_("reporter's contact revealed"), default=False)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "unit"], condition=~Q(state="returned"),
                name="assignment_one_active_per_unit",
            )
        ]
        indexes = [
            models.Index(fields=["unit", "state", "due_at"], name="assignment_inbox"),
            # A unit's open work in deadline order, read without a sort at a million rows.
            models.Index(fields=["unit", "due_at", "id"], name="assignment_open_inbox",
                         condition=Q(state__in=["pending", "processing", "awaiting_approval"])),
            models.Index(fields=["due_at"], name="assignment_due_open",
                         condition=Q(overdue_at__isnull=True, due_at__isnull=False)),
            models.Index(fields=["remind_at"], name="assignment_remind",
                         condition=Q(remind_at__isnull=False)),
            # The supervision figures' "approved this month" without reading a unit's history.
            models.Index(fields=["unit", "approved_at"], name="assignment_unit_approved",
                         condition=Q(state="approved")),
            # The periodic report's stages ended in the period, for every unit at once.
            models.Index(fields=["approved_at"], name="assignment_approved",
                         condition=Q(state="approved")),
            models.Index(fields=["accepted_at"], name="assignment_accepted",
                         condition=Q(accepted_at__isnull=False)),
            models.Index(fields=["submitted_at"], name="assignment_submitted",
                         condition=Q(submitted_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.case.tracking_code} → {self.unit}"

    @property
    def is_active(self) -> bool:
        return self.state != self.State.RETURNED

    # django-fsm's stub types a permission as taking any model and a Django user: see the note
    # above the permissions in cases.py.
    # --- Art. 8: the unit -------------------------------------------------------------------
    @transition(field=state, source=State.PENDING, target=State.PROCESSING,
                permission=_unit_member)  # type: ignore[arg-type]  # django-fsm stub
    def accept(self, *, now: datetime, by_id: int | None) -> None:
        self.accepted_at, self.handled_by_id = now, by_id

    @transition(field=state, source=State.PENDING, target=State.RETURNED,
                permission=_unit_member)  # type: ignore[arg-type]  # django-fsm stub
    def return_to_coordinator(self, *, reason: str, now: datetime) -> None:
        _require(reason=reason)
        self.return_reason, self.returned_at = reason, now

    @transition(field=state, source=State.PROCESSING, target=State.PROCESSING,
                permission=_unit_member)  # type: ignore[arg-type]  # django-fsm stub
    def extend(self, *, reason: str, new_due_at: datetime | None, now: datetime) -> None:
        _require(reason=reason, expected_date=new_due_at)
        assert new_due_at is not None  # _require refused a missing date
        if self.due_at is not None and now > self.due_at:
            raise ValidationError(
                {"expected_date": _("An extension must be asked for before the deadline.")}
            )
        if self.due_at is not None and new_due_at <= self.due_at:
            raise ValidationError(
                {"expected_date": _("The expected date must be after the current deadline.")}
            )
        self.is_extended = True
        self.processing_due_at = new_due_at

    @transition(field=state, source=State.PROCESSING, target=State.AWAITING_APPROVAL,
                permission=_unit_member)  # type: ignore[arg-type]  # django-fsm stub
    def submit_draft(self, *, draft: Draft, photo_count: int, now: datetime) -> None:
        _require(body=draft.body.strip())
        if self.case.category is not None and self.case.category.needs_photos and not photo_count:
            raise ValidationError(
                {"photos": _("This category needs at least one photo of the handled issue.")}
            )
        self.submitted_at = now

    # --- Art. 9: the leader -------------------------------------------------------------------
    @transition(field=state, source=State.AWAITING_APPROVAL, target=State.APPROVED,
                permission=_unit_leader)  # type: ignore[arg-type]  # django-fsm stub
    def approve(self, *, now: datetime) -> None:
        self.approved_at = now
        self.rework, self.rework_note = self.Rework.NONE, ""

    @transition(field=state, source=State.AWAITING_APPROVAL, target=State.PROCESSING,
                permission=_unit_leader)  # type: ignore[arg-type]  # django-fsm stub
    def return_to_staff(self, *, note: str) -> None:
        _require(note=note)
        self.rework, self.rework_note = self.Rework.LEADER_RETURN, note

    # --- Art. 10.4, 11: the coordinator sends an approved result back ------------------------
    @transition(field=state, source=State.APPROVED, target=State.PROCESSING,
                permission=_coordinator)  # type: ignore[arg-type]  # django-fsm stub
    def send_back(self, *, rework: str, note: str) -> None:
        if rework not in (self.Rework.REVISION, self.Rework.REDISTRIBUTION, self.Rework.REPROCESS):
            raise ValidationError({"rework": _("Choose why the result goes back to the unit.")})
        _require(note=note)
        self.rework, self.rework_note = rework, note
        self.approved_at = None


class Extension(models.Model):
    """A unit's request for more time (Art. 8.2a): reason and expected date, before the deadline."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="extensions"
    )
    reason = models.TextField(_("reason"))
    previous_due_at = models.DateTimeField(_("previous deadline"), null=True)
    new_due_at = models.DateTimeField(_("expected date"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        ordering = ["requested_at"]


class Draft(models.Model):
    """A unit's reply in the Appendix 1 form. Each edit is a new version; none is overwritten."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="drafts",
                                   db_index=False)  # draft_version_once leads with it
    version = models.PositiveSmallIntegerField(default=1)
    number = models.CharField(_("document number"), max_length=64, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    addressee = models.CharField(_("addressee"), max_length=255, blank=True)
    body = models.TextField(_("reply"))
    signer = models.CharField(_("signed by"), max_length=200, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=200, blank=True)
    recipients = models.TextField(_("recipients"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("written at"))

    class Meta:
        verbose_name = _("draft reply")
        verbose_name_plural = _("draft replies")
        ordering = ["assignment", "version"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "version"], name="draft_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.assignment} v{self.version}"


class DraftPhoto(models.Model):
    """An evidence photo of the handled issue (Art. 8.3)."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("photo"), upload_to=_private_upload_path)
    caption = models.CharField(_("caption"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("evidence photo")
        verbose_name_plural = _("evidence photos")
