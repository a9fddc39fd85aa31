"""Outages staged without touching the shared services: the application is pointed at a
port nothing listens on (PostgreSQL, Redis), or at a throwaway server of its own."""

from collections.abc import Iterator

import pytest
from django.db import connection
from django.test import Client

# Nothing listens on port 1: a connection is refused at once, as when a service is down.
CLOSED_PORT = "1"


@pytest.fixture
def database_down(django_db_blocker) -> Iterator[None]:
    """PostgreSQL unreachable for the rest of the test; its address restored afterwards."""
    with django_db_blocker.unblock():
        connection.close()
        saved = connection.settings_dict["PORT"]
        connection.settings_dict["PORT"] = CLOSED_PORT
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict["PORT"] = saved


@pytest.fixture
def cache_down(settings) -> None:
    """Redis unreachable: the cache pointed at a closed port, failing fast."""
    settings.CACHES = {"default": {
        "BACKEND": "config.cache.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{CLOSED_PORT}/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }}


@pytest.fixture
def visitor() -> Client:
    """A browser, as a real server answers it: an error is a response, never re-raised."""
    return Client(raise_request_exception=False)


@pytest.fixture
def staff_browser(visitor: Client, settings) -> Client:
    """A browser carrying a staff member's session cookie: its session lives in PostgreSQL."""
    visitor.cookies[settings.SESSION_COOKIE_NAME] = "a" * 32
    return visitor


def assert_outage_page(response) -> None:
    assert response.status_code == 503, response.content[:300]
    assert int(response["Retry-After"]) > 0
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Type"].startswith("text/html")
