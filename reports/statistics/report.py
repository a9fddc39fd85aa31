"""A periodic report's statistics, read once for the PDF, the workbook and the dashboard."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .figures import (
    OverdueRow,
    Received,
    Summary,
    UnitRow,
    overdue_now,
    received,
    summary,
    unit_ranking,
)
from .periods import Period, Scope
from .stages import StageTime, stage_times


@dataclass(frozen=True)
class Report:
    """Everything a periodic report shows, read once."""

    period: Period
    scope: Scope
    generated_at: datetime
    summary: Summary
    received: Received
    units: list[UnitRow]
    overdue: list[OverdueRow]
    stages: list[StageTime] = field(default_factory=list)


def build_report(period: Period, scope: Scope, now: datetime) -> Report:
    return Report(
        period=period, scope=scope, generated_at=now,
        summary=summary(period, scope),
        received=received(period, scope),
        units=unit_ranking(period, scope),
        overdue=overdue_now(scope, now),
        stages=stage_times(period, scope),
    )


