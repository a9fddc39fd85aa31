"""Bar charts as inline SVG, built as strings on the server: no script, no inline style.

Every label is escaped; colours and sizes are attributes, so the same markup works on the
dashboard under a strict Content-Security-Policy and inside WeasyPrint's PDF.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Contrast >= 4.5:1 against white for the text; the bars are told apart by their legend too.
PALETTE = ("#1f5fa8", "#a4161a", "#6b6b6b", "#2e7d32", "#c25100")
SERIF = "Liberation Serif, Times New Roman, serif"
SANS = "system-ui, Liberation Sans, Arial, sans-serif"


@dataclass(frozen=True)
class Bar:
    """One bar: a label and one value per series (stacked left to right)."""

    label: str
    values: tuple[float, ...]


def _fmt(value: float) -> str:
    return f"{value:g}" if value != int(value) else str(int(value))


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    series: Sequence[str] = (),
    width: int = 640,
    bar_height: int = 18,
    label_width: int = 220,
    font_family: str = SANS,
    max_label_chars: int = 38,
) -> SafeString:
    """A horizontal (stacked) bar chart; the total is written at the end of each bar."""
    gap, top, font = 6, 28, 12
    legend = 22 if len(series) > 1 else 0
    height = top + legend + max(len(bars), 1) * (bar_height + gap) + 4
    plot = width - label_width - 50
    biggest = max((sum(b.values) for b in bars), default=0) or 1
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="{escape(font_family)}" font-size="{font}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" font-weight="bold" fill="#1a1a1a">{escape(title)}</text>',
    ]
    if legend:
        x = 0
        for index, name in enumerate(series):
            colour = PALETTE[index % len(PALETTE)]
            out.append(f'<rect x="{x}" y="{top - 8}" width="10" height="10" fill="{colour}"/>')
            out.append(f'<text x="{x + 14}" y="{top + 1}" fill="#1a1a1a">{escape(name)}</text>')
            x += 24 + 7 * len(name)
    if not bars:
        out.append(f'<text x="0" y="{top + legend + 12}" fill="#4a4a4a">–</text>')
    for row, bar in enumerate(bars):
        y = top + legend + row * (bar_height + gap)
        label = bar.label if len(bar.label) <= max_label_chars else (
            bar.label[: max_label_chars - 1] + "…"
        )
        out.append(
            f'<text x="{label_width - 6}" y="{y + bar_height - 5}" text-anchor="end" '
            f'fill="#1a1a1a">{escape(label)}</text>'
        )
        x = float(label_width)
        for index, value in enumerate(bar.values):
            if value <= 0:
                continue
            w = plot * value / biggest
            out.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_height}" '
                f'fill="{PALETTE[index % len(PALETTE)]}"/>'
            )
            x += w
        out.append(
            f'<text x="{x + 4:.1f}" y="{y + bar_height - 5}" fill="#1a1a1a">'
            f"{_fmt(sum(bar.values))}</text>"
        )
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 — every piece of text above is escaped
