"""Backfill rows: jobs and their cursors, the coverage ledger, archived captures (all SQL)."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.base import utc_now
from db.models import ArchiveCapture, BackfillJob, CoverageCell, SeenUrl
from db.repository import _chunks, _dialect_insert

if TYPE_CHECKING:
    from sqlalchemy.dialects import postgresql, sqlite

LEDGER_COUNTS = ("listed", "fetched", "on_topic", "added")


@dataclass(frozen=True)
class JobState:
    """A job as the walker resumes it: its id, whether it finished, and its cursor."""

    id: int
    done: bool
    cursor: dict[str, Any]
    requests: int


def open_job(session: Session, source: str, door: str, start: date, end: date) -> JobState:
    """The job of this source, door and window: created when new, else as it was left."""
    now = utc_now()
    insert = _dialect_insert(session.get_bind().dialect.name, BackfillJob.__table__)
    values = {
        "source": source, "door": door, "window_start": start, "window_end": end,
        "status": "running", "cursor": "{}", "requests": 0, "started_at": now, "updated_at": now,
    }  # fmt: skip
    # Two processes may open one job at once: the second finds the first's row.
    session.execute(insert.values(**values).on_conflict_do_nothing())
    job = session.scalars(
        select(BackfillJob).where(
            BackfillJob.source == source,
            BackfillJob.door == door,
            BackfillJob.window_start == start,
            BackfillJob.window_end == end,
        )
    ).one()
    return JobState(job.id, job.status == "done", _cursor(job.cursor), job.requests)


def _cursor(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except json.JSONDecodeError:
        return {}  # a damaged cursor restarts the door; stored pages are skipped anyway
    return value if isinstance(value, dict) else {}


def save_job(
    session: Session, job_id: int, cursor: Mapping[str, Any], requests: int, done: bool
) -> None:
    """Store how far a job got (its cursor and request count) and whether it finished."""
    job = session.get(BackfillJob, job_id)
    if job is None:
        return
    now = utc_now()
    job.cursor = json.dumps(cursor, ensure_ascii=False, sort_keys=True)
    job.requests = requests
    job.updated_at = now
    if done:
        job.status = "done"
        job.finished_at = now
    session.flush()


def jobs(session: Session, source: str | None = None) -> Sequence[BackfillJob]:
    """Every backfill job (of one source), newest window first."""
    query = select(BackfillJob).order_by(BackfillJob.source, BackfillJob.door, BackfillJob.id)
    if source is not None:
        query = query.where(BackfillJob.source == source)
    return session.scalars(query).all()


def add_coverage(
    session: Session, source: str, deltas: Mapping[tuple[str, str], Mapping[str, int]]
) -> None:
    """Add counts to the ledger: (period, door) -> {listed, fetched, on_topic, added}.

    A cell with all zeros still records that the door reached that period.
    """
    now = utc_now()
    statement = _coverage_upsert(session.get_bind().dialect.name)
    for (period, door), counts in deltas.items():
        values = {name: int(counts.get(name, 0)) for name in LEDGER_COUNTS}
        session.execute(
            statement,
            {"source": source, "period": period, "door": door, "updated_at": now, **values},
        )


@functools.cache
def _coverage_upsert(dialect: str) -> postgresql.Insert | sqlite.Insert:
    insert = _dialect_insert(dialect, CoverageCell.__table__)
    table = CoverageCell.__table__.c
    excluded = insert.excluded
    return insert.on_conflict_do_update(
        index_elements=["source", "period", "door"],
        set_={
            **{name: table[name] + excluded[name] for name in LEDGER_COUNTS},
            "updated_at": excluded.updated_at,
        },
    )


def coverage_cells(session: Session, source: str | None = None) -> Sequence[CoverageCell]:
    """The ledger's cells (of one source), by source, period and door."""
    query = select(CoverageCell).order_by(
        CoverageCell.source, CoverageCell.period, CoverageCell.door
    )
    if source is not None:
        query = query.where(CoverageCell.source == source)
    return session.scalars(query).all()


def record_capture(
    session: Session, article_id: int | None, original_url: str, archive_url: str,
    captured_at: datetime,
) -> None:  # fmt: skip
    """Remember that an article's text came from this archived capture of its original URL."""
    capture = ArchiveCapture(
        article_id=article_id, original_url=original_url, archive_url=archive_url,
        captured_at=captured_at,
    )  # fmt: skip
    session.add(capture)
    session.flush()


def seen_statuses(session: Session, canonical_urls: Iterable[str]) -> dict[str, str]:
    """What became of each of these canonical URLs that is in seen_urls (batched)."""
    found: dict[str, str] = {}
    for batch in _chunks(dict.fromkeys(canonical_urls)):
        rows = session.execute(
            select(SeenUrl.canonical_url, SeenUrl.status).where(SeenUrl.canonical_url.in_(batch))
        )
        found.update({row.canonical_url: row.status for row in rows})
    return found


def article_id_of(session: Session, canonical_url: str) -> int | None:
    """The article a canonical URL was stored as, if it was."""
    return session.scalar(
        select(SeenUrl.article_id).where(
            SeenUrl.canonical_url == canonical_url, SeenUrl.status == "added"
        )
    )


def published_dates(
    session: Session, sources: Sequence[str] | None = None, since: datetime | None = None
) -> list[Any]:
    """(source, published_at) of the corpus articles with a publication date (from `since`)."""
    from db.models import Article

    query = select(Article.source, Article.published_at).where(
        Article.published_at.is_not(None), Article.source.is_not(None)
    )
    if since is not None:
        query = query.where(Article.published_at >= since)
    if sources is not None:
        query = query.where(Article.source.in_(list(sources)))
    return list(session.execute(query).all())
