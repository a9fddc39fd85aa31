import tempfile
import uuid
from collections.abc import Callable
from functools import partial

import redis
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

# A Redis that does not answer within this many seconds counts as down: the orchestrator
# polling /readyz must get an answer well before its own timeout.
REDIS_TIMEOUT_SECONDS = 1
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Alive: the process answers. Touches nothing else, so a database outage restarts nothing."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready: the database, Redis (cache and Celery broker) and storage answer (SECURITY RE6).

    Settings are read at call time, so a test can point them elsewhere.
    """
    checks: dict[str, str] = {"database": _status(_check_database)}
    # Ping Redis before using the cache: with Redis down, the cache client has no short
    # timeout of its own, and the ping says plainly which part failed.
    for name, url in _redis_urls().items():
        checks[name] = _status(partial(_check_redis, url))
    checks["cache"] = _status(_check_cache)
    checks["storage"] = _status(_check_storage)
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "error", **checks}, status=200 if ready else 503
    )


def _status(check: Callable[[], bool]) -> str:
    try:
        return "ok" if check() else "error"
    except Exception:  # noqa: BLE001 — any failure means "not ready", never a 500
        return "error"


def _redis_urls() -> dict[str, str]:
    """REDIS_URL serves the cache and, by default, the broker; a broker elsewhere is pinged too."""
    urls: dict[str, str] = {}
    if settings.REDIS_URL:
        urls["redis"] = settings.REDIS_URL
    broker = settings.CELERY_BROKER_URL
    if broker.startswith(REDIS_SCHEMES) and broker != settings.REDIS_URL:
        urls["broker"] = broker
    return urls


def _check_database() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _check_redis(url: str) -> bool:
    client = redis.Redis.from_url(
        url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=REDIS_TIMEOUT_SECONDS
    )
    try:
        return bool(client.ping())
    finally:
        client.close()


def _check_cache() -> bool:
    cache.set("readyz", "1", 5)
    return cache.get("readyz") == "1"


def _check_storage() -> bool:
    storage = storages["default"]
    if not isinstance(storage, FileSystemStorage):  # a bucket: write and remove a probe there
        storage.delete(storage.save(f"readyz/{uuid.uuid4().hex}", ContentFile(b"ok")))
        return True
    # Create and write a real file: os.access() misses full disks and some read-only mounts.
    with tempfile.NamedTemporaryFile(dir=settings.MEDIA_ROOT, prefix=".readyz-") as probe:
        probe.write(b"ok")
        probe.flush()
    return True
