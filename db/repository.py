"""Queries and writes over the models; every function takes a Session and never commits."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from sqlalchemy import CursorResult, Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from db.base import utc_now
from db.models import RUN_COUNTS, Article, CrawlRun, FetchState, RunStatus, SeenStatus, SeenUrl

if TYPE_CHECKING:
    from sqlalchemy.dialects import postgresql, sqlite

# Keeps IN (...) lists under SQLite's and psycopg's bound-parameter limits.
CHUNK_SIZE = 500


def _chunks(values: Iterable[str], size: int = CHUNK_SIZE) -> Iterator[list[str]]:
    batch: list[str] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert(session: Session, table: Any) -> postgresql.Insert | sqlite.Insert:
    """The dialect's INSERT construct, which knows ON CONFLICT (the one dialect difference).

    `table` is a mapped class (ORM statement, can RETURNING entities) or its Table (plain Core,
    which skips the ORM's bulk-insert machinery on the crawl's hot path).
    """
    return _dialect_insert(session.get_bind().dialect.name, table)


def _dialect_insert(dialect: str, table: Any) -> postgresql.Insert | sqlite.Insert:
    # Imported on use: a SQLite process never loads the PostgreSQL dialect (~15 ms).
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table)
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(table)


@dataclass(frozen=True)
class ArticleRef:
    """An article row by what the append path goes on with (load an Article for the rest)."""

    id: int
    seq: int
    file_name: str


# The crawl runs these once per article: built once, with the values bound at execution, so
# no construct is rebuilt per call and the compiled-statement cache always hits.
_BY_HASH = select(Article).where(Article.content_hash == bindparam("content_hash"))
_ARTICLES = cast(Table, Article.__table__)  # Core statements skip the ORM's per-row work
_MAX_SEQ = select(func.max(_ARTICLES.c.seq))
_ADD_ARTICLE = insert(_ARTICLES)
_REF_BY_HASH = select(_ARTICLES.c.id, _ARTICLES.c.seq, _ARTICLES.c.file_name).where(
    _ARTICLES.c.content_hash == bindparam("content_hash")
)


def article_by_hash(session: Session, content_hash: str) -> Article | None:
    """The article whose file has these bytes (full SHA-256 hex), if any."""
    return session.scalar(_BY_HASH, {"content_hash": content_hash})


def ref_by_hash(session: Session, content_hash: str) -> ArticleRef | None:
    """`article_by_hash` for a caller that needs only the row's id, seq and file name."""
    row = session.execute(_REF_BY_HASH, {"content_hash": content_hash}).first()
    return None if row is None else ArticleRef(row.id, row.seq, row.file_name)


def article_by_seq(session: Session, seq: int) -> Article | None:
    """The article with this corpus sequence number, if any."""
    return session.scalar(select(Article).where(Article.seq == seq))


def max_seq(session: Session) -> int:
    """The highest seq ever given out (missing rows included), -1 for an empty corpus."""
    highest = session.scalar(_MAX_SEQ)
    return -1 if highest is None else highest


def add_article(session: Session, **fields: Any) -> ArticleRef:
    """Insert an article row now, so its id and constraints are checked now.

    A plain Core INSERT: the ORM's unit of work costs more than the insert, and no caller
    needs the mapped object.
    """
    result = cast(CursorResult[Any], session.execute(_ADD_ARTICLE, fields))
    key = result.inserted_primary_key
    assert key is not None  # a single-row INSERT always has it
    return ArticleRef(key[0], fields["seq"], fields["file_name"])


def known_file_names(session: Session, file_names: Iterable[str]) -> set[str]:
    """Which of these corpus file names already have a row."""
    known: set[str] = set()
    for batch in _chunks(file_names):
        known.update(session.scalars(select(Article.file_name).where(Article.file_name.in_(batch))))
    return known


_LAST_ARTICLE = (
    select(_ARTICLES.c.id, _ARTICLES.c.file_name).order_by(_ARTICLES.c.id.desc()).limit(1)
)


