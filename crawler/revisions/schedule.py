"""The re-check schedule (pure): which slot comes next, and spreading a backlog per host."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta


def next_slot(
    fetched_at: datetime, slots: Sequence[float], now: datetime, after: int
) -> tuple[int, datetime] | None:
    """The first slot after index `after` that is still ahead of `now`, with its due time, or
    None when the schedule is over. Slots missed while nothing ran are skipped: one request
    catches up on all of them, never one per missed slot."""
    for index in range(after + 1, len(slots)):
        due_at = fetched_at + timedelta(seconds=slots[index])
        if due_at > now:
            return index, due_at
    return None
