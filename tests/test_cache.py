"""The Redis cache keeps one client per connection pool (config/cache.py)."""

import uuid

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches

from config.generations import bump

pytestmark = pytest.mark.skipif(not django_settings.REDIS_URL, reason="needs REDIS_URL")


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = {"default": {
        "BACKEND": "config.cache.RedisCache", "LOCATION": django_settings.REDIS_URL,
        "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
    }}
    return caches["default"]


def test_the_production_settings_use_the_shared_client_cache():
    assert django_settings.CACHES["default"]["BACKEND"] == "config.cache.RedisCache"


def test_every_call_reuses_the_same_client_and_still_reaches_redis(redis_cache):
    client = redis_cache._cache.get_client(write=True)

    redis_cache.set("answer", "Đã thay bóng đèn.", 60)

    assert redis_cache._cache.get_client(write=True) is client
    assert redis_cache.get("answer") == "Đã thay bóng đèn."
    assert redis_cache.get_many(["answer", "none"]) == {"answer": "Đã thay bóng đèn."}
    assert redis_cache.add("count", 1, 60) and redis_cache.incr("count") == 2


def test_a_generation_starts_at_one_and_counts_up_with_one_command_each(redis_cache,
                                                                       monkeypatch):
    client = redis_cache._cache.get_client(write=True)
    sent = []
    send = client.execute_command
    monkeypatch.setattr(client, "execute_command",
                        lambda *args, **kwargs: sent.append(args[0]) or send(*args, **kwargs))
    bump("routing:generation:test")
    bump("routing:generation:test")
    assert sent == ["INCRBY", "INCRBY"]  # redis-py's INCR: no SET, no EXISTS before it
    assert redis_cache.get("routing:generation:test") == 2
    assert redis_cache.get_many(["routing:generation:test"]) == {"routing:generation:test": 2}
