"""The public monitoring and statistics page's figures: this month and this year, counts only.

Every figure comes from the report's own (aggregate SQL, a constant number of queries)
over the whole province. Confidential and state-secret cases are counted like any other
case, but nothing here names a case: the page holds totals, categories and units only,
never a title, a code or a reporter. The result is cached for ten minutes per language and
month, so a busy public page costs the database nothing between refreshes; with the cache
down the page is still served, computed afresh.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from config.cache import cached

from ..charts import Bar, bar_chart
from ..numbers import percent
from .figures import Row, Summary, UnitRow, received, summary, unit_ranking
from .periods import Period, Scope

CACHE_SECONDS = 10 * 60
TOP_UNITS = 15


@dataclass(frozen=True)
class UnitLine:
    name: str
    received: int
    handled: int
    on_time: int
    late: int
    on_time_rate: str
    satisfaction_rate: str


@dataclass(frozen=True)
class PeriodStatistics:
    key: str
    title: str
    period: Period
    received: int
    published: int
    handled: int
    rated: int
    on_time_rate: str
    satisfaction_rate: str
    categories: list[Row] = field(default_factory=list)
    units: list[UnitLine] = field(default_factory=list)
    category_chart: SafeString = SafeString("")
    unit_chart: SafeString = SafeString("")


def busiest_units(rows: list[UnitRow], count: int = TOP_UNITS) -> list[UnitRow]:
    """The units with the most cases (received, then handled), idle ones left out."""
    active = [r for r in rows if r.received or r.handled]
    return sorted(active, key=lambda r: (-r.received, -r.handled, r.name))[:count]


def period_statistics(key: str, title: str, period: Period) -> PeriodStatistics:
    scope = Scope()
    totals: Summary = summary(period, scope)
    categories = received(period, scope).by_category
    units = busiest_units(unit_ranking(period, scope))
    category_title = _("Received by category")
    unit_title = _("Handled on time and late, by unit")
    return PeriodStatistics(
        key=key, title=title, period=period,
        received=totals.received, published=totals.published, handled=totals.handled,
        rated=totals.rated, on_time_rate=percent(totals.on_time_rate),
        satisfaction_rate=percent(totals.satisfaction_rate),
        categories=categories,
        units=[
            UnitLine(name=u.name, received=u.received, handled=u.handled, on_time=u.on_time,
                     late=u.late, on_time_rate=percent(u.on_time_rate),
                     satisfaction_rate=percent(u.satisfaction_rate))
            for u in units
        ],
        category_chart=bar_chart(
            [Bar(r.label, (r.count,)) for r in categories], title=category_title
        ),
        unit_chart=bar_chart(
            [Bar(u.name, (u.on_time, u.late)) for u in units], title=unit_title,
            series=(_("On time"), _("Late")),
        ),
    )


def today() -> date:
    return timezone.localdate()


def compute(day: date) -> list[PeriodStatistics]:
    return [
        period_statistics("month", _("This month"), Period.month(day.year, day.month)),
        period_statistics("year", _("This year"), Period.year(day.year)),
    ]


def public_statistics(language: str, day: date | None = None) -> list[PeriodStatistics]:
    """This month's and this year's figures, cached for ten minutes per language and month;
    computed for each visitor while the cache is down (a few aggregate queries)."""
    day = day or today()
    return cached(
        f"reports:public-statistics:{language}:{day:%Y-%m}", lambda: compute(day), CACHE_SECONDS
    )
