"""What the public may read: published answers of public cases, and their public timeline.

A case is public only when it is published AND neither confidential nor a state secret
(Art. 10.3b–c, SECURITY DP3–DP4). Every public page reads through `public_cases()`, and
hands templates dataclasses that carry no personal field at all, so a template cannot leak
the reporter's name, phone, e-mail or address even by mistake.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any

from django.contrib.postgres.search import SearchQuery
from django.core.paginator import Page
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from config.pagination import BoundedPaginator, KeptCount
from routing.models import Area, Category, Unit
from workflow.models import Assignment, Case, CaseEvent, RejectionReason

from .caching import LISTS_KEY
from .models import SearchDocument
from .text import search_words, words_query

PAGE_SIZE = 20
SUMMARY_LENGTH = 220
# A list or search longer than this says "more than 1000" instead of counting every match:
# an exact count of a common word over a million cases would cost more than the page.
COUNT_LIMIT = 1000
# A search counts less far: past a few pages, "more than 200" says enough.
SEARCH_COUNT_LIMIT = 200
COUNT_SECONDS = 5 * 60

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

    @property
    def summary(self) -> str:
        """The content cut to SUMMARY_LENGTH characters for a list, "…" marking the cut.
        Stored text is NFC (config.text), so a character is a letter with its marks; this
        is what the truncatechars filter gave, at a fraction of its cost on a list page."""
        if len(self.content) <= SUMMARY_LENGTH:
            return self.content
        return self.content[:SUMMARY_LENGTH - 1].rstrip() + "…"


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


# A list's answers are read as values, not models: a page of twenty would otherwise build a
# hundred model instances (case, category, area, assignments, units), most of its time.
LIST_VALUES = ("pk", "title", "content", "location_text", "reply_text", "received_at",
               "published_at", "category__name", "category__name_en", "area__name")


def _answer_list(cases: QuerySet[Case] | Iterable[dict[str, Any]], language: str
                 ) -> list[PublicAnswer]:
    """The answers of these public cases, in their order: one query for the cases (unless
    given as LIST_VALUES rows), one for the names of their handling units."""
    rows = list(cases.values(*LIST_VALUES) if isinstance(cases, QuerySet) else cases)
    units: dict[int, list[str]] = {row["pk"]: [] for row in rows}
    if units:
        for case_id, name in (Assignment.objects
                              .filter(case_id__in=units, state=Assignment.State.APPROVED)
                              .order_by("unit__name").values_list("case_id", "unit__name")):
            units[case_id].append(name)
    english = language == "en"
    return [
        PublicAnswer(
            pk=row["pk"], title=row["title"], content=row["content"],
            location_text=row["location_text"],
            category=((row["category__name_en"] if english and row["category__name_en"]
                       else row["category__name"]) or ""),
            area=row["area__name"] or "", received_at=row["received_at"],
            published_at=row["published_at"], reply_text=row["reply_text"],
            units=units[row["pk"]],
        )
        for row in rows
    ]


@dataclass(frozen=True)
class AnswerFilters:
    q: str = ""
    category: Category | None = None
    unit: Unit | None = None
    area: Area | None = None
    published_from: date | None = None
    published_to: date | None = None


def filter_public_cases(filters: AnswerFilters) -> QuerySet[Case]:
    """The public cases the filters select, newest first.

    A search finds the answers that hold every word typed, diacritics or not ("duong ngap"
    finds "Đường ngập"), read from the search documents of migration 0002. The answers
    pages page a search through matching_documents instead, in the documents' own order
    (see answer_id_page).
    """
    qs = _narrowed(public_cases(), filters)
    words = search_words(filters.q)
    if not words:
        return qs.order_by("-published_at", "-pk")
    # Ordered as the documents' own index, so that a page of common words can be read
    # newest first, stopping at its last match (see answer_page); the case itself is
    # still checked to be public (public_cases()).
    return qs.filter(search_document__document=SearchQuery(
        words_query(words), search_type="raw", config="simple",
    )).order_by("-search_document__published_at", "-pk")


def _narrowed(qs: QuerySet, filters: AnswerFilters, *, case: str = "",
              case_id: str = "pk") -> QuerySet:
    """`qs` narrowed by every filter but the words. Its rows are cases, or rows reaching
    their case by `case` (e.g. "case__") and naming it by `case_id`; each has its own
    `published_at`."""
    if filters.category is not None:
        qs = qs.filter(**{f"{case}category": filters.category})
    if filters.area is not None:
        qs = qs.filter(**{f"{case}area": filters.area})
    if filters.unit is not None:
        qs = qs.filter(Exists(Assignment.objects.filter(
            case=OuterRef(case_id), unit=filters.unit, state=Assignment.State.APPROVED
        )))
    if filters.published_from is not None:
        qs = qs.filter(published_at__date__gte=filters.published_from)
    if filters.published_to is not None:
        qs = qs.filter(published_at__date__lte=filters.published_to)
    return qs


def answer_page(filters: AnswerFilters, page_number: str | int | None, language: str) -> Page:
    """One page of published answers, newest first (see answer_id_page), as PublicAnswers."""
    page = answer_id_page(filters, page_number)
    page.object_list = public_answers(page.object_list, language)
    return page


def answer_id_page(filters: AnswerFilters, page_number: str | int | None) -> Page:
    """One page of the ids of published answers, newest first; a constant number of
    queries. The paginator's `is_capped` says whether more matched than it counted."""
    documents = matching_documents(filters)
    # A search's count is what it costs (the page itself reads a few rows): kept a few
    # minutes or until a list changes, for the next page and the next person asking the
    # same. Only a number is kept, so searches cannot fill the cache.
    paginator = BoundedPaginator(documents if documents is not None
                                 else filter_public_cases(filters).values_list("pk", flat=True),
                                 PAGE_SIZE,
                                 limit=SEARCH_COUNT_LIMIT if filters.q else COUNT_LIMIT,
                                 page_number=page_number,
                                 keep_count=KeptCount(_count_key(filters), LISTS_KEY,
                                                      COUNT_SECONDS) if filters.q else None)
    with _search_plans(bool(filters.q)) as plan:
        # Counting reads the index of the words only: its cost follows the rarest word, and
        # it stops at the limit. The page then reads, for more matches than the limit, the
        # newest documents in order and stops at its last match; for fewer, the index again
        # and sorts them. Left to itself, PostgreSQL guesses how often words meet from how
        # often each occurs, and a wrong guess read a million rows.
        plan(SEARCH_COUNT)
        capped = paginator.count > 0 and paginator.is_capped
        plan(SEARCH_NEWEST_FIRST if capped else SEARCH_COUNT)
        page = paginator.get_page(page_number)
        page.object_list = list(page.object_list)
    return page


