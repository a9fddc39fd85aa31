"""The reports' fixtures: the official calendar and the first quarter's cases (quarter.py)."""

import pytest

from tests.reports.quarter import Scenario, build_scenario, import_official_calendar
from workflow.worktime import WorkingCalendar


@pytest.fixture
def official_calendar(db: None) -> WorkingCalendar:
    return import_official_calendar()


@pytest.fixture
def scenario(province, official_calendar) -> Scenario:
    return build_scenario(province)
