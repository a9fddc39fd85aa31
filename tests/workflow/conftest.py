"""Fixtures of the workflow tests: the working calendar, fresh for every test."""

import json
from pathlib import Path

import pytest
from django.conf import settings

from workflow.worktime import WorkingCalendar, get_calendar, import_schedule

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
