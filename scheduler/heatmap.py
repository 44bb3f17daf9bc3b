"""Inline SVG heat map of the coverage ledger: sources x months, gaps marked, no script."""

from __future__ import annotations

from html import escape

from scheduler.coverage import Cell, SourceCoverage

MAX_MONTHS = 120  # the newest ten years of windows; older months stay in `newsmon coverage`
CELL, GAP_X, LABEL, HEAD = 14, 2, 120, 44
SHADES = ("#c6dbef", "#6baed6", "#2171b5", "#08306b")  # added: 1, 2-4, 5-15, 16+
EMPTY = "#eeeeee"  # reached by a door, nothing added (a finding, not a gap)


def shade(cell: Cell) -> str:
    """The fill of one month: a blue by articles added, grey when reached with none."""
    if cell.added <= 0:
        return EMPTY
    for limit, colour in zip((1, 4, 15), SHADES, strict=False):
        if cell.added <= limit:
            return colour
    return SHADES[-1]


def heat_map(found: list[SourceCoverage]) -> str:
    """One row per source, one column per month (oldest left); a gap is hatched red."""
    months = sorted({c.period for s in found for c in s.months})[-MAX_MONTHS:]
    if not found or not months:
        return '<p class="meta">아직 과거 기사 수집(backfill) 기록이 없습니다</p>'
    width = LABEL + len(months) * (CELL + GAP_X)
    height = HEAD + len(found) * (CELL + GAP_X)
    parts = [
        f'<svg class="heatmap" viewBox="0 0 {width} {height}" width="{width}" height="{height}"'
        ' role="img" aria-label="coverage: sources by month">',
        '<defs><pattern id="gap" width="4" height="4" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="4" height="4" fill="#fff"/>'
        '<line x1="0" y1="0" x2="0" y2="4" stroke="#c62828" stroke-width="2"/></pattern></defs>',
    ]
    parts.extend(_month_labels(months))
    for row, source in enumerate(found):
        parts.append(_row(row, source, months))
    parts.append("</svg>")
    return "".join(parts)


_LABEL_COLUMNS = 6  # columns a "YYYY-MM" label spans


def _month_labels(months: list[str]) -> list[str]:
    labels = []
    for i, month in enumerate(months):
        # A year's first month, and the first column unless a January follows too closely
        # for both labels to fit.
        crowded = any(m.endswith("-01") for m in months[1:_LABEL_COLUMNS])
        if month.endswith("-01") or (i == 0 and not crowded):
            x = LABEL + i * (CELL + GAP_X)
            labels.append(f'<text class="tick" x="{x}" y="{HEAD - 8}">{escape(month)}</text>')
    return labels


def _row(row: int, source: SourceCoverage, months: list[str]) -> str:
    y = HEAD + row * (CELL + GAP_X)
    cells = {c.period: c for c in source.months}
    out = [f'<text class="tick" x="0" y="{y + CELL - 3}">{escape(source.key)}</text>']
    for i, month in enumerate(months):
        cell = cells.get(month)
        if cell is None:
            continue  # outside every window of this source: not asked, not a gap
        x = LABEL + i * (CELL + GAP_X)
        fill = "url(#gap)" if cell.gap else shade(cell)
        kind = "gap" if cell.gap else "reached"
        tip = (
            f"{source.key} {month}: "
            + ("no door reached this month" if cell.gap else
               f"listed {cell.listed}, on topic {cell.on_topic}, added {cell.added}, "
               f"doors {', '.join(cell.doors)}")
        )  # fmt: skip
        out.append(
            f'<rect class="{kind}" data-month="{month}" x="{x}" y="{y}" width="{CELL}" '
            f'height="{CELL}" fill="{fill}"><title>{escape(tip)}</title></rect>'
        )
    return "".join(out)


def heat_legend() -> str:
    """What the colours mean."""
    items = [
        ("url(#gap)", "빈 달: 어떤 경로로도 닿지 못함", "gap"),
        (EMPTY, "닿았지만 추가된 기사 없음", "empty"),
        (SHADES[0], "추가 1건", ""),
        (SHADES[-1], "추가 16건 이상", ""),
    ]
    rows = []
    for fill, label, kind in items:
        swatch = (
            '<svg width="14" height="14"><rect width="14" height="14" fill="#fff" '
            'stroke="#c62828" stroke-dasharray="2 2"/></svg>'
            if kind == "gap"
            else f'<svg width="14" height="14"><rect width="14" height="14" fill="{fill}"/></svg>'
        )
        rows.append(f"<li>{swatch} {escape(label)}</li>")
    return f'<ul class="legend">{"".join(rows)}</ul>'
