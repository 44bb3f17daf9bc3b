"""Time zones and clocks: KST for parsing and display, timezone-aware UTC for storage."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

# Korean outlets stamp their pages in Korean time; the database stores UTC.
KST = ZoneInfo("Asia/Seoul")


def utc_now() -> datetime:
    """The real clock, timezone-aware UTC (tests pass their own clocks)."""
    return datetime.now(UTC)
