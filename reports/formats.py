"""The fixed wording of Vietnamese administrative documents (Decree 30/2020/NĐ-CP, Appendix 1).

These are legal formulae of the document form, printed in Vietnamese whatever the reader's
language, like a letterhead: they are not interface text and do not go through gettext.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings

NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập – Tự do – Hạnh phúc"
NUMBER_PREFIX = "Số:"
DEAR = "Kính gửi:"
RECIPIENTS = "Nơi nhận:"
DEFAULT_ADDRESSEE = "Quý cá nhân/tổ chức"
DEFAULT_SIGNER_TITLE = "THỦ TRƯỞNG ĐƠN VỊ"
ARCHIVE = "Lưu: VT."
DEFAULT_RECIPIENTS = ("Như trên;", ARCHIVE)
# Appendix 1 of the regulation, word for word around the unit's own reply.
REPLY_OPENING = (
    "%(unit)s xin thông báo kết quả xử lý phản ánh, kiến nghị của %(addressee)s như sau:"
)
REPLY_THANKS = (
    "Chúng tôi cảm ơn cá nhân/tổ chức và mong tiếp tục nhận được phản ánh, kiến nghị."
)
REPLY_CLOSING = "Trân trọng./."
# The body that issues the periodic reports (Art. 13.7); PROVINCE["reporting_body"] wins.
REPORTING_BODY = "Sở Thông tin và Truyền thông"
REPORT_TITLE = "BÁO CÁO"


def place_and_date(day: date, place: str | None = None) -> str:
    """"Tây Ninh, ngày 05 tháng 11 năm 2026": a zero before days below 10 and months
    below 3 (Decree 30/2020, Appendix I, part II.4)."""
    place = place or settings.PROVINCE.get("place", "")
    dd = f"{day.day:02d}" if day.day < 10 else str(day.day)
    mm = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {dd} tháng {mm} năm {day.year}"


def superior_body() -> str:
    return settings.PROVINCE.get("people_committee", "").upper()


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
