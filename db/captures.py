"""Queries and writes over the capture index, corpus renames and ingest cursors (never commit)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from db.base import utc_now
from db.models import Article, CaptureRow, CorpusRename, IngestCursor


@dataclass(frozen=True)
class CaptureEntry:
    """One index row to add: where the record lies and what was decided."""

    url: str
    canonical_url: str | None
    source: str | None
    warc_file: str
    warc_offset: int
    warc_length: int
    payload_digest: str
    captured_at: datetime
    decision: str
    detail: str | None = None
    article_seq: int | None = None


def add_captures(session: Session, entries: Iterable[CaptureEntry]) -> int:
    """Insert index rows in one statement; returns how many."""
    rows = [entry.__dict__ for entry in entries]
    if rows:
        session.execute(insert(CaptureRow.__table__), rows)  # type: ignore[arg-type]
    return len(rows)


def indexed_offsets(session: Session, warc_file: str) -> set[int]:
    """The offsets of the records of one WARC file that have index rows."""
    query = select(CaptureRow.warc_offset).where(CaptureRow.warc_file == warc_file)
    return {int(offset) for offset in session.scalars(query)}


def captures_of_seq(session: Session, seq: int) -> Sequence[CaptureRow]:
    """The captures that became (or were re-decided into) corpus file `seq`, oldest first."""
    query = select(CaptureRow).where(CaptureRow.article_seq == seq).order_by(CaptureRow.id)
    return session.scalars(query).all()


def captures_of_url(session: Session, canonical_url: str) -> Sequence[CaptureRow]:
    """Every capture of one canonical URL, oldest first."""
    query = (
        select(CaptureRow).where(CaptureRow.canonical_url == canonical_url).order_by(CaptureRow.id)
    )
    return session.scalars(query).all()


def latest_capture_by_url(session: Session, canonical_urls: Iterable[str]) -> dict[str, CaptureRow]:
    """The newest capture of each given canonical URL that has one."""
    wanted = list(dict.fromkeys(canonical_urls))
    found: dict[str, CaptureRow] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        query = (
            select(CaptureRow).where(CaptureRow.canonical_url.in_(chunk)).order_by(CaptureRow.id)
        )
        for row in session.scalars(query):
            if row.canonical_url is not None:
                found[row.canonical_url] = row
    return found


def articles_with_captures(
    session: Session, since: datetime | None = None, source: str | None = None
) -> list[tuple[Article, CaptureRow]]:
    """Present corpus files with their newest capture, in seq order (re-extraction's input)."""
    newest = (
        select(CaptureRow.article_seq, func.max(CaptureRow.id).label("id"))
        .where(CaptureRow.article_seq.is_not(None))
        .group_by(CaptureRow.article_seq)
        .subquery()
    )
    query = (
        select(Article, CaptureRow)
        .join(newest, newest.c.article_seq == Article.seq)
        .join(CaptureRow, CaptureRow.id == newest.c.id)
        .where(Article.missing.is_(False))
        .order_by(Article.seq)
    )
    if since is not None:
        query = query.where(Article.fetched_at >= since)
    if source is not None:
        query = query.where(Article.source == source)
    return [(article, capture) for article, capture in session.execute(query).all()]


def archive_counts(session: Session) -> tuple[int, int]:
    """(captures indexed, distinct WARC files)."""
    count, files = session.execute(
        select(func.count(CaptureRow.id), func.count(func.distinct(CaptureRow.warc_file)))
    ).one()
    return int(count), int(files)


def add_rename(
    session: Session, *, seq: int, old_file_name: str, new_file_name: str, old_hash: str,
    new_hash: str, reason: str, run: str | None,
) -> None:  # fmt: skip
    """Record that corpus file `seq` was replaced (its old name, for history and export)."""
    rename = CorpusRename(
        seq=seq, old_file_name=old_file_name, new_file_name=new_file_name, old_hash=old_hash,
        new_hash=new_hash, reason=reason, run=run, renamed_at=utc_now(),
    )  # fmt: skip
    session.add(rename)


def renames_of_seq(session: Session, seq: int) -> Sequence[CorpusRename]:
    """The renames of one corpus number, oldest first."""
    query = select(CorpusRename).where(CorpusRename.seq == seq).order_by(CorpusRename.id)
    return session.scalars(query).all()


def renames_of_run(session: Session, run: str) -> Sequence[CorpusRename]:
    """The renames one run made, newest first (the order to undo them)."""
    query = select(CorpusRename).where(CorpusRename.run == run).order_by(CorpusRename.id.desc())
    return session.scalars(query).all()


def old_names(session: Session) -> dict[str, list[str]]:
    """Current file name -> the names it had before, oldest first (for `export`)."""
    rows = session.execute(
        select(Article.file_name, CorpusRename.old_file_name)
        .join(CorpusRename, CorpusRename.seq == Article.seq)
        .order_by(CorpusRename.id)
    ).all()
    result: dict[str, list[str]] = {}
    for current, old in rows:
        if old != current:
            result.setdefault(current, []).append(old)
    return result


def get_cursor(session: Session, path: str) -> IngestCursor | None:
    """The ingest cursor of one WARC file (its resolved path)."""
    return session.get(IngestCursor, path)


def put_cursor(session: Session, path: str, size: int, next_offset: int, finished: bool) -> None:
    """Remember how far a WARC file was ingested."""
    cursor = session.get(IngestCursor, path)
    if cursor is None:
        session.add(IngestCursor(path=path, size=size, next_offset=next_offset,
                                 finished=finished, updated_at=utc_now()))  # fmt: skip
        return
    cursor.size, cursor.next_offset, cursor.finished = size, next_offset, finished
    cursor.updated_at = utc_now()
