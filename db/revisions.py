"""Queries and writes for the re-check queue and recorded revisions (a Session, never a commit)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.orm import Session

from db.models import Article, Recheck, Revision, RevisionKind


@dataclass(frozen=True)
class DueCheck:
    """One article whose re-check is due, with what the check needs from its row."""

    article_id: int
    seq: int
    file_name: str
    url: str
    source: str | None
    fetched_at: datetime
    slot: int
    due_at: datetime
    etag: str | None
    last_modified: str | None
    failures: int


@dataclass(frozen=True)
class RevisionRow:
    """A recorded revision with the article it belongs to."""

    revision: Revision
    seq: int
    file_name: str
    source: str | None
    url: str | None


@dataclass(frozen=True)
class ArticleHistory:
    """An article's revisions at a glance (export columns)."""

    revisions: int
    last_revised_at: datetime | None
    retracted_at: datetime | None


def enqueue(
    session: Session,
    article_id: int,
    due_at: datetime,
    etag: str | None,
    last_modified: str | None,
) -> None:
    """Put a newly stored article at the first slot of the schedule."""
    session.add(
        Recheck(
            article_id=article_id, slot=0, due_at=due_at, etag=etag, last_modified=last_modified
        )
    )


def due(session: Session, now: datetime, limit: int) -> list[DueCheck]:
    """Up to `limit` re-checks due at `now`, oldest due first (the due_at index serves it)."""
    query = (
        select(Recheck, Article.seq, Article.file_name, Article.url, Article.source,
               Article.fetched_at)
        .join(Article, Article.id == Recheck.article_id)
        .where(Recheck.due_at <= now, Article.url.is_not(None), Article.missing.is_(False))
        .order_by(Recheck.due_at, Recheck.article_id)
        .limit(limit)
    )  # fmt: skip
    found = []
    for check, seq, name, url, source, fetched in session.execute(query).all():
        found.append(
            DueCheck(
                article_id=check.article_id,
                seq=seq,
                file_name=name,
                url=url or "",  # never empty: the query wants a URL
                source=source,
                fetched_at=fetched,
                slot=check.slot,
                due_at=check.due_at,
                etag=check.etag,
                last_modified=check.last_modified,
                failures=check.failures,
            )
        )
    return found


def advance(session: Session, article_id: int, slot: int | None, due_at: datetime | None,
            **values: Any) -> None:  # fmt: skip
    """Move an article to `slot` due at `due_at` (with new validators, error...), or take it
    off the queue when `slot` is None (schedule finished, or the article was retracted)."""
    if slot is None or due_at is None:
        session.execute(delete(Recheck).where(Recheck.article_id == article_id))
        return
    session.execute(
        update(Recheck)
        .where(Recheck.article_id == article_id)
        .values(slot=slot, due_at=due_at, **values)
    )


def add_revision(session: Session, article_id: int, kind: RevisionKind, detected_at: datetime,
                 **values: Any) -> Revision:  # fmt: skip
    """Record a revision or retraction of an article."""
    revision = Revision(article_id=article_id, kind=kind, detected_at=detected_at, **values)
    session.add(revision)
    session.flush()
    return revision


def latest_version(session: Session, article_id: int) -> Revision | None:
    """The article's latest revision with a stored text (None: the corpus file is the latest)."""
    query = (
        select(Revision)
        .where(Revision.article_id == article_id, Revision.text_path.is_not(None))
        .order_by(Revision.detected_at.desc(), Revision.id.desc())
        .limit(1)
    )
    return session.scalar(query)


def note_replaced(session: Session, article_id: int, old_name: str) -> None:
    """Record on the article's latest revision the corpus file name its text replaced."""
    latest = latest_version(session, article_id)
    if latest is not None:
        latest.replaced_file = old_name


def latest_text_path(session: Session, article_id: int) -> str | None:
    """The stored text of the article's latest revision (None: the corpus file is the latest)."""
    latest = latest_version(session, article_id)
    return latest.text_path if latest is not None else None


def article_state(session: Session, key: str) -> tuple[Article, Recheck | None] | None:
    """An article by corpus number ("12", "012") or file name, with its queue row if any."""
    query = select(Article)
    query = query.where(Article.seq == int(key)) if key.isdigit() else query.where(
        Article.file_name == key
    )  # fmt: skip
    article = session.scalar(query)
    if article is None:
        return None
    return article, session.get(Recheck, article.id)


def list_revisions(
    session: Session,
    since: datetime | None = None,
    source: str | None = None,
    article_id: int | None = None,
) -> list[RevisionRow]:
    """Revisions in the order they were found, optionally since a time / of one source."""
    query = select(Revision, Article.seq, Article.file_name, Article.source, Article.url).join(
        Article, Article.id == Revision.article_id
    )
    if since is not None:
        query = query.where(Revision.detected_at >= since)
    if source is not None:
        query = query.where(Article.source == source)
    if article_id is not None:
        query = query.where(Revision.article_id == article_id)
    query = query.order_by(Revision.detected_at, Revision.id)
    return [RevisionRow(*row) for row in session.execute(query).all()]


def counts_by_source(session: Session) -> dict[str | None, dict[str, int]]:
    """Per source: articles revised (at least once) and retracted (status page, metrics)."""
    query = (
        select(Article.source, Revision.kind, func.count(func.distinct(Revision.article_id)))
        .join(Article, Article.id == Revision.article_id)
        .group_by(Article.source, Revision.kind)
    )
    counts: dict[str | None, dict[str, int]] = {}
    for source, kind, count in session.execute(query).all():
        per = counts.setdefault(source, {"revised": 0, "retracted": 0})
        name = "retracted" if kind == "retracted" else "revised"
        per[name] += int(count)
    return counts


def totals_by_source_kind(session: Session) -> dict[tuple[str, str], int]:
    """Recorded revisions by (source, kind): the revisions counter of /metrics."""
    query = (
        select(Article.source, Revision.kind, func.count())
        .join(Article, Article.id == Revision.article_id)
        .group_by(Article.source, Revision.kind)
    )
    return {(src or "", kind): int(n) for src, kind, n in session.execute(query).all()}


def histories(session: Session) -> dict[str, ArticleHistory]:
    """Per corpus file with any revision: count of changes, last change, retraction time."""
    retracted = Revision.kind == "retracted"
    query = (
        select(
            Article.file_name,
            func.sum(case((retracted, 0), else_=1)),
            func.max(case((retracted, None), else_=Revision.detected_at)),
            func.min(case((retracted, Revision.detected_at), else_=None)),
        )
        .join(Article, Article.id == Revision.article_id)
        .group_by(Article.file_name)
    )
    return {
        name: ArticleHistory(int(count or 0), _aware(last), _aware(gone))
        for name, count, last, gone in session.execute(query).all()
    }


def _aware(value: datetime | str | None) -> datetime | None:
    """An aggregate's time as aware UTC (SQLite hands MAX/MIN of a timestamp back as text)."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def retractions_since(session: Session, since: datetime) -> Sequence[RevisionRow]:
    """Retractions found since `since` (the alert digest)."""
    return [row for row in list_revisions(session, since=since) if row.revision.kind == "retracted"]


def queue_size(session: Session) -> int:
    """Articles still on the re-check schedule (bounded: those younger than the last slot)."""
    return int(session.scalar(select(func.count()).select_from(Recheck)) or 0)
