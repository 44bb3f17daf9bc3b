"""Text tables for the terminal: one width rule (East-Asian wide characters count double)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from crawler.timeutil import KST

if TYPE_CHECKING:  # the table code never loads the scheduler
    from scheduler.status import SourceStatus


def display_width(text: str) -> int:
    """Columns `text` takes in a terminal: wide and fullwidth characters (Hangul, CJK) take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain text table, columns padded to their widest cell, a rule under the headers."""
    cells = [[str(c) for c in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(display_width(row[i]) for row in cells) for i in range(len(headers))]
    lines = [
        "  ".join(
            c + " " * (w - display_width(c)) for c, w in zip(row, widths, strict=True)
        ).rstrip()
        for row in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _when(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "-"
    local = moment.astimezone(KST)
    ago = (now - moment).total_seconds()
    if abs(ago) < 86400:
        return local.strftime("%H:%M:%S")
    return local.strftime("%Y-%m-%d %H:%M")


def _row(row: SourceStatus) -> list[str]:
    last = f"{_when(row.last_run_at, row.now)} {row.last_status}" if row.last_status else "never"
    if not row.enabled:
        next_run = "disabled"
    else:
        next_run = "now" if row.overdue else _when(row.next_run_at, row.now)
    return [
        row.key,
        row.name,
        row.schedule,
        last,
        _when(row.last_success_at, row.now),
        str(row.failures_in_row),
        str(row.added_24h),
        str(row.added_7d),
        next_run,
    ]


def format_status(rows: list[SourceStatus], corpus_files: int, archive: str | None = None) -> str:
    """A text table (times in KST) followed by the corpus size."""
    headers = [
        "source",
        "name",
        "schedule",
        "last run",
        "last success",
        "fails",
        "24h",
        "7d",
        "next run",
    ]
    lines = [table(headers, [_row(row) for row in rows])]
    for row in rows:
        if row.last_status not in (None, "ok", "running") and row.last_error:
            lines.append(f"  ! {row.key}: {row.last_error}")
    for row in rows:
        if row.revised or row.retracted:
            lines.append(f"  {row.key}: {row.revised} revised, {row.retracted} retracted")
    lines.append(f"corpus: {corpus_files} file{'s' if corpus_files != 1 else ''} (times in KST)")
    if archive:
        lines.append(f"archive: {archive}")
    return "\n".join(lines)
