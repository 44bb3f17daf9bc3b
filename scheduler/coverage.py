"""The coverage ledger as a researcher reads it: per source and month, what the doors reached.

A month inside a backfill's window that no door reached is a gap; a month a door listed with
nothing on topic is not (its zero is a finding, not a hole).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from crawler.backfill.window import RECENT_DAYS, month_key, months_between
from crawler.config import AppConfig
from crawler.timeutil import KST
from db import backfill as records
from db.session import Database, open_database

COUNTS = ("listed", "fetched", "on_topic", "added")


@dataclass
class Cell:
    """One source's month (or day): the doors' counts summed, the corpus's own count."""

    period: str
    listed: int = 0
    fetched: int = 0
    on_topic: int = 0
    added: int = 0
    corpus: int = 0  # corpus articles of the source published then, whoever added them
    doors: list[str] = field(default_factory=list)

    @property
    def gap(self) -> bool:
        return not self.doors

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "gap": self.gap}


@dataclass
class SourceCoverage:
    key: str
    months: list[Cell]  # newest first, every month of every backfill window of the source
    days: list[Cell]  # the last RECENT_DAYS days inside those windows, newest first

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "months": [c.as_dict() for c in self.months],
            "days": [c.as_dict() for c in self.days],
        }


def coverage(session: Session, keys: list[str] | None, today: date) -> list[SourceCoverage]:
    """The ledger of every backfilled source (or of `keys`)."""
    spans: dict[str, list[tuple[date, date]]] = defaultdict(list)
    for job in records.jobs(session):
        if keys is None or job.source in keys:
            spans[job.source].append((job.window_start, min(job.window_end, today)))
    cells: dict[tuple[str, str], Cell] = {}
    for row in records.coverage_cells(session):
        cell = cells.setdefault((row.source, row.period), Cell(row.period))
        for name in COUNTS:
            setattr(cell, name, getattr(cell, name) + getattr(row, name))
        cell.doors.append(row.door)
    corpus: Counter[tuple[str, str]] = Counter()
    # only articles the windows can show (a day early: a KST day starts at 15:00 UTC before)
    first = min((start for windows in spans.values() for start, _ in windows), default=today)
    since = datetime.combine(first - timedelta(days=1), time(), tzinfo=UTC)
    for source, published in records.published_dates(session, list(spans), since):
        day = published.astimezone(KST).date()
        corpus[(source, month_key(day))] += 1
        corpus[(source, day.isoformat())] += 1
    return [_source(key, spans[key], cells, corpus, today) for key in sorted(spans)]


def _source(
    key: str,
    spans: list[tuple[date, date]],
    cells: dict[tuple[str, str], Cell],
    corpus: Counter[tuple[str, str]],
    today: date,
) -> SourceCoverage:
    months = sorted({m for first, last in spans for m in months_between(first, last)}, reverse=True)
    recent = today - timedelta(days=RECENT_DAYS)
    days = sorted(
        {
            (first + timedelta(days=n)).isoformat()
            for first, last in spans
            for n in range((last - max(first, recent)).days + 1)
            if first + timedelta(days=n) >= recent
        },
        reverse=True,
    )
    return SourceCoverage(key, _cells(key, months, cells, corpus), _cells(key, days, cells, corpus))


def _cells(
    key: str, periods: list[str], cells: dict[tuple[str, str], Cell], corpus: Counter[Any]
) -> list[Cell]:
    out = []
    for period in periods:
        cell = cells.get((key, period)) or Cell(period)
        cell.corpus = corpus[(key, period)]
        out.append(cell)
    return out


def coverage_from(database: Database, keys: list[str] | None = None) -> list[SourceCoverage]:
    today = datetime.now(KST).date()
    with database.session() as session:
        return coverage(session, keys, today)


def collect_coverage(config: AppConfig, keys: list[str] | None = None) -> list[SourceCoverage]:
    database = open_database(config.database.url)
    try:
        return coverage_from(database, keys)
    finally:
        database.close()