def public_answers(ids: Iterable[int], language: str) -> list[PublicAnswer]:
    """The answers of these cases in the order given, by primary key; a case that is not
    (or no longer) public is left out. Two queries."""
    ids = list(ids)
    found = {row["pk"]: row for row in public_cases().filter(pk__in=ids).values(*LIST_VALUES)}
    return _answer_list([found[pk] for pk in ids if pk in found], language)


def matching_documents(filters: AnswerFilters) -> QuerySet | None:
    """For a search: the ids of the matching public cases, newest first, read
    from the search documents (they exist for public cases only, with their publication
    time) and ordered by the documents' own index, so that a newest-first read follows it
    and stops at the page's last match; a category, area or unit is checked on each
    document's case on the way. None without words to search."""
    words = search_words(filters.q)
    if not words:
        return None
    documents = _narrowed(SearchDocument.objects.filter(document=SearchQuery(
        words_query(words), search_type="raw", config="simple",
    )), filters, case="case__", case_id="case_id")
    return documents.order_by("-published_at", "-case_id").values_list("case_id", flat=True)


def _count_key(filters: AnswerFilters) -> str:
    selection = (
        search_words(filters.q),
        [getattr(f, "pk", None) for f in (filters.category, filters.unit, filters.area)],
        str(filters.published_from), str(filters.published_to),
    )
    return "publishing:count:" + hashlib.sha256(repr(selection).encode()).hexdigest()[:40]


# Planner settings of a search's queries: no JIT compilation nor parallel
# workers, which cost more than these short queries; and which way to read the documents.
SEARCH_COUNT = {"jit": "off", "max_parallel_workers_per_gather": "0", "enable_seqscan": "off",
                "enable_indexscan": "off", "enable_bitmapscan": "on"}
