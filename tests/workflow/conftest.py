"""Fixtures of the workflow tests: the working calendar, fresh for every test."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache

from workflow import auth
from workflow.worktime import WorkingCalendar, get_calendar, import_schedule

T0 = 1_780_000_000.0  # a fixed instant; `auth.clock` is moved from here, never slept

OFFICIAL_SCHEDULES = [
    Path(settings.BASE_DIR) / "data" / "calendar" / f"vn-official-{year}.json"
    for year in (2024, 2025, 2026)
]



@pytest.fixture
def official_calendar(db: None) -> WorkingCalendar:
    """The shipped official schedules of 2024–2026 imported; returns the shared calendar."""
    for path in OFFICIAL_SCHEDULES:
        import_schedule(json.loads(path.read_text(encoding="utf-8")), source=path.name)
    return get_calendar()


@pytest.fixture
def empty_lockout_counters():
    """The log-in counters live in the cache (Redis in these runs); no test inherits another's."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def now(monkeypatch):
    """`auth.clock`, frozen at T0; `now.advance(seconds)` moves it."""

    class Clock:
        value = T0

        def advance(self, seconds: float) -> None:
            self.value += seconds

    clock = Clock()
    monkeypatch.setattr(auth, "clock", lambda: clock.value)
    return clock


@pytest.fixture
def gateway(settings):
    """The HTTP SMS backend talking to a stand-in gateway on the loopback; set its script
    in the test."""
    from tests.workflow.test_notifications import StandInGateway

    stand_in = StandInGateway()
    settings.SMS_BACKEND = "workflow.notifications.backends.HttpGatewaySmsBackend"
    settings.SMS_GATEWAY = stand_in.settings()
    yield stand_in
    stand_in.close()
