"""Inline SVG charts for the self-contained HTML pages (round report, policy dashboard).

Strings in, one ``<svg>`` element out: no script, font or stylesheet fetched, so a page
reads the same opened from a shared drive or an e-mail, offline. Every label and value
text is escaped here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

__all__ = ["SERIES_COLOURS", "Bar", "bar_chart", "column_chart"]

SERIES_COLOURS = ("#2f6f9f", "#d9822b")
"""Bar colours by series (the first is the single-series colour)."""
_FLAGGED = "#c0392b"
_ROW = 22  # px per bar
_LABEL = 220  # px for the labels left of the bars
_WIDTH = 640


@dataclass(frozen=True)
class Bar:
    """One bar of :func:`bar_chart`.

    Attributes
    ----------
    label : str
        Shown left of the bar (cut to 34 characters; whole in the tooltip). An empty label
        continues the group of the bar above (a second series).
    value : float or None
        Bar length in the chart's units; None draws no bar, only ``text`` (a withheld count
        is never drawn as zero).
    text : str
        Shown right of the bar.
    flagged : bool
        Drawn in red.
    series : int
        Index into :data:`SERIES_COLOURS`.
    """

    label: str
    value: float | None
    text: str
    flagged: bool = False
    series: int = 0


def bar_chart(bars: Sequence[Bar], maximum: float) -> str:
    """A horizontal bar chart.

    Parameters
    ----------
    bars : sequence of Bar
        Top to bottom.
    maximum : float
        The value of a full-width bar.

    Returns
    -------
    str
        One ``<svg>`` element.
    """
    height = _ROW * len(bars) + 4
    span = _WIDTH - _LABEL - 80
    parts = [f'<svg width="{_WIDTH}" height="{height}" role="img" viewBox="0 0 {_WIDTH} {height}">']
    for i, bar in enumerate(bars):
        y = i * _ROW + 2
        value = 0.0 if bar.value is None else bar.value
        width = 0.0 if maximum <= 0 else span * value / maximum
        colour = _FLAGGED if bar.flagged else SERIES_COLOURS[bar.series]
        tooltip = escape(bar.label or "")
        parts.append(
            f'<text x="{_LABEL - 6}" y="{y + 15}" text-anchor="end">{escape(bar.label[:34])}</text>'
        )
        if bar.value is not None:
            parts.append(
                f'<rect x="{_LABEL}" y="{y + 3}" width="{width:.1f}" height="{_ROW - 6}" '
                f'fill="{colour}"><title>{tooltip}: {escape(bar.text)}</title></rect>'
            )
        style = "" if bar.value is not None else ' font-style="italic" fill="#666"'
        parts.append(
            f'<text x="{_LABEL + width + 4:.1f}" y="{y + 15}"{style}>{escape(bar.text)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def column_chart(counts: Sequence[int], edges: Sequence[float]) -> str:
    """A histogram as vertical bars with the bin edges below.

    Parameters
    ----------
    counts : sequence of int
        One count per bin.
    edges : sequence of float
        ``len(counts) + 1`` bin edges.

    Returns
    -------
    str
        One ``<svg>`` element.
    """
    height, base, step = 180, 150, (_WIDTH - 40) / max(len(counts), 1)
    top = max(counts, default=0) or 1
    bar = SERIES_COLOURS[0]
    parts = [f'<svg width="{_WIDTH}" height="{height}" role="img" viewBox="0 0 {_WIDTH} {height}">']
    for i, count in enumerate(counts):
        h = (base - 20) * count / top
        x = 20 + i * step
        parts.append(
            f'<rect x="{x + 2:.1f}" y="{base - h:.1f}" width="{step - 4:.1f}" height="{h:.1f}" '
            f'fill="{bar}"><title>{edges[i]:.1f}-{edges[i + 1]:.1f}: {count}</title></rect>'
            f'<text x="{x + step / 2:.1f}" y="{base - h - 4:.1f}" text-anchor="middle">{count}'
            f'</text><text x="{x:.1f}" y="{base + 16}" text-anchor="middle">{edges[i]:.1f}</text>'
        )
    parts.append(
        f'<text x="{20 + len(counts) * step:.1f}" y="{base + 16}" text-anchor="middle">'
        f"{edges[-1]:.1f}</text></svg>"
    )
    return "".join(parts)
