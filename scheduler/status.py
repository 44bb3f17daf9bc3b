"""`newsmon status`: per source last run, last success, failure streak, additions, next run."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from crawler.config import AppConfig
from crawler.sources import Source
from db.corpus import NAME_PATTERN
from db.session import open_database
from scheduler import history, timing
from scheduler.daemon import next_after

KST = ZoneInfo("Asia/Seoul")


@dataclass(frozen=True)
class SourceStatus:
    """What the run history says about one source."""

    key: str
    name: str
    enabled: bool
    schedule: str
    last_run_at: datetime | None
    last_status: str | None
    last_error: str | None
    last_success_at: datetime | None
    failures_in_row: int
    added_24h: int
    added_7d: int
    next_run_at: datetime | None
    now: datetime

    @property
    def overdue(self) -> bool:
        """Due now (never crawled, or its next run is in the past)."""
        return self.enabled and self.next_run_at is not None and self.next_run_at <= self.now

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: ISO 8601 UTC times; next_run is "now" when due."""
        def iso(moment: datetime | None) -> str | None:
            return moment.astimezone(UTC).isoformat(timespec="seconds") if moment else None

        return {
            "key": self.key, "name": self.name, "enabled": self.enabled,
            "schedule": self.schedule, "last_run": iso(self.last_run_at),
            "last_status": self.last_status, "last_error": self.last_error,
            "last_success": iso(self.last_success_at), "failures_in_row": self.failures_in_row,
            "added_24h": self.added_24h, "added_7d": self.added_7d,
            "next_run": "now" if self.overdue else iso(self.next_run_at),
        }


def schedule_text(source: Source) -> str:
    """'every 15m' or 'cron */10 * * * *'."""
    return f"cron {source.cron}" if source.cron else f"every {source.every}"


def source_status(session: Session, source: Source, now: datetime) -> SourceStatus:
    """One source's status from crawl_runs and articles."""
    last = history.last_run(session, source.key)
    success = history.last_success(session, source.key)
    started = history.last_started(session, source.key)
    next_run = timing.first_run_at(now, started, next_after(source)) if source.enabled else None
    return SourceStatus(
        key=source.key, name=source.name, enabled=source.enabled, schedule=schedule_text(source),
        last_run_at=last.started_at if last else None, last_status=last.status if last else None,
        last_error=last.error_reason if last else None,
        last_success_at=success.started_at if success else None,
        failures_in_row=history.failure_streak(session, source.key),
        added_24h=history.articles_added(session, source.key, now - timedelta(days=1)),
        added_7d=history.articles_added(session, source.key, now - timedelta(days=7)),
        next_run_at=next_run, now=now,
    )


def collect_status(config: AppConfig, now: datetime | None = None) -> list[SourceStatus]:
    """The status of every configured source (next run as the daemon would schedule it)."""
    now = now or datetime.now(UTC)
    database = open_database(config.database.url)
    try:
        with database.session() as session:
            return [source_status(session, source, now) for source in config.sources]
    finally:
        database.close()


def corpus_size(config: AppConfig) -> int:
    """How many NNN_<hash>.txt files the corpus folder holds (0 when it does not exist)."""
    folder = config.corpus.dir
    if not folder.is_dir():
        return 0
    return sum(
        1 for path in folder.iterdir() if NAME_PATTERN.match(path.name) and _regular(path)
    )


def _regular(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


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
    return [row.key, row.name, row.schedule, last, _when(row.last_success_at, row.now),
            str(row.failures_in_row), str(row.added_24h), str(row.added_7d), next_run]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_status(rows: list[SourceStatus], corpus_files: int) -> str:
    """A text table (times in KST) followed by the corpus size."""
    headers = ["source", "name", "schedule", "last run", "last success", "fails",
               "24h", "7d", "next run"]
    cells = [headers, *(_row(row) for row in rows)]
    widths = [max(_width(line[i]) for line in cells) for i in range(len(headers))]
    lines = ["  ".join(_pad(c, w) for c, w in zip(line, widths, strict=True)).rstrip()
             for line in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    for row in rows:
        if row.last_status not in (None, "ok", "running") and row.last_error:
            lines.append(f"  ! {row.key}: {row.last_error}")
    lines.append(f"corpus: {corpus_files} file{'s' if corpus_files != 1 else ''} (times in KST)")
    return "\n".join(lines)
