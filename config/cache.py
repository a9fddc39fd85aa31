"""Django's Redis cache, keeping one client per connection pool.

Django's RedisCacheClient builds a new redis.Redis object for every cache call, and each
one fills a table of several hundred response callbacks: about a millisecond a page on
the public pages and the submission, which ask the cache two or three times. A
redis.Redis object holds nothing but its pool and is safe to share between threads, so one
per pool is kept (the pool itself notices a fork and opens new connections).

`cached` keeps a computed value for a while where the cache is only a saving: a cache that
is down costs the saving, never the page (SECURITY RE5).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

logger = logging.getLogger(__name__)

T = TypeVar("T")


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient


def cached(key: str, compute: Callable[[], T], timeout: int) -> T:
    """The value kept under `key`, or `compute()` kept for `timeout` seconds. With the cache
    down or refusing, `compute()` every time: slower, never an error."""
    try:
        value = cache.get(key)
    except Exception:  # noqa: BLE001 — any cache failure: compute instead
        logger.warning("Cache unavailable: %s computed afresh", key)
        return compute()
    if value is not None:
        return value
    value = compute()
    try:
        cache.set(key, value, timeout)
    except Exception:  # noqa: BLE001
        logger.warning("Cache unavailable: %s not kept", key)
    return value


def increment(key: str, timeout: float) -> int:
    """Add one to the counter at `key` (made with `timeout` when new) and give its new value.

    Atomic in Redis, so counts taken at the same instant are all counted; a counter that
    expires between the two steps starts again at one.
    """
    if cache.add(key, 1, timeout):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout)
        return 1
