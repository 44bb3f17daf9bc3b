"""Pure: a backfill's date window (KST days) and the ledger's periods (months, recent days)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from crawler.timeutil import KST

RECENT_DAYS = 90  # the ledger keeps days as well as months this far back


@dataclass(frozen=True)
class Window:
    """Publication days from `start` to `end`, both included, in Korean time."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"--until {self.end} is before --since {self.start}")

    def contains(self, moment: datetime) -> bool:
        return self.start <= kst_day(moment) <= self.end

    def months(self) -> list[str]:
        """'YYYY-MM' of every month the window touches, newest first (the walk's order)."""
        return months_between(self.start, self.end)

    def month_days(self, month: str) -> tuple[date, date]:
        """The first and last day of `month` inside the window."""
        first = date.fromisoformat(month + "-01")
        last = next_month(first) - timedelta(days=1)
        return max(first, self.start), min(last, self.end)


def kst_day(moment: datetime) -> date:
    return moment.astimezone(KST).date()


def month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def months_between(first: date, last: date) -> list[str]:
    """Months from `last` back to `first` (both included), newest first."""
    if last < first:
        return []
    found = []
    cursor = date(last.year, last.month, 1)
    while cursor >= date(first.year, first.month, 1):
        found.append(month_key(cursor))
        cursor = (cursor - timedelta(days=1)).replace(day=1)
    return found


def periods(day: date, today: date) -> tuple[str, ...]:
    """The ledger periods a day counts in: its month, and the day itself when recent."""
    if today - day <= timedelta(days=RECENT_DAYS):
        return month_key(day), day.isoformat()
    return (month_key(day),)
