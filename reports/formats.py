"""The fixed wording of the periodic reports (Decree 09/2019, Decree 30/2020/NĐ-CP).

These are legal formulae of the document form, printed in Vietnamese whatever the reader's
language, like a letterhead: they are not interface text and do not go through gettext. The
wording every official document shares (the national name, the motto, the place and date)
is workflow.documents', which the units' reply letters print too.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings

from workflow.documents import (  # noqa: F401 — the shared wording, used as formats.X
    ARCHIVE,
    MOTTO,
    NATIONAL_NAME,
    NUMBER_PREFIX,
    RECIPIENTS,
    place_and_date,
    superior_body,
)

# The body that issues the periodic reports (Art. 13.7); PROVINCE["reporting_body"] wins.
REPORTING_BODY = "Sở Thông tin và Truyền thông"
REPORT_TITLE = "BÁO CÁO"


def reporting_body() -> str:
    return settings.PROVINCE.get("reporting_body") or REPORTING_BODY


def period_phrase(kind: str, start: date, end: date) -> str:
    """The period as a report's title names it: "tháng 10 năm 2026", "quý III năm 2026"."""
    # Named by the last day: a period cut off on the 14th (Decree 09/2019) starts in the
    # month, quarter or year before the one it reports on.
    if kind == "monthly":
        return f"tháng {end.month} năm {end.year}"
    if kind == "quarterly":
        roman = ("I", "II", "III", "IV")[(end.month - 1) // 3]
        return f"quý {roman} năm {end.year}"
    if kind == "yearly":
        return f"năm {end.year}"
    return f"từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"


def period_dates(start: date, end: date) -> str:
    """The days a report counts, as its cover states them (Decree 09/2019, Art. 12):
    "(Số liệu tính từ ngày 15/09/2026 đến ngày 14/10/2026)"."""
    return f"(Số liệu tính từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y})"