# Newest first, with no sort at all: with a category, unit or area to check on each case,
# PostgreSQL would otherwise read every match by case id and sort them.
SEARCH_NEWEST_FIRST = {**SEARCH_COUNT, "enable_indexscan": "on", "enable_bitmapscan": "off",
                       "enable_sort": "off"}


@contextmanager
def _search_plans(searching: bool) -> Iterator[Callable[[dict[str, str]], None]]:
    """A transaction in which `plan(settings)` sets the planner for the next queries, one
    query each time; outside a search it does nothing."""
    if not searching:
        yield lambda settings: None
        return
    with transaction.atomic(), connection.cursor() as cursor:
        def plan(settings: dict[str, str]) -> None:
            cursor.execute("SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(settings)),
                           [part for item in settings.items() for part in item])

        yield plan


def latest_answers(language: str, count: int = 5) -> list[PublicAnswer]:
    return _answer_list(public_cases().order_by("-published_at", "-pk")[:count], language)


# A primary key no case has: it marks where the asked-for one goes in the compiled query.
_NO_CASE = -1022


@cache
def _stamp_query() -> tuple[str, tuple[Any, ...]]:
    """public_cases() asked for one case's updated_at, compiled once per process: the
    public case page runs it on every request, and compiling it cost more than running it."""
    query = public_cases().filter(pk=_NO_CASE).values_list("updated_at")[:1].query
    return query.sql_with_params()


def public_stamp(pk: int) -> str:
    """When a public case last changed, as text for its cache key, or 404 if it is not
    public: one query by primary key, made on every request, cached page or not."""
    sql, params = _stamp_query()
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(sql, [pk if p == _NO_CASE else p for p in params])
        row = cursor.fetchone()
    if row is None:
        raise Http404
    return str(row[0])


def all_public(ids: Iterable[int]) -> bool:
    """Whether every one of these cases is still public (one query; none for no case)."""
    wanted = set(ids)
    return not wanted or public_cases().filter(pk__in=wanted).count() == len(wanted)


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
        if event.kind == CaseEvent.Kind.DISPATCHED:
            unit_ids.update(int(pk) for pk in event.data.get("units", []))
    names = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name")) if unit_ids \
        else {}
    return [TimelineEntry(at=e.at, label=_event_label(case, e, names)) for e in events]


TIMELINE_KINDS = (
    CaseEvent.Kind.RECEIVED, CaseEvent.Kind.DISPATCHED, CaseEvent.Kind.DRAFT_SUBMITTED,
    CaseEvent.Kind.APPROVED, CaseEvent.Kind.PUBLISHED, CaseEvent.Kind.REOPENED,
    CaseEvent.Kind.REPROCESSED, CaseEvent.Kind.RESULT_KEPT, CaseEvent.Kind.REJECTED,
)


def _event_label(case: Case, event: CaseEvent, unit_names: dict[int, str]) -> str:
    unit = event.unit.name if event.unit_id else ""
    kind = event.kind
    if kind == CaseEvent.Kind.RECEIVED:
        return _("Received")
    if kind == CaseEvent.Kind.DISPATCHED:
        units = _join(unit_names.get(int(pk), "") for pk in event.data.get("units", []))
        return (_("Dispatched to %(units)s") % {"units": units} if units
                else _("Dispatched to the handling units"))
    if kind == CaseEvent.Kind.DRAFT_SUBMITTED:
        return _("Handled by %(unit)s") % {"unit": unit}
    if kind == CaseEvent.Kind.APPROVED:
        return _("Result approved by the leader of %(unit)s") % {"unit": unit}
    if kind == CaseEvent.Kind.PUBLISHED:
        return _visibility_of_publication(case)
    if kind == CaseEvent.Kind.REOPENED:
        return _("Reopened after an unsatisfied rating")
    if kind == CaseEvent.Kind.REPROCESSED:
        return _("Sent to the handling units again")
    if kind == CaseEvent.Kind.RESULT_KEPT:
        return _("The published reply was confirmed")
    reason = RejectionReason(event.data["reason"]).label if event.data.get("reason") in \
        RejectionReason.values else ""
    return _("Not accepted: %(reason)s") % {"reason": reason} if reason else _("Not accepted")


def _join(names: Iterable[str]) -> str:
    return ", ".join(name for name in names if name)
