"""Inline SVG line chart: new articles per day, one polyline per source, no script, no assets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from html import escape

WIDTH, HEIGHT = 960, 280
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 34
# Okabe-Ito and Tableau colours: distinguishable, also for the colour-blind; dashes beyond them.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#F0E442",
    "#000000",
    "#8C564B",
    "#7F7F7F",
    "#BCBD22",
    "#17BECF",
)
DASHES = ("", "6 3", "2 3")


def series_style(index: int) -> tuple[str, str]:
    """(stroke colour, dash pattern) of the index-th series."""
    return PALETTE[index % len(PALETTE)], DASHES[(index // len(PALETTE)) % len(DASHES)]


def nice_ceiling(value: int) -> int:
    """The smallest 1/2/5 × 10^n at or above `value` (at least 1): a readable axis top."""
    top = max(1, value)
    scale = 1
    while True:
        for step in (1, 2, 5):
            if step * scale >= top:
                return step * scale
        scale *= 10


def _x(index: int, count: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return LEFT + (span * index / (count - 1) if count > 1 else span / 2)


def _y(value: int, top: int) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / top)


def _axes(days: Sequence[date], top: int) -> list[str]:
    parts = []
    for value in (0, top // 2, top) if top > 1 else (0, top):
        y = _y(value, top)
        parts.append(
            f'<line class="grid" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}"/>'
        )
        parts.append(
            f'<text class="tick" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{value}</text>'
        )
    last = len(days) - 1
    for index, day in enumerate(days):
        if index % 5 == 0 or index == last:
            anchor = "end" if index == last else "middle"  # the last label stays inside
            parts.append(
                f'<text class="tick" x="{_x(index, len(days)):.1f}" '
                f'y="{HEIGHT - BOTTOM + 18}" text-anchor="{anchor}">'
                f"{day.month}/{day.day}</text>"
            )
    return parts


def line_chart(
    days: Sequence[date], series: Mapping[str, Sequence[int]], names: Mapping[str, str]
) -> str:
    """An <svg> with one `polyline.series` per entry of `series` (key -> count per day)."""
    top = nice_ceiling(max((max(values, default=0) for values in series.values()), default=0))
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="하루 새 기사 수, 출처별">',
        *_axes(days, top),
    ]
    for index, (key, values) in enumerate(series.items()):
        colour, dash = series_style(index)
        points = " ".join(f"{_x(i, len(days)):.1f},{_y(v, top):.1f}" for i, v in enumerate(values))
        label = escape(f"{names.get(key, key)}: {sum(values)}")
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<polyline class="series" data-source="{escape(key)}" points="{points}" '
            f'fill="none" stroke="{colour}" stroke-width="2"{dashed}>'
            f"<title>{label}</title></polyline>"
        )
    parts.append("</svg>")
    return "".join(parts)


def legend(series: Mapping[str, Sequence[int]], names: Mapping[str, str]) -> str:
    """The chart's key as an HTML list: a swatch per series, the outlet and its total."""
    items = []
    for index, (key, values) in enumerate(series.items()):
        colour, dash = series_style(index)
        style = f"border-top: 3px {'dashed' if dash else 'solid'} {colour}"
        items.append(
            f'<li><span class="swatch" style="{style}"></span>'
            f"{escape(names.get(key, key))} <small>{sum(values)}</small></li>"
        )
    return f'<ul class="legend">{"".join(items)}</ul>'
