"""Read-only activity queries for the status report and metrics: totals, latest times, days."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from db.models import Article, CrawlRun


class RunTotals(NamedTuple):
    """Finished runs of one source ending in one status, and what they added and failed on."""

    source: str
    status: str
    runs: int
    added: int
    errors: int


def run_totals(session: Session) -> list[RunTotals]:
    """Per (source, status) of finished runs: how many, articles added, errors."""
    query = (
        select(
            CrawlRun.source,
            CrawlRun.status,
            func.count(),
            func.coalesce(func.sum(CrawlRun.added), 0),
            func.coalesce(func.sum(CrawlRun.errors), 0),
        )
        .where(CrawlRun.status != "running")
        .group_by(CrawlRun.source, CrawlRun.status)
    )
    return [RunTotals(s, st, int(n), int(a), int(e)) for s, st, n, a, e in session.execute(query)]


def last_success_ends(session: Session) -> dict[str, datetime]:
    """Per source, when its latest successful run finished."""
    query = (
        select(CrawlRun.source, func.max(CrawlRun.finished_at))
        .where(CrawlRun.status == "ok")
        .group_by(CrawlRun.source)
    )
    return {source: moment for source, moment in session.execute(query) if moment is not None}


def last_article_times(session: Session) -> dict[str, datetime]:
    """Per source, when its newest article was stored."""
    query = (
        select(Article.source, func.max(Article.fetched_at))
        .where(Article.source.is_not(None))
        .group_by(Article.source)
    )
    return {
        source: moment
        for source, moment in session.execute(query)
        if source is not None and moment is not None
    }


def newest_articles(session: Session, limit: int = 50) -> Sequence[Article]:
    """The latest corpus files (highest seq first) whose file is present."""
    query = select(Article).where(Article.missing.is_(False)).order_by(Article.seq.desc())
    return session.scalars(query.limit(limit)).all()


def daily_additions(session: Session, since: datetime) -> dict[tuple[str, str], int]:
    """Articles stored at or after `since`, per (source, KST day "YYYY-MM-DD")."""
    day = kst_day(session, Article.fetched_at)
    query = (
        select(Article.source, day, func.count())
        .where(Article.fetched_at >= since, Article.source.is_not(None))
        .group_by(Article.source, day)
    )
    return {(str(source), str(when)): int(count) for source, when, count in session.execute(query)}


def kst_day(session: Session, column: InstrumentedAttribute[datetime]) -> ColumnElement[str]:
    """`column` (stored UTC) as its KST calendar day; KST is UTC+9 all year."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("Asia/Seoul", column), "YYYY-MM-DD")
    return func.strftime("%Y-%m-%d", column, "+9 hours")