def last_article(session: Session) -> tuple[int, str] | None:
    """(id, file name) of the newest row: a cheap mark of how far the rows go."""
    row = session.execute(_LAST_ARTICLE).first()
    return None if row is None else (row.id, row.file_name)


def file_name_of(session: Session, article_id: int) -> str | None:
    """The file name of the row with this id, if any."""
    return session.scalar(select(Article.file_name).where(Article.id == article_id))


def files_after(session: Session, article_id: int) -> list[tuple[int, str]]:
    """(id, file name) of the rows newer than `article_id` whose file is present, by id."""
    query = (
        select(_ARTICLES.c.id, _ARTICLES.c.file_name)
        .where(_ARTICLES.c.id > article_id, _ARTICLES.c.missing.is_(False))
        .order_by(_ARTICLES.c.id)
    )
    return [(row.id, row.file_name) for row in session.execute(query)]


class CheckedRow(NamedTuple):
    """What `corpus verify` compares with a file."""

    file_name: str
    seq: int
    origin: str
    content_hash: str


def checked_rows(session: Session, file_names: list[str]) -> list[CheckedRow]:
    """The rows of these file names, with what verification needs."""
    columns = (_ARTICLES.c.file_name, _ARTICLES.c.seq, _ARTICLES.c.origin)
    query = select(*columns, _ARTICLES.c.content_hash).where(_ARTICLES.c.file_name.in_(file_names))
    return [CheckedRow(*row) for row in session.execute(query)]


def stream_file_names(session: Session) -> Iterator[tuple[str, bool]]:
    """(file name, flagged missing) of every row in seq order, fetched in batches."""
    query = select(_ARTICLES.c.file_name, _ARTICLES.c.missing).order_by(_ARTICLES.c.seq)
    for name, missing in session.execute(query.execution_options(yield_per=CHUNK_SIZE)):
        yield name, bool(missing)


def all_articles(session: Session) -> Sequence[Article]:
    """Every article row in seq order (for verification)."""
    return session.scalars(select(Article).order_by(Article.seq)).all()


def set_missing(session: Session, file_names: Iterable[str], missing: bool = True) -> int:
    """Flag rows whose file is gone (or back); returns how many rows changed."""
    changed = 0
    for batch in _chunks(file_names):
        result = session.execute(
            update(Article).where(Article.file_name.in_(batch)).values(missing=missing)
        )
        changed += result.rowcount  # type: ignore[attr-defined]
    return changed


def known_urls(session: Session, canonical_urls: Iterable[str]) -> set[str]:
    """Which of these canonical URLs are already in seen_urls (batched queries)."""
    known: set[str] = set()
    for batch in _chunks(dict.fromkeys(canonical_urls)):
        query = select(SeenUrl.canonical_url).where(SeenUrl.canonical_url.in_(batch))
        known.update(session.scalars(query))
    return known


def record_seen(
    session: Session,
    canonical_url: str,
    url: str,
    source: str,
    status: SeenStatus,
    article_id: int | None = None,
    duplicate_of: str | None = None,
    similarity: float | None = None,
    *,
    seen_at: datetime | None = None,
    headline: str | None = None,
    topic_score: float | None = None,
    topic_missing: str | None = None,
) -> None:
    """Insert or update what became of a URL; concurrent writers of one URL do not clash.

    An off-topic rejection also keeps its headline, score and missing evidence.
    """
    seen_at = seen_at or utc_now()
    values = {
        "canonical_url": canonical_url,
        "url": url,
        "source": source,
        "status": status,
        "article_id": article_id,
        "duplicate_of": duplicate_of,
        "similarity": similarity,
        "first_seen_at": seen_at,
        "last_seen_at": seen_at,
        "headline": headline,
        "topic_score": topic_score,
        "topic_missing": topic_missing,
    }
    session.execute(_seen_upsert(session.get_bind().dialect.name), values)


