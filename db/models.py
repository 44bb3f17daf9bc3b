"""Typed ORM models: stored articles, seen URLs, crawl runs, conditional-GET state, revisions,
the leader, backfills, WARC captures."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from sqlalchemy import (
    BigInteger,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, utc_now
from db.run_counts import RunCounts

Origin = Literal["crawl", "folder"]
SeenStatus = Literal[
    "added",
    "duplicate",
    "near_duplicate",
    "off_topic",
    "no_body",
    "gone",
    "redirect",
    "too_large",
    "redirect_loop",
    "too_many_redirects",
    "off_scope",
]
RunStatus = Literal["running", "ok", "failed", "timeout", "killed"]
RevisionKind = Literal["revised", "headline", "retracted"]
RUN_COUNTS = RunCounts.STORED  # the counters a crawl_runs row keeps, as columns below


class Article(Base):
    """One corpus file `NNN_<h>.txt`; the row outlives the file so a seq is never reused."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(unique=True)
    file_name: Mapped[str] = mapped_column(String(255), unique=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    url: Mapped[str | None] = mapped_column(String(2048))
    canonical_url: Mapped[str | None] = mapped_column(String(2048), index=True)
    source: Mapped[str | None] = mapped_column(String(64))
    headline: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime | None]
    fetched_at: Mapped[datetime]
    indexed_at: Mapped[datetime] = mapped_column(default=utc_now)
    origin: Mapped[Origin] = mapped_column(String(16))
    missing: Mapped[bool] = mapped_column(default=False, server_default=false())


