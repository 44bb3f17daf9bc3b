"""Typed ORM models: stored articles, seen URLs, crawl runs, conditional-GET state, backfills."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from sqlalchemy import Float, ForeignKey, Index, String, Text, UniqueConstraint, false, text
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
