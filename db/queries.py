"""Read-only reporting queries over the models (export rows, corpus statistics); never commit.

Months are KST calendar months, computed in SQL: KST is UTC+9 all year (no daylight saving), so
adding nine hours to the stored UTC time is exact on both backends.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from db.models import Article, SeenUrl

# Rows fetched per round trip while streaming an export.
EXPORT_BATCH = 1000
UNKNOWN = "unknown"  # the bucket of files without a source or a publication time

# Labelled as the export's column names.
EXPORT_COLUMNS = (
    Article.file_name.label("file"),
    Article.seq,
    Article.url,
    Article.source,
    Article.headline,
    Article.published_at,
    Article.fetched_at,
    Article.content_hash,
)


def _present() -> ColumnElement[bool]:
    """Rows whose file is in the corpus folder (flagged rows keep their seq, not their file)."""
    return Article.missing.is_(False)


def export_articles(session: Session, since: datetime | None = None) -> Iterator[dict[str, Any]]:
    """Stream the export columns of every present corpus file fetched at or after `since`."""
    query = select(*EXPORT_COLUMNS).where(_present()).order_by(Article.seq)
    if since is not None:
        query = query.where(Article.fetched_at >= since)
    for row in session.execute(query.execution_options(yield_per=EXPORT_BATCH)):
        yield row._asdict()


def near_duplicate_urls(session: Session) -> dict[str, list[str]]:
    """For each corpus file, the URLs later caught as near duplicates of it, first seen first."""
    query = (
        select(SeenUrl.duplicate_of, SeenUrl.url)
        .where(SeenUrl.status == "near_duplicate", SeenUrl.duplicate_of.is_not(None))
        .order_by(SeenUrl.first_seen_at, SeenUrl.id)
    )
    found: dict[str, list[str]] = {}
    for file_name, url in session.execute(query):
        if file_name is not None:
            found.setdefault(file_name, []).append(url)
    return found


def count_files(session: Session) -> tuple[int, int]:
    """How many corpus files are present, and how many rows are flagged missing."""
    query = select(Article.missing, func.count()).group_by(Article.missing)
    counts = {bool(missing): count for missing, count in session.execute(query)}
    return counts.get(False, 0), counts.get(True, 0)


def files_by_source(session: Session) -> dict[str, int]:
    """Present corpus files per source key (files found in the folder have none: "unknown")."""
    query = select(Article.source, func.count()).where(_present()).group_by(Article.source)
    return _buckets(session.execute(query))


def files_by_month(session: Session) -> dict[str, int]:
    """Present corpus files per KST month ("2025-06") of publication; "unknown" when not known."""
    month = kst_month(session, Article.published_at)
    query = select(month, func.count()).where(_present()).group_by(month)
    return _buckets(session.execute(query))


def seen_status_counts(session: Session) -> dict[str, int]:
    """How many seen URLs ended in each status (added, duplicate, near_duplicate, off_topic …)."""
    query = select(SeenUrl.status, func.count()).group_by(SeenUrl.status)
    return {status: count for status, count in session.execute(query)}


def kst_month(
    session: Session, column: InstrumentedAttribute[datetime | None]
) -> ColumnElement[str]:
    """`column` (stored UTC) as its KST month "YYYY-MM": the one dialect difference here."""
    if session.get_bind().dialect.name == "postgresql":
        # timestamptz -> KST wall time, independent of the session's TimeZone setting.
        return func.to_char(func.timezone("Asia/Seoul", column), "YYYY-MM")
    return func.strftime("%Y-%m", column, "+9 hours")


def _buckets(rows: Iterable[tuple[str | None, int]]) -> dict[str, int]:
    """Rows of (key, count) as a dict sorted by key, None folded into "unknown" (kept last)."""
    counts: dict[str, int] = {}
    for key, count in rows:
        label = UNKNOWN if key is None else key
        counts[label] = counts.get(label, 0) + count
    ordered = sorted(key for key in counts if key != UNKNOWN)
    return {key: counts[key] for key in [*ordered, *([UNKNOWN] if UNKNOWN in counts else [])]}
