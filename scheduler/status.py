"""`newsmon status` and the daemon's status page: per source runs, badges; newest files, days."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from corpus_folder.fs import counted_files
from corpus_folder.store import NAME_PATTERN
from crawler.capture.size import ArchiveSize, archive_size
from crawler.config import AlertsConfig, AppConfig
from crawler.sources import Source
from crawler.timeutil import KST, utc_now
from db import activity, captures, history, leadership, revisions
from db.migrate import open_current
from db.session import Database
from scheduler import timing
from scheduler.coverage import SourceCoverage, coverage

NEWEST_ARTICLES = 50
CHART_DAYS = 30


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat(timespec="seconds") if moment else None


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
    last_new_article_at: datetime | None = None
    badge: str | None = None  # "broken" / "silent", on the alerts' own conditions
    revised: int = 0  # articles the outlet changed after they were stored
    retracted: int = 0  # articles the outlet took down

    @property
    def overdue(self) -> bool:
        """Due now (never crawled, or its next run is in the past)."""
        return self.enabled and self.next_run_at is not None and self.next_run_at <= self.now

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: ISO 8601 UTC times; next_run is "now" when due."""
        iso = _iso
        return {
            "key": self.key,
            "name": self.name,
            "enabled": self.enabled,
            "schedule": self.schedule,
            "last_run": iso(self.last_run_at),
            "last_status": self.last_status,
            "last_error": self.last_error,
            "last_success": iso(self.last_success_at),
            "failures_in_row": self.failures_in_row,
            "added_24h": self.added_24h,
            "added_7d": self.added_7d,
            "next_run": "now" if self.overdue else iso(self.next_run_at),
            "last_new_article": iso(self.last_new_article_at),
            "badge": self.badge,
            "revised": self.revised,
            "retracted": self.retracted,
        }


def schedule_text(source: Source) -> str:
    """'every 15m' or 'cron */10 * * * *'."""
    return f"cron {source.cron}" if source.cron else f"every {source.every}"


def badge(
    streak: int, adding_times: list[datetime], alerts: AlertsConfig, now: datetime
) -> str | None:
    """'broken' once the failure alert has fired, 'silent' once the silence alert has."""
    if streak >= max(1, alerts.failures_before_alert):
        return "broken"
    last_added = max(adding_times) if adding_times else None
    limit = timing.silence_threshold(
        last_added, timing.usual_gap(adding_times), alerts.silent_factor
    )
    return "silent" if limit is not None and now >= limit else None


def source_status(
    session: Session,
    source: Source,
    now: datetime,
    alerts: AlertsConfig | None = None,
    last_article: datetime | None = None,
    changed: dict[str, int] | None = None,
) -> SourceStatus:
    """One source's status from crawl_runs and articles."""
    alerts = alerts or AlertsConfig()
    last = history.last_run(session, source.key)
    success = history.last_success(session, source.key)
    started = history.last_started(session, source.key)
    next_run = (
        timing.first_run_at(now, started, timing.next_after(source)) if source.enabled else None
    )
    streak = history.failure_streak(session, source.key)
    flag = badge(streak, history.adding_run_times(session, source.key), alerts, now)
    return SourceStatus(
        key=source.key,
        name=source.name,
        enabled=source.enabled,
        schedule=schedule_text(source),
        last_run_at=last.started_at if last else None,
        last_status=last.status if last else None,
        last_error=last.error_reason if last else None,
        last_success_at=success.started_at if success else None,
        failures_in_row=streak,
        added_24h=history.articles_added(session, source.key, now - timedelta(days=1)),
        added_7d=history.articles_added(session, source.key, now - timedelta(days=7)),
        next_run_at=next_run,
        now=now,
        last_new_article_at=last_article,
        badge=flag if source.enabled else None,
        revised=(changed or {}).get("revised", 0),
        retracted=(changed or {}).get("retracted", 0),
    )


def source_statuses(session: Session, config: AppConfig, now: datetime) -> list[SourceStatus]:
    """The status of every configured source (next run as the daemon would schedule it)."""
    last_articles = activity.last_article_times(session)
    changed = revisions.counts_by_source(session)
    return [
        source_status(
            session,
            source,
            now,
            config.alerts,
            last_articles.get(source.key),
            changed.get(source.key),
        )
        for source in config.sources
    ]


def collect_status(config: AppConfig, now: datetime | None = None) -> list[SourceStatus]:
    """`source_statuses` in a session of its own."""
    now = now or utc_now()
    database = open_current(config.database.url)
    try:
        with database.session() as session:
            return source_statuses(session, config, now)
    finally:
        database.close()


@dataclass(frozen=True)
class ArticleRow:
    """One of the newest corpus files."""

    file_name: str
    source: str | None
    outlet: str
    headline: str
    url: str | None
    fetched_at: datetime
    published_at: datetime | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file_name,
            "source": self.source,
            "outlet": self.outlet,
            "headline": self.headline,
            "url": self.url,
            "fetched_at": _iso(self.fetched_at),
            "published_at": _iso(self.published_at),
        }


