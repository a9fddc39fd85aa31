"""How the reports write a fraction or an average: rounded half-up to one decimal.

The page, the PDF, the workbook and the public statistics all round here, so 2/3 reads
66,7 % everywhere. Django's number_format cuts a float's digits (66,6 %), and Python's
round() rounds half to even on binary values (1,25 → 1,2): neither is what a reader expects.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats

TENTH = Decimal("0.1")


def one_decimal(value: float | int | Decimal) -> Decimal:
    """`value` rounded half-up to one decimal. A float is read as its shortest decimal
    spelling (repr), so 1.25 computed as 1.2500000000000002 still counts as a half."""
    exact = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    return exact.quantize(TENTH, rounding=ROUND_HALF_UP)


def decimal_text(value: float | int | Decimal | None) -> str:
    """One decimal in the reader's format (66,7 in Vietnamese); "–" for no value."""
    return "–" if value is None else formats.number_format(one_decimal(value), 1)


def percent(rate: float | None) -> str:
    """A rate (a fraction) as a percentage: 2/3 → "66,7 %"; "–" for no rate."""
    return "–" if rate is None else f"{decimal_text(rate_percent(rate))} %"


def rate_percent(rate: float) -> Decimal:
    """A fraction as a percentage rounded to one decimal: the number every report shows."""
    return one_decimal(Decimal(repr(float(rate))) * 100)


def workbook_rate(rate: float | None) -> float | None:
    """The fraction a workbook stores under the 0.0% format: the rounded percentage over
    100, so every spreadsheet shows what the page and the PDF show."""
    return None if rate is None else float(rate_percent(rate) / 100)
