"""Run-history queries the scheduler needs over crawl_runs and articles; never commits."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from db import repository
from db.models import Article, CrawlRun, RunStatus

FAILED_STATUSES = ("failed", "timeout", "killed")
FINISHED_STATUSES = ("ok", *FAILED_STATUSES)


def last_started(session: Session, source: str) -> datetime | None:
    """When the latest run of `source` started, None if never crawled.

    A run that was killed (a daemon stopped or restarted under it) does not count: the
    source is due again at once rather than one whole interval later.
    """
    query = select(func.max(CrawlRun.started_at)).where(
        CrawlRun.source == source, CrawlRun.status != "killed"
    )
    return session.scalar(query)


def last_run(session: Session, source: str) -> CrawlRun | None:
    """The latest run of `source`."""
    runs = repository.recent_runs(session, source, limit=1)
    return runs[0] if runs else None


def last_success(session: Session, source: str) -> CrawlRun | None:
    """The latest run of `source` that ended ok."""
    query = (
        select(CrawlRun)
        .where(CrawlRun.source == source, CrawlRun.status == "ok")
        .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc())
        .limit(1)
    )
    return session.scalar(query)


def mark_stale_runs(session: Session, started_before: datetime, reason: str) -> int:
    """Runs still 'running' that began before `started_before` (a dead daemon's) -> 'killed'."""
    query = (
        update(CrawlRun)
        .where(CrawlRun.status == "running", CrawlRun.started_at < started_before)
        .values(
            status="killed",
            error_reason=reason,
            finished_at=func.coalesce(CrawlRun.finished_at, started_before),
        )
    )
    return int(session.execute(query).rowcount)  # type: ignore[attr-defined]


def running_before(session: Session, source: str, before: datetime) -> CrawlRun | None:
    """The oldest run of `source` begun before `before` and still 'running'."""
    query = (
        select(CrawlRun)
        .where(
            CrawlRun.source == source,
            CrawlRun.status == "running",
            CrawlRun.started_at < before,
        )
        .order_by(CrawlRun.started_at)
        .limit(1)
    )
    return session.scalar(query)


def settled_since(session: Session, source: str, since: datetime) -> bool:
    """`source` has runs begun at or after `since`, none of them still 'running'."""
    query = select(func.count(), func.count().filter(CrawlRun.status == "running")).where(
        CrawlRun.source == source, CrawlRun.started_at >= since
    )
    runs, running = session.execute(query).one()
    return bool(runs) and not running


def abandon_run(session: Session, run: CrawlRun, reason: str, now: datetime) -> None:
    """Close a run nobody will finish (its process is out of reach and past any time limit)."""
    run.status = "killed"
    run.error_reason = reason
    run.finished_at = now
    session.flush()


def close_open_runs(
    session: Session, source: str, since: datetime, status: RunStatus, reason: str, now: datetime
) -> int:
    """Close the runs of `source` begun since `since` that a stopped child left 'running'.

    A child stopped at its timeout may have closed its own run as 'killed' (it saw only the
    signal): the daemon knows better, so that run is a timeout too.
    """
    left = ("running", "killed") if status == "timeout" else ("running",)
    query = (
        update(CrawlRun)
        .where(CrawlRun.source == source, CrawlRun.status.in_(left), CrawlRun.started_at >= since)
        .values(status=status, error_reason=reason, finished_at=now)
    )
    return int(session.execute(query).rowcount)  # type: ignore[attr-defined]


def runs_since(session: Session, source: str, since: datetime) -> int:
    """How many runs of `source` started at or after `since`."""
    query = select(func.count()).where(CrawlRun.source == source, CrawlRun.started_at >= since)
    return int(session.scalar(query) or 0)


def record_run(
    session: Session,
    source: str,
    started_at: datetime,
    status: RunStatus,
    counts: Mapping[str, int],
    reason: str | None,
    now: datetime,
) -> CrawlRun:
    """Insert a finished run the child could not write itself (it died before its first write)."""
    run = repository.start_run(session, source, started_at)
    return repository.finish_run(session, run, status, counts, reason, finished_at=now)


def failure_streak(
    session: Session, source: str, before: datetime | None = None, limit: int = 1000
) -> int:
    """How many of the latest finished runs of `source` (begun before `before`) failed in a row."""
    query = (
        select(CrawlRun.status)
        .where(CrawlRun.source == source, CrawlRun.status.in_(FINISHED_STATUSES))
        .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc())
        .limit(limit)
    )
    if before is not None:
        query = query.where(CrawlRun.started_at < before)
    streak = 0
    for status in session.scalars(query):
        if status not in FAILED_STATUSES:
            break
        streak += 1
    return streak


def adding_run_times(session: Session, source: str, limit: int = 50) -> list[datetime]:
    """Start times of the latest runs of `source` that added articles, oldest first."""
    query = (
        select(CrawlRun.started_at)
        .where(CrawlRun.source == source, CrawlRun.added > 0)
        .order_by(CrawlRun.started_at.desc())
        .limit(limit)
    )
    return sorted(session.scalars(query))


def previous_run_start(session: Session, source: str, before: datetime) -> datetime | None:
    """When the run of `source` before the one started at `before` started."""
    query = select(func.max(CrawlRun.started_at)).where(
        CrawlRun.source == source, CrawlRun.started_at < before
    )
    return session.scalar(query)


def articles_by_files(session: Session, file_names: Sequence[str]) -> list[Article]:
    """The article rows of these corpus files, in seq order (unknown names are skipped)."""
    if not file_names:
        return []
    query = select(Article).where(Article.file_name.in_(list(file_names))).order_by(Article.seq)
    return list(session.scalars(query))


def articles_added(session: Session, source: str, since: datetime) -> int:
    """How many articles of `source` were stored at or after `since`."""
    query = select(func.count()).where(Article.source == source, Article.fetched_at >= since)
    return int(session.scalar(query) or 0)


def previous_fallback(session: Session, source: str, before: datetime) -> str | None:
    """The fallback record (JSON) of the latest run of `source` begun before `before`."""
    query = (
        select(CrawlRun.fallback)
        .where(CrawlRun.source == source, CrawlRun.started_at < before)
        .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc())
        .limit(1)
    )
    return session.scalar(query)