@dataclass(frozen=True)
class LeaderInfo:
    """The daemon that schedules (PostgreSQL); `active` while it holds the role."""

    host: str
    pid: int
    since: datetime | None
    active: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "host": self.host,
            "pid": self.pid,
            "since": _iso(self.since),
            "active": self.active,
        }

    def describe(self) -> str:
        since = self.since.astimezone(KST).strftime("%Y-%m-%d %H:%M:%S KST") if self.since else "?"
        if self.active:
            return f"Active daemon: {self.host}, pid {self.pid}, since {since}"
        return f"No active daemon (the last one: {self.host}, pid {self.pid}, from {since})"


def leader_info(session: Session) -> LeaderInfo | None:
    """Who leads, from the `daemon_leader` row and its lock; None with SQLite or never led."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    row, held = leadership.current(session)
    if row is None:
        return None
    return LeaderInfo(row.host, row.pid, row.since, held and bool(row.holder))


@dataclass(frozen=True)
class StatusReport:
    """Everything `newsmon status --json`, `GET /api/status` and the status page show."""

    generated_at: datetime
    sources: list[SourceStatus]
    corpus_files: int
    articles: list[ArticleRow]
    days: list[date]  # KST calendar days, oldest first
    daily: dict[str, list[int]]  # source key -> new articles on each of `days`
    leader: LeaderInfo | None = None
    coverage: list[SourceCoverage] = field(default_factory=list)  # the backfill ledger
    archive: ArchiveSize | None = None  # WARC captures: files, bytes, records indexed

    def as_dict(self) -> dict[str, Any]:
        return {
            "generated_at": _iso(self.generated_at),
            "leader": self.leader.as_dict() if self.leader else None,
            "corpus_files": self.corpus_files,
            "archive": self.archive.as_dict() if self.archive is not None else None,
            "sources": [row.as_dict() for row in self.sources],
            "articles": [row.as_dict() for row in self.articles],
            "daily": {"days": [day.isoformat() for day in self.days], "series": self.daily},
            "coverage": [source.as_dict() for source in self.coverage],
        }


def newest_articles(
    session: Session, config: AppConfig, limit: int = NEWEST_ARTICLES
) -> list[ArticleRow]:
    """The newest corpus files with their outlet's name."""
    names = {source.key: source.name for source in config.sources}
    return [
        ArticleRow(
            a.file_name,
            a.source,
            names.get(a.source or "", a.source or "-"),
            a.headline,
            a.url,
            a.fetched_at,
            a.published_at,
        )
        for a in activity.newest_articles(session, limit)
    ]


def daily_series(
    session: Session, config: AppConfig, now: datetime, days: int = CHART_DAYS
) -> tuple[list[date], dict[str, list[int]]]:
    """New articles per KST day (the last `days`, today included), one series per source."""
    today = now.astimezone(KST).date()
    calendar = [today - timedelta(days=n) for n in range(days - 1, -1, -1)]
    since = datetime.combine(calendar[0], time(), tzinfo=KST)
    counts = activity.daily_additions(session, since)
    series = {
        source.key: [counts.get((source.key, day.isoformat()), 0) for day in calendar]
        for source in config.sources
    }
    return calendar, series


def build_report(session: Session, config: AppConfig, now: datetime) -> StatusReport:
    """The whole report from one session (the corpus size is read from the folder)."""
    days, daily = daily_series(session, config, now)
    return StatusReport(
        generated_at=now,
        sources=source_statuses(session, config, now),
        corpus_files=corpus_size(config),
        articles=newest_articles(session, config),
        days=days,
        daily=daily,
        leader=leader_info(session),
        coverage=coverage(session, None, now.astimezone(KST).date()),
        archive=archive_size(
            config.archive.directory(config.corpus.dir), captures.archive_counts(session)[0]
        ),
    )


def report_from(database: Database, config: AppConfig, now: datetime | None = None) -> StatusReport:
    """`build_report` in one short session of `database`."""
    with database.session() as session:
        return build_report(session, config, now or utc_now())


def collect_report(config: AppConfig, now: datetime | None = None) -> StatusReport:
    """`newsmon status`: the report from a database opened (and migrated) for it."""
    database = open_current(config.database.url)
    try:
        return report_from(database, config, now)
    finally:
        database.close()


def corpus_size(config: AppConfig) -> int:
    """How many NNN_<hash>.txt files the corpus folder holds (0 when it does not exist).

    Read from the last sync's stamp while the folder is unchanged since: no listing."""
    folder = config.corpus.dir
    if not folder.is_dir():
        return 0
    counted = counted_files(folder)
    if counted is not None:
        return counted
    return sum(1 for path in folder.iterdir() if NAME_PATTERN.match(path.name) and _regular(path))


def _regular(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()
