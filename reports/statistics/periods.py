"""The periods a report counts (Decree 09/2019/NĐ-CP, Art. 12) and the scopes it covers."""

from __future__ import annotations

import calendar as pycalendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from routing.models import Area, Unit
from workflow.models import Assignment


class PeriodError(ValueError):
    """A period text that names no month, quarter, year or range."""


# --- Period --------------------------------------------------------------------------------
# The last day a periodic report counts (Decree 09/2019/NĐ-CP, Art. 12, "thời gian chốt số
# liệu"): a reporting month runs from the 15th of the month before to the 14th.
CUTOFF_DAY = 14
CALENDAR = "calendar"
REPORTING = "reporting"
BASES = (REPORTING, CALENDAR)


def _month_before(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


@dataclass(frozen=True)
class Period:
    """Whole local days from ``start`` to ``end``, both included.

    A month, quarter or year is by default the reporting period of Decree 09/2019/NĐ-CP,
    Art. 12, named by its last day: "2026-10" is 15/09/2026–14/10/2026, "2026-Q1" is
    15/12/2025–14/03/2026, "2026" is 15/12/2025–14/12/2026. The calendar month, quarter or
    year ("calendar" basis) is there on request; a range is any days at all.
    """

    start: date
    end: date
    kind: str = "range"  # monthly, quarterly, yearly or range

    KINDS = ("monthly", "quarterly", "yearly", "range")

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise PeriodError(_("The period ends before it starts."))

    # The calendar's month, quarter and year.
    @classmethod
    def month(cls, year: int, month: int) -> Period:
        last = pycalendar.monthrange(year, month)[1]
        return cls(date(year, month, 1), date(year, month, last), "monthly")

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first = 3 * (quarter - 1) + 1
        last = pycalendar.monthrange(year, first + 2)[1]
        return cls(date(year, first, 1), date(year, first + 2, last), "quarterly")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31), "yearly")

    # The reporting periods of Decree 09/2019, Art. 12.
    @classmethod
    def reporting_month(cls, year: int, month: int) -> Period:
        """The 15th of the month before to the 14th of `month`."""
        py, pm = _month_before(year, month)
        return cls(date(py, pm, CUTOFF_DAY + 1), date(year, month, CUTOFF_DAY), "monthly")

    @classmethod
    def reporting_quarter(cls, year: int, quarter: int) -> Period:
        """The 15th of the month before the quarter to the 14th of its last month."""
        first = 3 * (quarter - 1) + 1
        py, pm = _month_before(year, first)
        return cls(date(py, pm, CUTOFF_DAY + 1), date(year, first + 2, CUTOFF_DAY),
                   "quarterly")

    @classmethod
    def reporting_year(cls, year: int) -> Period:
        """15 December of the year before to 14 December of `year`."""
        return cls(date(year - 1, 12, CUTOFF_DAY + 1), date(year, 12, CUTOFF_DAY), "yearly")

    @classmethod
    def reporting_month_of(cls, day: date) -> Period:
        """The reporting month `day` falls in: from the 15th on, the next month's."""
        if day.day <= CUTOFF_DAY:
            return cls.reporting_month(day.year, day.month)
        if day.month == 12:
            return cls.reporting_month(day.year + 1, 1)
        return cls.reporting_month(day.year, day.month + 1)

    @classmethod
    def parse(cls, text: str, *, calendar: bool = False) -> Period:
        """"2026-10", "2026-Q3", "2026", or "2026-01-05..2026-02-20" (a range). A month,
        quarter or year is the reporting period unless `calendar` is true."""
        text = (text or "").strip()
        month, quarter, year = ((cls.month, cls.quarter, cls.year) if calendar else
                                (cls.reporting_month, cls.reporting_quarter, cls.reporting_year))
        try:
            if m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
                number, month_number = int(m[1]), int(m[2])
                if not 1 <= month_number <= 12:
                    raise PeriodError(text)
                return month(number, month_number)
            if m := re.fullmatch(r"(\d{4})-[Qq]([1-4])", text):
                return quarter(int(m[1]), int(m[2]))
            if re.fullmatch(r"\d{4}", text):
                return year(int(text))
            if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\s*(?:\.\.|/|–)\s*(\d{4}-\d{2}-\d{2})", text):
                return cls(date.fromisoformat(m[1]), date.fromisoformat(m[2]), "range")
        except ValueError as exc:
            raise PeriodError(
                _("“%(text)s” is not a period like 2026-10, 2026-Q3, 2026 or "
                  "2026-01-01..2026-03-31.") % {"text": text}
            ) from exc
        raise PeriodError(
            _("“%(text)s” is not a period like 2026-10, 2026-Q3, 2026 or "
              "2026-01-01..2026-03-31.") % {"text": text}
        )

    @property
    def basis(self) -> str:
        """"reporting" or "calendar" for a month, quarter or year; "" for a range. Read
        from the days: a reporting period starts on the 15th, a calendar one on the 1st."""
        if self.kind == "range":
            return ""
        return CALENDAR if self.start.day == 1 else REPORTING

    @property
    def code(self) -> str:
        """The text `parse` reads back, with ``calendar=True`` for a calendar period. Named
        by the last day, as a reporting period starts in the month before."""
        if self.kind == "monthly":
            return f"{self.end:%Y-%m}"
        if self.kind == "quarterly":
            return f"{self.end.year}-Q{(self.end.month - 1) // 3 + 1}"
        if self.kind == "yearly":
            return str(self.end.year)
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def slug(self) -> str:
        """A file name's part: the code, with the calendar basis said."""
        code = self.code.replace("..", "_")
        return f"{code}-{CALENDAR}" if self.basis == CALENDAR else code

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """[first instant, first instant after) in the project's time zone."""
        tz = timezone.get_default_timezone()
        return (
            datetime.combine(self.start, time.min, tzinfo=tz),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=tz),
        )

    def lookup(self, field_name: str) -> Q:
        start, end = self.bounds
        return Q(**{f"{field_name}__gte": start, f"{field_name}__lt": end})


# --- Scope ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Scope:
    """The whole province, one handling unit, or one area with its sub-areas."""

    unit: Unit | None = None
    area: Area | None = None

    def __post_init__(self) -> None:
        if self.unit is not None and self.area is not None:
            raise ValueError("A scope is a unit or an area, not both.")

    @property
    def kind(self) -> str:
        return "unit" if self.unit else "area" if self.area else "province"

    def cases(self, via: str = "") -> Q:
        """Cases in scope; `via` is the path to the case ("case__" from an assignment)."""
        if self.unit is not None:
            held = Assignment.objects.filter(unit=self.unit).exclude(
                state=Assignment.State.RETURNED
            ).values("case_id")
            return Q(**{f"{via}pk__in": held})
        if self.area is not None:
            return (
                Q(**{f"{via}area": self.area})
                | Q(**{f"{via}area__parent": self.area})
                | Q(**{f"{via}area__parent__parent": self.area})
            )
        return Q()

    def assignments(self, via: str = "") -> Q:
        """Assignments in scope: the unit's own, or those on cases of the area."""
        if self.unit is not None:
            return Q(**{f"{via}unit": self.unit})
        if self.area is not None:
            return self.cases(f"{via}case__")
        return Q()



def scope_label(scope: Scope) -> str:
    if scope.unit is not None:
        return scope.unit.name
    if scope.area is not None:
        return scope.area.name
    return _("The whole province")


PERIOD_KIND_LABELS = {
    "monthly": gettext_lazy("Monthly"),
    "quarterly": gettext_lazy("Quarterly"),
    "yearly": gettext_lazy("Yearly"),
    "range": gettext_lazy("Any period"),
}
