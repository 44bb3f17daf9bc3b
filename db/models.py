"""Typed ORM models: articles, seen URLs, crawl runs, conditional-GET state, WARC captures."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import BigInteger, Float, ForeignKey, Index, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, utc_now

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
RUN_COUNTS: tuple[str, ...] = ("discovered", "fetched", "on_topic", "duplicates", "added", "errors")


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


class CaptureRow(Base):
    """Where one fetched page's WARC response record lies, and what newsmon decided about it.

    Read with one seek: `warc_file` (in the archive folder), `warc_offset` of its gzip member.
    """

    __tablename__ = "captures"

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
