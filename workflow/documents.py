"""Official documents as PDFs: WeasyPrint's rendering and the Decree 30/2020 letterhead, for
the units' reply letters (workflow.reply_letter) and the periodic reports (reports.pdf).

The fixed wording is that of Vietnamese administrative documents (Decree 30/2020/NĐ-CP,
Appendix 1): legal formulae of the document form, printed in Vietnamese whatever the
reader's language, like a letterhead; they are not interface text and do not go through
gettext. Liberation Serif (Times New Roman's metrics) carries every Vietnamese diacritic; it
is set on the page boxes too, or page numbers fall back to another font (STACK.md).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings

NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập – Tự do – Hạnh phúc"
NUMBER_PREFIX = "Số:"
RECIPIENTS = "Nơi nhận:"
ARCHIVE = "Lưu: VT."


def place_and_date(day: date, place: str | None = None) -> str:
    """"Tây Ninh, ngày 05 tháng 11 năm 2026": a zero before days below 10 and months
    below 3 (Decree 30/2020, Appendix I, part II.4)."""
    place = place or settings.PROVINCE.get("place", "")
    dd = f"{day.day:02d}" if day.day < 10 else str(day.day)
    mm = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {dd} tháng {mm} năm {day.year}"


def superior_body() -> str:
    return settings.PROVINCE.get("people_committee", "").upper()


def letterhead(issuer: str, number: str, day: date) -> dict[str, str]:
    """The Decree 30/2020 header: issuing body, national name and motto, number, place, date.
    Templates print it with workflow/pdf/_letterhead.html."""
    return {
        "superior": superior_body(),
        "issuer": issuer.upper(),
        "national_name": NATIONAL_NAME,
        "motto": MOTTO,
        "number": f"{NUMBER_PREFIX} {number}" if number else f"{NUMBER_PREFIX}",
        "place_date": place_and_date(day),
    }


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # heavy import, only where a PDF is made

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
