"""The case page: the case, its units, drafts and log, and what can be done next.

Its parts: who may act (specs), the actions (actions), the assignments with their drafts
and letters (assignments), the log (log) and the side panels (panels). The page reads the
case with its lists in one query (page_lists) and its assignments in a second.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from config.legacy_encoding import LegacyText, detect_legacy
from config.text import normalize_line
from routing.selectors import Actor, actor_for

from ... import forms
from ...letters import LetterLink
from ...models import Case, Visibility
from ...reporters import ClarificationRow, clarifications
from ...selectors import PossibleDuplicate, duplicate_rows, get_case_for, possible_duplicates
from ..lists import Clock, Deadline, category_name
from .actions import ActionView, UnitActions, page_actions
from .assignments import (
    AssignmentView,
    DraftView,
    PhotoUrl,
    case_assignments,
    letter_links,
)
from .log import EventView, case_events, event_rows, event_views
from .panels import (
    DeliveryView,
    Reporter,
    case_attachments,
    case_clarifications,
    delivery_views,
    may_see_reporter,
    reporter_attachments,
)

MAX_UNIT_QUERY = 100  # characters of the "find unit" box that are read
CLARIFY = "clarify"  # the answer form's key, and its URL name (staff:clarify)


@dataclass(frozen=True)
class LegacyPreview:
    """The case's title and content read in the legacy encoding they seem typed in."""

    encoding: str
    title: str
    content: str


def legacy_preview(title: str, content: str | None) -> LegacyPreview | None:
    found: LegacyText | None = detect_legacy(f"{title}\n{content or ''}")
    if found is None:
        return None
    title_part, _newline, content_part = found.preview.partition("\n")
    return LegacyPreview(encoding=found.encoding.upper(), title=title_part,
                         content=content_part if content is not None else "")


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
    # Whether the panel offers to close this case as a duplicate of a listed one.
    may_close_as_duplicate: bool = False
    duplicate_of: PossibleDuplicate | None = None  # the case this one was closed into
    close_duplicate_url: str = ""
    dismiss_duplicate_url: str = ""
    legacy_text: LegacyPreview | None = None  # typed in TCVN3 or VNI, it seems (IN3)
    # The reporter's questions after the result and their answers (Art. 11.1–11.2); the
    # form only for the coordinator or a handling unit while a question waits.
    clarifications: list[ClarificationRow] = field(default_factory=list)
    clarification_waiting_since: datetime | None = None
    clarification_form: forms.ClarificationAnswerForm | None = None
    clarification_url: str = ""

    @property
    def has_unit_picker(self) -> bool:
        """Whether a form of the page picks units (its script is loaded only then)."""
        return any(isinstance(action.form, forms.UnitsForm) for action in self.actions)

    @property
    def has_area_picker(self) -> bool:
        """Whether a form of the page picks a commune or ward (the classify form)."""
        return any(isinstance(action.form, forms.ClassifyForm) for action in self.actions)


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
                  photo_urls=[photo_url(pk) for pk in d.photo_ids or ()])
        for a in assignments if content_visible
        for d in a.latest_drafts
    ]
    actions, unit_actions = page_actions(actor, case, assignments, bound or {}, unit_query)
    conversation = case_clarifications(case) if content_visible else []
    may_answer = case.clarification_asked_at is not None and (actor.is_coordinator or bool(own))
    answer_form = None
    if conversation and may_answer:
        answer_form = (bound or {}).get(CLARIFY) or forms.ClarificationAnswerForm(key=CLARIFY)
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
        may_close_as_duplicate=actor.is_coordinator and case.state in (
            Case.State.RECEIVED, Case.State.CLASSIFIED),
        duplicate_of=original_of(case) if actor.is_coordinator else None,
        close_duplicate_url=reverse("staff:close_duplicate", args=[case.pk]),
        dismiss_duplicate_url=reverse("staff:dismiss_duplicate", args=[case.pk]),
        legacy_text=legacy_preview(case.title, case.content if content_visible else None),
        clarifications=conversation,
        clarification_waiting_since=case.clarification_asked_at if conversation else None,
        clarification_form=answer_form,
        clarification_url=reverse("staff:clarify", args=[case.pk]) if answer_form else "",
    )


def original_of(case: Case) -> PossibleDuplicate | None:
    """The case that this one was closed as a duplicate of (one query, only then)."""
    if case.duplicate_of_id is None:
        return None
    original = Case.objects.only("tracking_code", "title", "state", "received_at",
                                 "reporter_phone").get(pk=case.duplicate_of_id)
    return PossibleDuplicate(pk=original.pk, code=original.display_code, title=original.title,
                             state=original.get_state_display(),
                             received_at=original.received_at,
                             same_phone=bool(case.reporter_phone)
                             and original.reporter_phone == case.reporter_phone)


def page_lists(actor: Actor) -> dict[str, Any]:
    """What the case page reads with the case: its photos and videos, its log and, for the
    coordinator, its stored possible duplicates."""
    read_with = {"attachment_rows": reporter_attachments(), "event_rows": event_rows(actor),
                 "clarification_rows": clarifications().annotation()}
    if actor.is_coordinator:
        read_with["duplicate_rows"] = duplicate_rows()
    return read_with


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

