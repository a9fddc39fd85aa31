"""What the public may read: published answers of public cases, and their public timeline.

A case is public only when it is published AND neither confidential nor a state secret
(Art. 10.3b–c, SECURITY DP3–DP4). Every public page reads through `public_cases()`, and
hands templates dataclasses that carry no personal field at all, so a template cannot leak
the reporter's name, phone, e-mail or address even by mistake.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from routing.models import Area, Category, Unit
from workflow.models import Assignment, Case, CaseEvent, RejectionReason

from .text import SearchText, fold

PAGE_SIZE = 20

# The columns a public page may read; the reporter's are not among them.
PUBLIC_COLUMNS = (
    "pk", "title", "content", "location_text", "reply_text", "received_at", "published_at",
    "state", "is_confidential", "is_state_secret", "category__name", "category__name_en",
    "area__name",
)


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    label: str


@dataclass(frozen=True)
class PublicAnswer:
    pk: int
    title: str
    content: str
    location_text: str
    category: str
    area: str
    received_at: datetime
    published_at: datetime | None
    reply_text: str
    units: list[str]
    timeline: list[TimelineEntry] = field(default_factory=list)

    @property
    def url(self) -> str:
        return reverse("publishing:answer", args=[self.pk])


def public_cases() -> QuerySet[Case]:
    """The only door to public cases: published, not confidential, not a state secret."""
    return Case.objects.filter(
        state=Case.State.PUBLISHED, is_confidential=False, is_state_secret=False
    )


def _handling_units() -> Prefetch:
    return Prefetch(
        "assignments",
        queryset=Assignment.objects.filter(state=Assignment.State.APPROVED)
        .select_related("unit").only("case_id", "unit__name").order_by("unit__name"),
        to_attr="approved_assignments",
    )


def _answers(qs: QuerySet[Case]) -> QuerySet[Case]:
    return (
        qs.select_related("category", "area")
        .only(*[c for c in PUBLIC_COLUMNS if c != "pk"])
        .prefetch_related(_handling_units())
    )


def _category_name(case: Case, language: str) -> str:
    if case.category is None:
        return ""
    return (case.category.name_en if language == "en" and case.category.name_en
            else case.category.name)


def _to_answer(case: Case, language: str, timeline: list[TimelineEntry] | None = None):
    return PublicAnswer(
        pk=case.pk, title=case.title, content=case.content, location_text=case.location_text,
        category=_category_name(case, language), area=case.area.name if case.area else "",
        received_at=case.received_at, published_at=case.published_at,
        reply_text=case.reply_text,
        units=[a.unit.name for a in case.approved_assignments],
        timeline=timeline or [],
    )


@dataclass(frozen=True)
class AnswerFilters:
    q: str = ""
    category: Category | None = None
    unit: Unit | None = None
    area: Area | None = None
    published_from: date | None = None
    published_to: date | None = None


def filter_public_cases(filters: AnswerFilters) -> QuerySet[Case]:
    qs = public_cases()
    if filters.category is not None:
        qs = qs.filter(category=filters.category)
    if filters.area is not None:
        qs = qs.filter(area=filters.area)
    if filters.unit is not None:
        qs = qs.filter(Exists(Assignment.objects.filter(
            case=OuterRef("pk"), unit=filters.unit, state=Assignment.State.APPROVED
        )))
    if filters.published_from is not None:
        qs = qs.filter(published_at__date__gte=filters.published_from)
    if filters.published_to is not None:
        qs = qs.filter(published_at__date__lte=filters.published_to)
    terms = fold(filters.q).split()[:8]
    if terms:
        qs = qs.annotate(search_text=SearchText("title", "content", "reply_text"))
        for term in terms:
            qs = qs.filter(search_text__contains=term)
    return qs.order_by("-published_at", "-pk")


def answer_page(filters: AnswerFilters, page_number: str | int | None, language: str) -> Page:
    """One page of published answers, newest first; a constant number of queries."""
    paginator = Paginator(_answers(filter_public_cases(filters)), PAGE_SIZE)
    page = paginator.get_page(page_number)
    page.object_list = [_to_answer(case, language) for case in page.object_list]
    return page


def latest_answers(language: str, count: int = 5) -> list[PublicAnswer]:
    qs = _answers(public_cases()).order_by("-published_at", "-pk")[:count]
    return [_to_answer(case, language) for case in qs]


def get_public_answer(pk: int, language: str) -> PublicAnswer:
    """A public case's page, or 404 for anything else (the same answer as "no such case")."""
    try:
        case = _answers(public_cases()).get(pk=pk)
    except Case.DoesNotExist:
        raise Http404 from None
    return _to_answer(case, language, public_timeline(case))


# --- The process timeline (Art. 12.2) --------------------------------------------------------
def _visibility_of_publication(case: Case) -> str:
    if case.is_state_secret:
        return _("Answered through the channel the law allows")
    if case.is_confidential:
        return _("Reply sent to the reporter only")
    return _("Reply published")


def public_timeline(case: Case) -> list[TimelineEntry]:
    """Received, dispatched, handled, approved, published…: times and units, never notes.

    Shown on the public page of a public case and to the reporter who tracks their case.
    """
    events = list(
        CaseEvent.objects.filter(case_id=case.pk, kind__in=TIMELINE_KINDS)
        .select_related("unit").only("at", "kind", "data", "unit__name").order_by("at", "pk")
    )
    unit_ids: set[int] = set()
    for event in events:
        if event.kind == "dispatched":
            unit_ids.update(int(pk) for pk in event.data.get("units", []))
    names = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name")) if unit_ids \
        else {}
    return [TimelineEntry(at=e.at, label=_event_label(case, e, names)) for e in events]


TIMELINE_KINDS = (
    "received", "dispatched", "draft_submitted", "approved", "published", "reopened",
    "reprocessed", "result_kept", "rejected",
)


def _event_label(case: Case, event: CaseEvent, unit_names: dict[int, str]) -> str:
    unit = event.unit.name if event.unit_id else ""
    kind = event.kind
    if kind == "received":
        return _("Received")
    if kind == "dispatched":
        units = _join(unit_names.get(int(pk), "") for pk in event.data.get("units", []))
        return (_("Dispatched to %(units)s") % {"units": units} if units
                else _("Dispatched to the handling units"))
    if kind == "draft_submitted":
        return _("Handled by %(unit)s") % {"unit": unit}
    if kind == "approved":
        return _("Result approved by the leader of %(unit)s") % {"unit": unit}
    if kind == "published":
        return _visibility_of_publication(case)
    if kind == "reopened":
        return _("Reopened after an unsatisfied rating")
    if kind == "reprocessed":
        return _("Sent to the handling units again")
    if kind == "result_kept":
        return _("The published reply was confirmed")
    reason = RejectionReason(event.data["reason"]).label if event.data.get("reason") in \
        RejectionReason.values else ""
    return _("Not accepted: %(reason)s") % {"reason": reason} if reason else _("Not accepted")


def _join(names: Iterable[str]) -> str:
    return ", ".join(name for name in names if name)
