"""The append-only log of a case, and the deadline alerts the sweep writes once each."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from routing.models import AppendOnlyModel, Unit

from .assignments import Assignment
from .cases import Case


class EventKind(models.TextChoices):
    """What a logged event records: written by the services and the sweep, labelled on the
    case page. Named here rather than inside CaseEvent only so that CaseEvent's Meta (whose
    body cannot see the model's) filters its partial indexes by them; read it as CaseEvent.Kind.
    """

    RECEIVED = "received", _("Received")
    CLASSIFIED = "classified", _("Classified")
    SENT_BACK_FOR_VERIFICATION = "sent_back_for_verification", _("Sent back for verification")
    REJECTED = "rejected", _("Rejected")
    DISPATCHED = "dispatched", _("Dispatched to units")
    ACCEPTED = "accepted", _("Accepted by the unit")
    RETURNED = "returned", _("Returned by the unit")
    BACK_TO_COORDINATOR = "back_to_coordinator", _("Back to the coordinator")
    EXTENDED = "extended", _("Deadline extended")
    DRAFT_SUBMITTED = "draft_submitted", _("Draft reply submitted")
    APPROVED = "approved", _("Draft approved by the leader")
    RETURNED_TO_STAFF = "returned_to_staff", _("Draft returned to staff")
    SENT_BACK_REVISION = "sent_back_revision", _("Revision requested")
    SENT_BACK_REDISTRIBUTION = "sent_back_redistribution", _("Redistributed")
    SENT_BACK_REPROCESS = "sent_back_reprocess", _("Sent back for reprocessing")
    MARK_PROCESSED = "mark_processed", _("All drafts submitted")
    MARK_APPROVED = "mark_approved", _("All drafts approved")
    BACK_TO_UNITS = "back_to_units", _("Back to the units")
    PUBLISHED = "published", _("Reply published")
    REOPENED = "reopened", _("Reopened after an unsatisfied rating")
    REPROCESSED = "reprocessed", _("Handed back to units for reprocessing")
    RESULT_KEPT = "result_kept", _("Published reply kept")
    OVERDUE = "overdue", _("Deadline missed")
    CONTACT_REVEALED = "contact_revealed", _("Reporter's contact shown to the unit")
    ESCALATED = "escalated", _("Escalated to the province's leadership")
    MARKED_VALUABLE = "marked_valuable", _("Marked as a valuable report")
    ABUSE_LISTED = "abuse_listed", _("Reporter's contact put on the abuse list")
    RELEASED = "released", _("Released from the moderation hold")
    CLOSED_AS_DUPLICATE = "closed_as_duplicate", _("Closed as a duplicate")
    DUPLICATE_DISMISSED = "duplicate_dismissed", _("Possible duplicate dismissed")
    CLARIFICATION_ASKED = "clarification_asked", _("Question from the reporter")
    CLARIFICATION_ANSWERED = "clarification_answered", _("Question answered")


class CaseEvent(AppendOnlyModel):
    """The append-only log of every transition: who, when, from → to, and a note (Art. 12)."""

    Kind = EventKind

    # The log's largest table: no index of its own for a key that event_case_at leads with,
    # and partial ones for the keys that the reporter's and the system's events leave empty.
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events",
                             db_index=False)
    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.PROTECT, related_name="events",
        db_index=False,
    )
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", db_index=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", db_index=False,
    )
    actor_label = models.CharField(max_length=32, blank=True)
    at = models.DateTimeField(_("at"))
    kind = models.CharField(_("event"), max_length=40, choices=EventKind.choices)
    from_state = models.CharField(_("from"), max_length=24, blank=True)
    to_state = models.CharField(_("to"), max_length=24, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["case", "at"], name="event_case_at"),
            models.Index(fields=["kind", "at"], name="event_kind_at"),
            # The periodic report's intake and publication stages: a case's first dispatch
            # and last approval, read from the index alone.
            models.Index(fields=["case", "at", "id"], name="event_dispatched_case",
                         condition=Q(kind=EventKind.DISPATCHED)),
            models.Index(fields=["case", "at"], name="event_approved_case",
                         condition=Q(kind=EventKind.MARK_APPROVED)),
            models.Index(fields=["assignment"], name="event_assignment",
                         condition=Q(assignment__isnull=False)),
            models.Index(fields=["unit"], name="event_unit", condition=Q(unit__isnull=False)),
            models.Index(fields=["actor"], name="event_actor", condition=Q(actor__isnull=False)),
        ]


class DeadlineAlert(models.Model):
    """A reminder or an overdue mark, once per stage; overdue marks are charged to a unit.

    The unique key makes two sweeps at once act once. `unit` is empty when the late stage
    was the coordination centre's own (intake or publication).
    """

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Reminder")
        OVERDUE = "overdue", _("Overdue")

    key = models.CharField(max_length=80)  # unique by a constraint (Meta): no LIKE twin
    kind = models.CharField(max_length=16, choices=Kind.choices)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadline_alerts")
    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.CASCADE, related_name="deadline_alerts"
    )
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="deadline_alerts", db_index=False)  # alert_unit_kind_at
    stage = models.CharField(max_length=24)
    due_at = models.DateTimeField()
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("deadline alert")
        verbose_name_plural = _("deadline alerts")
        indexes = [models.Index(fields=["unit", "kind", "at"], name="alert_unit_kind_at")]
        constraints = [models.UniqueConstraint(fields=["key"], name="alert_key_unique")]