@functools.cache
def _seen_upsert(dialect: str) -> postgresql.Insert | sqlite.Insert:
    """record_seen's INSERT ... ON CONFLICT, built once per dialect (the values are bound at
    execution): building `excluded` alone costs more than running the statement."""
    insert = _dialect_insert(dialect, SeenUrl.__table__)
    excluded = insert.excluded
    # A later sighting keeps the link to the stored article unless it names another one.
    return insert.on_conflict_do_update(
        index_elements=[SeenUrl.canonical_url],
        set_={
            "url": excluded.url,
            "source": excluded.source,
            "status": excluded.status,
            "article_id": func.coalesce(excluded.article_id, SeenUrl.article_id),
            "duplicate_of": excluded.duplicate_of,
            "similarity": excluded.similarity,
            "last_seen_at": excluded.last_seen_at,
            "headline": func.coalesce(excluded.headline, SeenUrl.headline),
            "topic_score": excluded.topic_score,
            "topic_missing": excluded.topic_missing,
        },
    )


def start_run(session: Session, source: str, started_at: datetime) -> CrawlRun:
    """Open a crawl_runs row in status 'running'."""
    run = CrawlRun(source=source, started_at=started_at, status="running")
    session.add(run)
    session.flush()
    return run


def finish_run(
    session: Session,
    run: CrawlRun,
    status: RunStatus,
    counts: Mapping[str, int],
    error_reason: str | None = None,
    added_files: Sequence[str] = (),
    *,
    finished_at: datetime | None = None,
) -> CrawlRun:
    """Close a run with its outcome, counters and the files it added."""
    unknown = set(counts) - set(RUN_COUNTS)
    if unknown:
        raise ValueError(f"unknown crawl run counters: {sorted(unknown)}")
    run = session.merge(run)
    for name, value in counts.items():
        setattr(run, name, value)
    run.status = status
    run.error_reason = error_reason
    run.added_files = json.dumps(list(added_files), ensure_ascii=False)
    run.finished_at = finished_at or utc_now()
    session.flush()
    return run


def recent_runs(session: Session, source: str | None = None, limit: int = 20) -> Sequence[CrawlRun]:
    """The latest runs, newest first, of one source or of all."""
    query = select(CrawlRun).order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc())
    if source is not None:
        query = query.where(CrawlRun.source == source)
    return session.scalars(query.limit(limit)).all()


def get_fetch_state(session: Session, url: str) -> FetchState | None:
    """The validators stored for a feed or sitemap URL."""
    return session.get(FetchState, url)


def fetch_validator(column: str, value: str | None) -> str | None:
    """A validator header as `fetch_state.<column>` keeps it: stripped, None when empty or wider
    than the column (an oversized validator is useless rather than an error)."""
    text = (value or "").strip()
    width = int(getattr(FetchState.__table__.c[column].type, "length", 0) or 0)
    return text if 0 < len(text) <= width else None


def put_fetch_state(
    session: Session,
    url: str,
    etag: str | None,
    last_modified: str | None,
    checked_at: datetime | None = None,
) -> FetchState:
    """Store the validators of the latest fetch of `url` (insert or replace)."""
    values = {
        "url": url,
        "etag": etag,
        "last_modified": last_modified,
        "checked_at": checked_at or utc_now(),
    }
    insert = _insert(session, FetchState).values(**values)
    insert = insert.on_conflict_do_update(
        index_elements=[FetchState.url],
        set_={name: insert.excluded[name] for name in ("etag", "last_modified", "checked_at")},
    )
    # RETURNING the entity refreshes any stale copy in the session's identity map.
    query = insert.returning(FetchState).execution_options(populate_existing=True)
    return session.scalars(query).one()


def off_topic_seen(
    session: Session, since: datetime | None = None, limit: int | None = None
) -> Sequence[SeenUrl]:
    """URLs last rejected as off topic (at or after `since`), closest to the line first."""
    query = select(SeenUrl).where(SeenUrl.status == "off_topic")
    if since is not None:
        query = query.where(SeenUrl.last_seen_at >= since)
    score = func.coalesce(SeenUrl.topic_score, -1.0)
    query = query.order_by(score.desc(), SeenUrl.last_seen_at.desc(), SeenUrl.id)
    return session.scalars(query.limit(limit)).all()
