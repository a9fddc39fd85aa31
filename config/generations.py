"""Values kept in the cache (Redis in production) under a generation.

A generation is a counter in the cache, bumped whenever what a kept value was computed from
changes (the models' post_save and post_delete signals: `bump_on_change`). A value is
kept together with the generation it was computed under and read back only while the
counter still holds that number, so a change anywhere is seen by every process at once.

A cache that is down, or refuses a command, costs the value its cache and nothing more:
it is computed afresh (SECURITY RE1), and the change that bumps a generation never fails
because of the cache.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

logger = logging.getLogger(__name__)

T = TypeVar("T")


def bump(key: str) -> None:
    try:
        backend = caches[DEFAULT_CACHE_ALIAS]
        if isinstance(backend, RedisCache):
            # One INCR, which starts a missing counter at 1 (Django's add() then incr() are
            # three round trips: every saved case bumps the staff queues' generation).
            backend._cache.get_client(key, write=True).incr(backend.make_and_validate_key(key))
        elif not cache.add(key, 1, timeout=None):
            cache.incr(key)
    except ValueError:  # evicted between add() and incr()
        set_quietly(key, 1, timeout=None)
    except Exception:  # noqa: BLE001 — a cache outage must not fail the change that caused it
        logger.warning("Cache unavailable: values kept under %s may be stale until they "
                       "expire", key)


def bump_on_change(generation_key: str, *models: type[Model]) -> None:
    """Bump `generation_key` (bump_generation) whenever one of `models` is saved or deleted:
    their post_save and post_delete signals. Called from an AppConfig's ready()."""
    def changed(sender: type[Model], **kwargs: Any) -> None:
        bump_generation(generation_key)

    for signal in (post_save, post_delete):
        for model in models:
            signal.connect(changed, sender=model, weak=False,
                           dispatch_uid=f"bump:{generation_key}:{model._meta.label_lower}")


def bump_generation(key: str) -> None:
    """Now, so the rest of this transaction (and a test) sees it, and again once the change
    is committed, so a value computed meanwhile from the old rows is not kept."""
    bump(key)
    transaction.on_commit(lambda: bump(key))


def remembered(key: str, generation_key: str) -> tuple[Any, Any]:
    """A value kept with `remember` while `generation_key` has not moved since, or None; and
    the generation now, to keep a new value under (None when the cache is down)."""
    try:
        found = cache.get_many([key, generation_key])
    except Exception:  # noqa: BLE001
        logger.warning("Cache unavailable: %s recomputed", key)
        return None, None
    generation = found.get(generation_key, 0)
    kept = found.get(key)
    if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == generation:
        return kept[1], generation
    return None, generation


def remember(key: str, value: Any, generation: Any, timeout: int) -> None:
    if generation is not None:
        set_quietly(key, (generation, value), timeout)


def kept(key: str, generation_key: str, compute: Callable[[], T], timeout: int) -> T:
    """The value kept under `key` for the current generation, or `compute()`, kept."""
    value, generation = remembered(key, generation_key)
    if value is None:
        value = compute()
        remember(key, value, generation, timeout)
    return value


def set_quietly(key: str, value: Any, timeout: int | None) -> None:
    try:
        cache.set(key, value, timeout=timeout)
    except Exception:  # noqa: BLE001
        logger.warning("Cache unavailable: %s not stored", key)
