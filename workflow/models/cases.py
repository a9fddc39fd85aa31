"""The case and assignment state machines of WORKFLOW.md, and what hangs off them.

Transitions are the only way a state changes (protected FSM fields). A transition checks
its own input and touches only its own fields; saving, events, deadlines and messages are
the services' work (workflow/services/).
A unit's share of a case is in assignments.py, the log in events.py.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from routing.models import Area, Category

if TYPE_CHECKING:
    from routing.selectors import Actor

    from .assignments import Assignment

# Crockford base-32 without I, L, O, U: easy to read out on the phone, no lookalikes.
TRACKING_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
TRACKING_CODE_LENGTH = 10  # 50 bits; it only opens a case together with the reporter's phone


def new_tracking_code() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_CODE_LENGTH))


def display_code(code: str) -> str:
    """The tracking code in two groups of five, as it is read out on the phone."""
    return f"{code[:5]}-{code[5:]}" if len(code) == TRACKING_CODE_LENGTH else code


def clean_tracking_code(value: str) -> str:
    """What a citizen types (any case, dashes, spaces, O for 0) as the stored code."""
    value = "".join(ch for ch in (value or "").upper() if ch.isalnum())
    return value.translate(str.maketrans("OIL", "011"))


# The states of a case that another may be closed as a duplicate of: dispatched or answered,
# so it cannot itself be rejected or closed at intake afterwards (Case.close_as_duplicate).
DUPLICATE_ORIGINAL_STATES = ("assigned", "processed", "approved", "published", "reopened")


# The transitions' permissions. django-fsm hands each the instance and whatever the service
# passed to has_transition_perm (an Actor); its stub types them as taking any model and a
# Django user, hence the `type: ignore[arg-type]` on each `permission=` below.
def _coordinator(instance: models.Model, actor: Actor) -> bool:
    return bool(getattr(actor, "is_coordinator", False))


def _unit_member(instance: Assignment, actor: Actor) -> bool:
    return hasattr(actor, "is_member_of") and actor.is_member_of(instance.unit_id)


def _unit_leader(instance: Assignment, actor: Actor) -> bool:
    return hasattr(actor, "is_leader_of") and actor.is_leader_of(instance.unit_id)


def _reporter_or_coordinator(instance: Case, actor: Actor) -> bool:
    return bool(getattr(actor, "is_reporter", False) or getattr(actor, "is_coordinator", False))


def _system(instance: models.Model, actor: Actor) -> bool:
    """Follow-on transitions the services fire themselves, never a person directly."""
    return bool(getattr(actor, "is_system", False))


def _require(**fields: object) -> None:
    """Refuse a transition whose required input is blank, naming each missing field."""
    missing = {name: _("This field is required.") for name, value in fields.items() if not value}
    if missing:
        raise ValidationError(missing)


class RejectionReason(models.TextChoices):
    """Art. 6.5 (invalid content) and Art. 6.2–6.3 (incomplete)."""

    DISPUTE = "dispute", _("A dispute, complaint or denunciation (Art. 6.5a)")
    NATIONAL_INTEREST = "national_interest", _("Harms the national interest (Art. 6.5b)")
    ADVERTISING = "advertising", _("Illegal advertising (Art. 6.5c)")
    VULGAR = "vulgar", _("Vulgar or offensive content (Art. 6.5d)")
    DEFAMATORY = "defamatory", _("Defames a person (Art. 6.5e)")
    INCOMPLETE = "incomplete", _("Unclear or incomplete information (Art. 6.2–6.3)")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    CONFIDENTIAL = "confidential", _("Confidential: reply to the reporter only")
    STATE_SECRET = "state_secret", _("State secret: not published")


class Stage(models.Model):
    """A row that carries a running deadline: when its stage began, when it is due.

    Every deadline is a column, so "what is due now" is one indexed query. `stage_seq` grows
    with each stage, so reminders and overdue marks are keyed per stage and happen once.
    """

    stage_seq = models.PositiveIntegerField(_("stage number"), default=0)
    stage_started_at = models.DateTimeField(_("stage started at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    remind_at = models.DateTimeField(_("reminder at"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("marked overdue at"), null=True, blank=True)

    class Meta:
        abstract = True

    def start_stage(self, *, now: datetime, due_at: datetime | None,
                    remind_at: datetime | None) -> None:
        self.stage_seq += 1
        self.stage_started_at = now
        self.due_at = due_at
        self.remind_at = remind_at
        self.overdue_at = None

    @property
    def is_overdue(self) -> bool:
        return self.overdue_at is not None


class Case(FSMModelMixin, Stage):
    class State(models.TextChoices):
        RECEIVED = "received", _("Received")
        CLASSIFIED = "classified", _("Classified")
        ASSIGNED = "assigned", _("Assigned to units")
        PROCESSED = "processed", _("Drafts submitted")
        APPROVED = "approved", _("Approved")
        PUBLISHED = "published", _("Published")
        REOPENED = "reopened", _("Reopened after rating")
        REJECTED = "rejected", _("Rejected")
        DUPLICATE = "duplicate", _("Closed as a duplicate")

    class Channel(models.TextChoices):
        WEB = "web", _("Web portal")
        APP = "app", _("Mobile app")
        FACEBOOK = "facebook", _("Facebook")
        ZALO = "zalo", _("Zalo")
        EMAIL = "email", _("E-mail")
        PUBLIC_SERVICE_PORTAL = "dvc", _("Public-service portal")
        HOTLINE = "hotline", _("Hotline")
        OPEN311 = "open311", _("Open311 app")

    # States in which the coordination centre owns the next step.
    COORDINATOR_STATES = (State.RECEIVED, State.CLASSIFIED, State.APPROVED, State.REOPENED)
    OPEN_STATES = (
        State.RECEIVED, State.CLASSIFIED, State.ASSIGNED, State.PROCESSED, State.APPROVED,
        State.REOPENED,
    )

    # Unique by a constraint (Meta), not unique=True: that would add a second, LIKE-only
    # index that no query uses and every insert writes. The same for the idempotency key.
    tracking_code = models.CharField(
        _("tracking code"), max_length=16, default=new_tracking_code, editable=False
    )
    state = FSMField(
        _("state"), max_length=16, choices=State.choices, default=State.RECEIVED, protected=True
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    received_at = models.DateTimeField(_("received at"))
    # NULL, not "", for no key: unique (Meta), and the cases without one must not clash.
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001

    reporter_name = models.CharField(_("name"), max_length=200)
    reporter_phone = models.CharField(_("phone"), max_length=32, blank=True)
    reporter_email = models.EmailField(_("e-mail"), blank=True)
    # A reporter without a phone opens the case with a private link: only the SHA-256 of its
    # token is kept (workflow/track_links.py); "" for a reporter who tracks with the phone.
    track_link_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    reporter_address = models.CharField(_("address"), max_length=255, blank=True)
    reporter_language = models.CharField(max_length=8, default="vi")
    is_confidential = models.BooleanField(
        _("keep the reporter's identity confidential"), default=False
    )
    is_state_secret = models.BooleanField(_("state secret"), default=False)

    title = models.CharField(_("title"), max_length=255)
    content = models.TextField(_("content"))
    location_text = models.CharField(_("location"), max_length=255, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    occurred_at = models.DateTimeField(_("when it happened"), null=True, blank=True)
    # Their lookups use case_category_received and case_area_received, which lead with them.
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="cases", db_index=False,
    )
    area = models.ForeignKey(
        Area, verbose_name=_("area"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="cases", db_index=False,
    )

    rejection_reason = models.CharField(
        _("rejection reason"), max_length=32, choices=RejectionReason.choices, blank=True
    )
    rejection_note = models.TextField(_("rejection note"), blank=True)
    reply_text = models.TextField(_("published reply"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    # Art. 4.8: reported to the province's leadership; Art. 18.1: a report worth a reward;
    # Art. 18.2: from a phone or e-mail on the abuse list, waiting for the coordinator.
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    marked_valuable_at = models.DateTimeField(_("marked valuable at"), null=True, blank=True)
    on_hold = models.BooleanField(_("held for moderation"), default=False)
    # The case this one repeats: it is handled, answered and counted through that one.
    duplicate_of = models.ForeignKey(
        "self", verbose_name=_("duplicate of"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="duplicates", db_index=False,
    )
    # Art. 11.1–11.2: when the reporter's oldest unanswered question about the result came;
    # empty once the coordinator or a handling unit answered. It marks the case in the
    # coordinator's and the units' queues (selectors.coordinator_queue, unit_inbox).
    clarification_asked_at = models.DateTimeField(_("question waiting since"), null=True,
                                                  blank=True)
    # When the possible duplicates were looked for (workflow/models/duplicates.py).
    duplicates_checked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_index=False,
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["state", "due_at"], name="case_state_due"),
            # The coordinator's queue (selectors.coordinator_queue, COORDINATOR_STATES) in
            # its deadline order, and counted, from the index alone: a page reads its 50
            # rows, not every open case's.
            # A case with a question from the reporter waiting is in it too (Art. 11.2).
            models.Index(fields=["due_at", "received_at", "id"], name="case_coordinator_queue",
                         condition=Q(state__in=["received", "classified", "approved",
                                                "reopened"], on_hold=False)
                         | Q(clarification_asked_at__isnull=False)),
            models.Index(fields=["-received_at"], name="case_received"),
            models.Index(fields=["category", "-received_at"], name="case_category_received"),
            models.Index(fields=["channel", "-received_at"], name="case_channel_received"),
            models.Index(fields=["reporter_phone", "-received_at"], name="case_phone_received"),
            models.Index(fields=["area", "-received_at"], name="case_area_received"),
            models.Index(fields=["-published_at"], name="case_published",
                         condition=Q(state="published")),
            models.Index(fields=["due_at"], name="case_due_open",
                         condition=Q(overdue_at__isnull=True, due_at__isnull=False)),
            models.Index(fields=["remind_at"], name="case_remind",
                         condition=Q(remind_at__isnull=False)),
            models.Index(fields=["-escalated_at"], name="case_escalated",
                         condition=Q(escalated_at__isnull=False)),
            # The periodic report's "published in the period", whatever the state since.
            models.Index(fields=["published_at"], name="case_published_at",
                         condition=Q(published_at__isnull=False)),
            # The coordinator's cases whose possible duplicates were not looked for yet
            # (selectors.find_waiting_duplicates), newest first; they leave it once looked at.
            models.Index(fields=["-received_at"], name="case_duplicates_waiting",
                         condition=Q(duplicates_checked_at__isnull=True,
                                     state__in=["received", "classified", "approved",
                                                "reopened"])),
            # Held submissions (selectors.held_cases), a handful among a million.
            models.Index(fields=["due_at", "received_at"], name="case_held",
                         condition=Q(on_hold=True, state="received")),
            # The duplicates of a case being published, whose reporters are told too.
            models.Index(fields=["duplicate_of"], name="case_duplicate_of",
                         condition=Q(duplicate_of__isnull=False)),
            # Only the hotline's cases have a creator: a deleted account's are found here.
            models.Index(fields=["created_by"], name="case_created_by",
                         condition=Q(created_by__isnull=False)),
        ]
        constraints = [
            models.UniqueConstraint(fields=["tracking_code"], name="case_tracking_code_unique"),
            models.UniqueConstraint(fields=["idempotency_key"], name="case_idempotency_key_unique"),
            # A link opens one case; its look-up by this index, only the cases that have one.
            models.UniqueConstraint(fields=["track_link_hash"], name="case_track_link_unique",
                                    condition=~Q(track_link_hash="")),
        ]

    def __str__(self) -> str:
        # The code alone: titles may be confidential or state secrets and __str__ shows up
        # in logs, admin breadcrumbs and history pages.
        return self.display_code

    def get_absolute_url(self) -> str:
        return reverse("staff:case", args=[self.pk])

    @property
    def display_code(self) -> str:
        return display_code(self.tracking_code)

    @property
    def visibility(self) -> str:
        if self.is_state_secret:
            return Visibility.STATE_SECRET
        if self.is_confidential:
            return Visibility.CONFIDENTIAL
        return Visibility.PUBLIC

    def _refuse_if_duplicated(self) -> None:
        """A case whose duplicates were closed into it is their answer too: it cannot leave
        the handling path (back with the coordinator after a unit's return, it is dispatched
        again, not rejected or closed)."""
        if self.pk and self.duplicates.exists():
            raise ValidationError(_(
                "Other cases were closed as duplicates of this one: it must be handled."))

    # --- Art. 7: intake ------------------------------------------------------------------
    @transition(field=state, source=State.RECEIVED, target=State.CLASSIFIED,
                permission=_coordinator)  # type: ignore[arg-type]  # django-fsm stub
    def classify(self, category: Category | None) -> None:
        _require(category=category)
        self.category = category

    @transition(field=state, source=State.CLASSIFIED, target=State.RECEIVED,
                permission=_coordinator)  # type: ignore[arg-type]  # django-fsm stub
    def send_back_for_verification(self, reason: str) -> None:
        _require(reason=reason)

    @transition(field=state, source=[State.RECEIVED, State.CLASSIFIED], target=State.REJECTED,
                permission=_coordinator)  # type: ignore[arg-type]  # django-fsm stub
    def reject(self, reason: str, note: str = "") -> None:
        self._refuse_if_duplicated()
        if reason not in RejectionReason.values:
            raise ValidationError({"reason": _("Choose a reason from Art. 6.5.")})
        self.rejection_reason, self.rejection_note = reason, note

    @transition(field=state, source=[State.RECEIVED, State.CLASSIFIED], target=State.DUPLICATE,
                permission=_coordinator)  # type: ignore[arg-type]  # django-fsm stub
    def close_as_duplicate(self, original: Case) -> None:
        """The same matter as `original`, which is handled for both: only while this case
        is still at intake (nobody has started on it), and only into a case that is being
        handled or answered where this reporter can follow it."""
        if original.pk == self.pk:
            raise ValidationError({"original": _("A case cannot duplicate itself.")})
        self._refuse_if_duplicated()
        if original.state not in DUPLICATE_ORIGINAL_STATES:
            raise ValidationError({"original": _(
                "Dispatch the original case first: a duplicate is handled through a case "
                "that the units have.")})
        if original.is_confidential or original.is_state_secret:
            raise ValidationError({"original": _(
                "The original case is confidential: its reply is for its own reporter only.")})
        self.duplicate_of = original

    # From the units' states only to re-route a returned share (Art. 8.2b) while the other
    # units go on; the service refuses it there when no share was returned.
    @transition(field=state,
                source=[State.CLASSIFIED, State.ASSIGNED, State.PROCESSED, State.APPROVED],
                target=State.ASSIGNED,
                permission=_coordinator)  # type: ignore[arg-type]  # django-fsm stub
    def dispatch(self, active_assignments: int, new_assignments: int | None = None) -> None:
        if active_assignments < 1 or new_assignments == 0:
            raise ValidationError({"units": _("Choose at least one unit.")})

    # --- Follow-on moves, fired by the services as the assignments move ------------------
    @transition(field=state, source=[State.ASSIGNED, State.PROCESSED, State.APPROVED],
                target=State.CLASSIFIED,
                permission=_system)  # type: ignore[arg-type]  # django-fsm stub
    def back_to_coordinator(self) -> None:
        """A unit returned its assignment: the coordinator re-routes (Art. 8.2b)."""

    @transition(field=state, source=State.ASSIGNED, target=State.PROCESSED,
                permission=_system)  # type: ignore[arg-type]  # django-fsm stub
    def mark_processed(self) -> None:
        """Every unit has submitted a draft."""

    @transition(field=state, source=[State.ASSIGNED, State.PROCESSED], target=State.APPROVED,
                permission=_system)  # type: ignore[arg-type]  # django-fsm stub
    def mark_approved(self) -> None:
        """Every unit's leader has approved its draft."""

    @transition(field=state, source=[State.PROCESSED, State.APPROVED], target=State.ASSIGNED,
                permission=_system)  # type: ignore[arg-type]  # django-fsm stub
    def back_to_units(self) -> None:
        """A draft went back to a unit (leader's return, revision or redistribution)."""

    # --- Art. 10: publication ------------------------------------------------------------
    @transition(field=state, source=State.APPROVED, target=State.PUBLISHED,
                permission=_coordinator)  # type: ignore[arg-type]  # django-fsm stub
    def publish(self, *, visibility: str, reply_text: str, now: datetime) -> None:
        if visibility not in Visibility.values:
            raise ValidationError({"visibility": _("Choose how the reply is published.")})
        _require(reply_text=reply_text)
        if self.is_state_secret and visibility != Visibility.STATE_SECRET:
            raise ValidationError({"visibility": _(
                "This case was classified as a state secret: it cannot be published (Art. 10.3c)."
            )})
        if self.is_confidential and visibility == Visibility.PUBLIC:
            raise ValidationError({"visibility": _(
                "The reporter asked for confidentiality: the reply cannot be public (Art. 10.3b)."
            )})
        self.is_state_secret = visibility == Visibility.STATE_SECRET
        self.is_confidential = self.is_confidential or visibility == Visibility.CONFIDENTIAL
        self.reply_text = reply_text
        self.published_at = now

    # --- Art. 10.4, 11: after publication --------------------------------------------------
    @transition(field=state, source=State.PUBLISHED, target=State.REOPENED,
                permission=_reporter_or_coordinator)  # type: ignore[arg-type]  # django-fsm stub
    def reopen(self) -> None:
        """An unsatisfied rating sends the case back to the coordinator."""
        self.reopen_count += 1

    @transition(field=state, source=State.REOPENED, target=State.ASSIGNED,
                permission=_coordinator)  # type: ignore[arg-type]  # django-fsm stub
    def reprocess(self, units: int) -> None:
        if units < 1:
            raise ValidationError({"units": _("Choose at least one unit to handle it again.")})

    @transition(field=state, source=State.REOPENED, target=State.PUBLISHED,
                permission=_coordinator)  # type: ignore[arg-type]  # django-fsm stub
    def keep_result(self, note: str) -> None:
        """The coordinator and the units agree the published reply stands."""
        _require(note=note)


def _private_upload_path(instance: models.Model, filename: str) -> str:
    # Client file names never reach the file system (SECURITY IN2).
    return f"private/{instance._meta.model_name}/{secrets.token_hex(16)}"
