"""Public pages served from the cache (Redis in production) where that is safe.

What is cached is the HTML of a public page as every anonymous visitor sees it in one
language: a GET with no session and no pending message, rendered without touching the
session. The page's one per-visitor part, the CSRF token of the language switch, is rendered
as a random mark stored with the entry and replaced by the visitor's own token on the way
out, so no visitor is ever served another's token or cookie; the CSRF cookie, when one is
needed, is set by the middleware on the response as on any page.

Freshness:

- A case's page is keyed by the case and its `updated_at`, read by the one query that also
  checks, on every request, that the case is still public (published, neither confidential
  nor a state secret): a case that stops being public is never served again, cached or not.
  Every transition saves the case, so a publication, a reopening or a confirmed result
  changes `updated_at` and with it the key.
- Lists (the home page's latest answers, the published answers and their filters) carry a
  generation bumped whenever a case that is or was published is saved or deleted; on a hit
  the cases the page names are checked again, in one query, to be public still.
- Names of categories, units and areas appear on every page, and a signed reply letter
  belongs to a case without saving it: saving one bumps a second generation that every
  entry carries (publishing/signals.py).
- Searches are not cached: their space is unbounded, so entries would rarely be read again
  and a visitor could fill the cache with them. Neither are deep pages or date filters.
  Only a search's count is kept, a number, for a few minutes or until a list changes
  (publishing.selectors.answer_id_page), and each answer's list item, under both
  generations: there is one per public case and language, whatever was searched.

A cache that is down, or refuses a command, costs the page its cache and nothing more: the
page is rendered as if nothing were cached (SECURITY RE1).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from config import generations
from config.generations import bump_generation, set_quietly
from config.generations import remember as remember  # re-exported for the pages

logger = logging.getLogger(__name__)

# An upper bound for what no signal announces; most entries are replaced well before.
CACHE_SECONDS = 10 * 60
CASE_CACHE_SECONDS = 60 * 60
NAMES_KEY = "publishing:generation:names"
LISTS_KEY = "publishing:generation:lists"
# List pages worth keeping: the first few pages, unfiltered or by one category, unit or area.
CACHED_LIST_PAGES = 5
LIST_FILTERS = frozenset({"category", "unit", "area"})


def visitor_is_anonymous(request: HttpRequest) -> bool:
    """A GET from a visitor with no session and no pending message, decided from the
    cookies alone: the session itself is never loaded."""
    return (request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and CookieStorage.cookie_name not in request.COOKIES)


def list_is_cacheable(request: HttpRequest) -> bool:
    """The unfiltered list or one filter by category, unit or area, on one of its first
    pages: a bounded set of pages. Searches, dates and anything else are rendered afresh."""
    query = request.GET
    if any(len(query.getlist(name)) != 1 for name in query):
        return False
    filters = set(query) - {"page"}
    if not filters <= LIST_FILTERS or len(filters) > 1:
        return False
    values = [query[name] for name in query]
    if not all(value.isascii() and value.isdigit() and len(value) <= 9 for value in values):
        return False
    return int(query.get("page", "1")) <= CACHED_LIST_PAGES


# --- Generations (config/generations.py) ---------------------------------------------------------
def remembered(key: str, generation_key: str = LISTS_KEY) -> tuple[Any, Any]:
    """A value kept with `remember` while no list changed since (or no name, with
    `generation_key=NAMES_KEY`), or None; and the generation now (None: the cache is down)."""
    return generations.remembered(key, generation_key)


def names_changed() -> None:
    bump_generation(NAMES_KEY)


def lists_changed() -> None:
    bump_generation(LISTS_KEY)


# --- List items -----------------------------------------------------------------------------------
ITEM_FORMAT = 1  # bump when an item's stored form changes


def _item_key(language: str, pk: int) -> str:
    return f"publishing:item:{language}:{pk}"


def answer_items(ids: Sequence[int], language: str,
                 render: Callable[[list[int]], dict[int, str]]) -> list[SafeString]:
    """The rendered list items of these answers, in their order: each from the cache while
    no name and no list changed since it was rendered (the generations are read in the same
    round trip), the others rendered by `render(ids)` and kept. The ids come from a fresh
    query, so a case that left the public lists is not asked for; one that `render` leaves
    out is left out. A search or a deep page of a list then renders only what is new."""
    keys = {pk: _item_key(language, pk) for pk in ids}
    try:
        found = cache.get_many([NAMES_KEY, LISTS_KEY, *keys.values()])
    except Exception:  # noqa: BLE001 — render them all, keep none
        logger.warning("Cache unavailable: answers rendered afresh")
        found = None
    generations = None if found is None else (found.get(NAMES_KEY, 0), found.get(LISTS_KEY, 0))
    items: dict[int, str] = {}
    for pk, key in keys.items():
        kept = found.get(key) if found else None
        if (isinstance(kept, tuple) and len(kept) == 3 and kept[0] == ITEM_FORMAT
                and tuple(kept[1]) == generations):
            items[pk] = kept[2]
    missing = [pk for pk in ids if pk not in items]
    if missing:
        fresh = render(missing)
        items.update(fresh)
        if generations is not None and fresh:
            try:
                cache.set_many({keys[pk]: (ITEM_FORMAT, generations, html)
                                for pk, html in fresh.items()}, CACHE_SECONDS)
            except Exception:  # noqa: BLE001
                logger.warning("Cache unavailable: answers not stored")
    # Rendered by our own template from escaped values: safe as it was when rendered.
    return [mark_safe(items[pk]) for pk in ids if pk in items]  # noqa: S308


# --- Entries -------------------------------------------------------------------------------------
ENTRY_FORMAT = 1  # bump when Entry changes: older entries are then ignored, not misread


@dataclass(frozen=True)
class Entry:
    html: str
    mark: str  # stands for the visitor's CSRF token in `html`
    generations: tuple[Any, ...]
    case_ids: tuple[int, ...] = ()

    def stored(self) -> tuple[Any, ...]:
        # A plain tuple in the cache: nothing of ours to unpickle after a deployment.
        return (ENTRY_FORMAT, self.html, self.mark, self.generations, self.case_ids)

    @classmethod
    def from_stored(cls, value: Any) -> Entry | None:
        if not isinstance(value, tuple) or len(value) != 5 or value[0] != ENTRY_FORMAT:
            return None
        return cls(html=value[1], mark=value[2], generations=tuple(value[3]),
                   case_ids=tuple(value[4]))


def page_key(request: HttpRequest, kind: str, stamp: str = "") -> str:
    """The page's address in the cache: its kind, language, and a digest of its version
    stamp and full path (a digest keeps the key short and free of spaces)."""
    digest = hashlib.sha256(f"{stamp}|{request.get_full_path()}".encode()).hexdigest()[:40]
    return f"publishing:page:{kind}:{request.LANGUAGE_CODE}:{digest}"


def _read(key: str, generation_keys: Iterable[str]) -> tuple[Entry | None, tuple[Any, ...] | None]:
    """The entry if it is current, and the generations it must carry (None: no cache)."""
    keys = [key, *generation_keys]
    try:
        found = cache.get_many(keys)
    except Exception:  # noqa: BLE001 — render the page as if nothing were cached
        logger.warning("Cache unavailable: public page rendered afresh")
        return None, None
    generations = tuple(found.get(k, 0) for k in keys[1:])
    entry = Entry.from_stored(found.get(key))
    if entry is not None and entry.generations != generations:
        entry = None
    return entry, generations


def _respond(request: HttpRequest, entry: Entry) -> HttpResponse:
    # get_token() also tells the CSRF middleware to set the visitor's cookie if needed.
    return HttpResponse(entry.html.replace(entry.mark, get_token(request)))


def cached_page(
    request: HttpRequest,
    *,
    key: str,
    generation_keys: tuple[str, ...],
    template_name: str,
    context: Callable[[], dict[str, Any]],
    still_public: Callable[[tuple[int, ...]], bool] | None = None,
    case_ids: Callable[[dict[str, Any]], Iterable[int]] = lambda context: (),
    keep: Callable[[dict[str, Any]], bool] = lambda context: True,
    timeout: int = CACHE_SECONDS,
) -> HttpResponse:
    """The page from the cache, or rendered and stored for the next anonymous visitor.

    `still_public` re-checks, on a hit, the cases the page names (`case_ids` of its
    context); a page naming one that is no longer public is rendered afresh. `keep` says
    whether a freshly rendered page may be stored (e.g. not for a filter that names nothing,
    or anyone could fill the cache with made-up numbers).
    """
    entry, generations = _read(key, generation_keys)
    if entry is not None and (still_public is None or still_public(entry.case_ids)):
        return _respond(request, entry)
    data = context()
    mark = secrets.token_hex(16)
    html = render_to_string(template_name, {**data, "csrf_token": mark}, request)
    session = getattr(request, "session", None)
    touched = session is not None and (session.accessed or session.modified)
    # A page that read the session is this visitor's own: it is served, never kept.
    entry = Entry(html=html, mark=mark, generations=generations or (),
                  case_ids=tuple(case_ids(data)))
    if generations is not None and not touched and keep(data):
        set_quietly(key, entry.stored(), timeout)
    return _respond(request, entry)
