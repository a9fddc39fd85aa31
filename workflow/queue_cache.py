"""The staff's home queues, kept in the cache for the minute they were written in.

Every coordinator sees the same intake queue, every member of a unit the same inbox, and
each of them refreshes it all day: each refresh counted the queue, read its page and wrote
its rows. The queues' HTML is kept instead, under a key of whom they were written for (the
roles and units that decide what they hold), the query string, the language and the
minute, and under a generation that saving or deleting a case, an assignment, a category
or a unit bumps (connect(), called from apps.ready()): a change shows on the
next page, for every process. The time left is shown to the minute, which is why a kept
queue lives for its minute only; a change no signal announces (a bulk update of the
deadline sweep) shows within it. A cache that is down costs the queues their cache.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime

from django.utils import timezone
from django.utils.translation import get_language

from config.generations import bump_on_change, kept
from routing.models import Category, Unit
from routing.selectors import Actor

from .models import Assignment, Case

GENERATION_KEY = "workflow:generation:queues"
KEEP_SECONDS = 90  # the minute the queues were written in, and a little clock skew


def queues_key(actor: Actor, query: str, now: datetime) -> str:
    """What the home queues depend on: who they were written for (not the person: every
    coordinator sees the same queue, every member of a unit the same inbox), the query
    string (filters and pages), the language, the time zone and the minute."""
    minute = timezone.localtime(now).strftime("%Y-%m-%d %H:%M %Z")
    whom = (actor.is_coordinator, actor.is_supervisor, sorted(actor.units),
            sorted(actor.leader_units))
    parts = repr((whom, query, get_language(), minute))
    return "workflow:queues:" + hashlib.sha256(parts.encode()).hexdigest()


def kept_queues(key: str, write: Callable[[], str]) -> str:
    return kept(key, GENERATION_KEY, write, KEEP_SECONDS)


def connect() -> None:
    bump_on_change(GENERATION_KEY, Case, Assignment, Category, Unit)