class SeenUrl(Base):
    """What became of every canonical URL the crawler looked at (the skip list)."""

    __tablename__ = "seen_urls"
    # Serves "recent off-topic rejections" (newsmon topic review / recheck).
    __table_args__ = (Index("ix_seen_urls_status_last_seen_at", "status", "last_seen_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    canonical_url: Mapped[str] = mapped_column(String(2048), unique=True)
    url: Mapped[str] = mapped_column(String(2048))
    source: Mapped[str] = mapped_column(String(64))
    status: Mapped[SeenStatus] = mapped_column(String(24))
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"))
    duplicate_of: Mapped[str | None] = mapped_column(String(255))
    similarity: Mapped[float | None] = mapped_column(Float)
    first_seen_at: Mapped[datetime] = mapped_column(default=utc_now)
    last_seen_at: Mapped[datetime] = mapped_column(default=utc_now)
    # What an off-topic rejection rested on, so it can be audited and rechecked.
    headline: Mapped[str | None] = mapped_column(Text)
    topic_score: Mapped[float | None] = mapped_column(Float)
    topic_missing: Mapped[str | None] = mapped_column(Text)  # one missing piece per line


class CrawlRun(Base):
    """One crawl of one source: its outcome and counters."""

    __tablename__ = "crawl_runs"
    # Serves both "runs of a source" and "latest runs of a source".
    __table_args__ = (Index("ix_crawl_runs_source_started_at", "source", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    status: Mapped[RunStatus] = mapped_column(String(16), default="running")
    discovered: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    fetched: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    on_topic: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    duplicates: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    added: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    errors: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    error_reason: Mapped[str | None] = mapped_column(Text)
    added_files: Mapped[str | None] = mapped_column(Text)
    # JSON {old, found, article_pattern, reasons} when configured discovery URLs all failed
    fallback: Mapped[str | None] = mapped_column(Text)


class FetchState(Base):
    """Validators from the last fetch of a feed or sitemap, for conditional GETs."""

    __tablename__ = "fetch_state"

    url: Mapped[str] = mapped_column(String(2048), primary_key=True)
    # ETags are opaque and some servers send long ones; 128 is enough for HTTP dates only.
    etag: Mapped[str | None] = mapped_column(String(256))
    last_modified: Mapped[str | None] = mapped_column(String(128))
    checked_at: Mapped[datetime]


class Recheck(Base):
    """An article's place in the re-check schedule: which slot is next and when it is due.

    The validators are the article page's own, from its first fetch and then from each
    re-check that got a body, so a re-check is a conditional request. A row is removed after
    the last slot or a retraction: the table holds only articles still being watched.
    """

    __tablename__ = "rechecks"
    __table_args__ = (Index("ix_rechecks_due_at", "due_at"),)

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    slot: Mapped[int]  # index into [revisions] recheck of the next check
    due_at: Mapped[datetime]
    etag: Mapped[str | None] = mapped_column(String(256))
    last_modified: Mapped[str | None] = mapped_column(String(128))
    checked_at: Mapped[datetime | None]
    failures: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    last_error: Mapped[str | None] = mapped_column(Text)


class Revision(Base):
    """A change an outlet made to a stored article after its first fetch, or its retraction."""

    __tablename__ = "revisions"
    __table_args__ = (Index("ix_revisions_detected_at", "detected_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    detected_at: Mapped[datetime]
    kind: Mapped[RevisionKind] = mapped_column(String(16))
    url: Mapped[str | None] = mapped_column(String(2048))  # where the new version was read
    headline_old: Mapped[str | None] = mapped_column(Text)  # set when the headline changed
    headline_new: Mapped[str | None] = mapped_column(Text)
    lines_added: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    lines_removed: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    tokens_changed: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    content_hash: Mapped[str | None] = mapped_column(String(64))  # of the new text
    text_path: Mapped[str | None] = mapped_column(String(1024))  # in the state folder
    replaced_file: Mapped[str | None] = mapped_column(String(255))  # corpus = "latest"
    detail: Mapped[str | None] = mapped_column(Text)  # a retraction's evidence


class DaemonLeader(Base):
    """Who schedules the crawls (PostgreSQL only; the advisory lock, not this row, decides).

    One row per schedule (`name`): the daemon holding the lock writes itself here, with a
    token raised at every takeover, and the crawls it has running, so the next leader can stop
    them (same machine) or wait for their runs to settle (another machine).
    """

    __tablename__ = "daemon_leader"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    token: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    holder: Mapped[str] = mapped_column(String(128))  # host:pid:random, unique per daemon
    host: Mapped[str] = mapped_column(String(255))
    boot_id: Mapped[str] = mapped_column(String(64))  # same host and boot: pids are comparable
    pid: Mapped[int]
    since: Mapped[datetime]
    # JSON [{"pid": process group, "source": key, "started_at": ISO}] of running crawls
    children: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")


BackfillStatus = Literal["running", "done"]


class BackfillJob(Base):
    """One door of one source walked over one date window; its cursor says how far it got."""

    __tablename__ = "backfill_jobs"
    __table_args__ = (
        UniqueConstraint(
            "source", "door", "window_start", "window_end", name="uq_backfill_jobs_window"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(64))
    door: Mapped[str] = mapped_column(String(16))
    window_start: Mapped[date]
    window_end: Mapped[date]
    status: Mapped[BackfillStatus] = mapped_column(String(16), default="running")
    # JSON: the units (pages, months, sitemaps) the door has finished, so a rerun skips them
    cursor: Mapped[str] = mapped_column(Text, default="{}")
    requests: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    started_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]


class CoverageCell(Base):
    """The ledger: what one door found of one source in one month ('YYYY-MM') or day."""

    __tablename__ = "coverage"
    __table_args__ = (
        UniqueConstraint("source", "period", "door", name="uq_coverage_source_period_door"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(10))  # YYYY-MM, or YYYY-MM-DD (recent days)
    door: Mapped[str] = mapped_column(String(16))
    listed: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    fetched: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    on_topic: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    added: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    updated_at: Mapped[datetime]


class ArchiveCapture(Base):
    """Where an article taken from a web archive came from: the capture, not the live page."""

    __tablename__ = "archive_captures"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL"), index=True
    )
    original_url: Mapped[str] = mapped_column(String(2048))
    archive_url: Mapped[str] = mapped_column(String(2048))
    captured_at: Mapped[datetime]


class CaptureRow(Base):
    """Where one fetched page's WARC response record lies, and what newsmon decided about it.

    Read with one seek: `warc_file` (in the archive folder), `warc_offset` of its gzip member.
    """

    __tablename__ = "captures"
    # `corpus verify` reads a WARC file's rows by file (crawler/capture/reindex.py)
    __table_args__ = (Index("ix_captures_warc_file_offset", "warc_file", "warc_offset"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048))
    canonical_url: Mapped[str | None] = mapped_column(String(2048), index=True)
    source: Mapped[str | None] = mapped_column(String(64))
    warc_file: Mapped[str] = mapped_column(String(255))
    warc_offset: Mapped[int] = mapped_column(BigInteger)
    warc_length: Mapped[int] = mapped_column(BigInteger)
    payload_digest: Mapped[str] = mapped_column(String(64))
    captured_at: Mapped[datetime]
    decision: Mapped[str] = mapped_column(String(24))
    detail: Mapped[str | None] = mapped_column(Text)
    article_seq: Mapped[int | None] = mapped_column(index=True)


class CorpusRename(Base):
    """A corpus file replaced under the same number (re-extraction, a revision): old and new
    names and hashes; the old bytes are kept in the state folder until the rename is undone."""

    __tablename__ = "corpus_renames"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(index=True)
    old_file_name: Mapped[str] = mapped_column(String(255))
    new_file_name: Mapped[str] = mapped_column(String(255))
    old_hash: Mapped[str] = mapped_column(String(64))
    new_hash: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(24))  # "reextract", "revision", "undo"
    run: Mapped[str | None] = mapped_column(String(32), index=True)
    renamed_at: Mapped[datetime] = mapped_column(default=utc_now)


class IngestCursor(Base):
    """How far `newsmon ingest` read a WARC file: the next record's offset, to resume there."""

    __tablename__ = "ingest_cursors"

    path: Mapped[str] = mapped_column(String(1024), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    next_offset: Mapped[int] = mapped_column(BigInteger)
    finished: Mapped[bool] = mapped_column(default=False, server_default=false())
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)
