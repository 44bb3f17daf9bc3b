"""`newsmon ingest`: HTML responses of WARC files made elsewhere, through the crawl's pipeline.

Each file is read once, as a stream, from its cursor (the offset past the last record whose
fate is known, kept in `ingest_cursors`), so an interrupted ingest resumes where it stopped
and a finished file is not read again. Records of hosts that belong to no configured source
are skipped from their WARC headers (all hosts with `any_host`). A matching page keeps its
capture's own date and URL, and is copied into this archive with newsmon's decision.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler

from crawler.capture import Capture, http_headers_of
from crawler.capture.read import Page, WarcScan
from crawler.config import AppConfig
from crawler.crawl.items import ArticleItem
from crawler.crawl.runner import Replay, SourceReport, run_crawl
from crawler.crawl.services import services_of
from crawler.crawl.spiders.replay import ReplayPage
from crawler.scope import source_domains, url_domain
from crawler.sources import Source
from db import captures
from db.session import Database, open_database

logger = logging.getLogger(__name__)

CURSOR_EVERY = 200  # items between cursor saves (a resumed ingest redoes at most these)


@dataclass
class FileProgress:
    """One WARC file's scan: where it started, how far it got, which records are in flight."""

    path: Path
    start: int
    size: int
    scan: WarcScan | None = None
    pending: set[int] = field(default_factory=set)
    matched: int = 0
    done: bool = False  # read to its end
    error: str | None = None

    def cursor(self) -> int:
        if self.pending:
            return min(self.pending)
        return self.scan.position if self.scan is not None else self.start


@dataclass
class FileReport:
    """What one `ingest` read of one file."""

    file: str
    resumed_from: int
    records: int = 0  # WARC records read
    matched: int = 0  # HTML responses of a wanted host, run through the pipeline
    skipped: bool = False  # ingested to its end before: not read again
    error: str | None = None


@dataclass
class IngestReport:
    """Per file what was read, and what the pipeline did with every matched page."""

    files: list[FileReport]
    counts: dict[str, int] = field(default_factory=dict)
    added_files: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(f.error for f in self.files)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Ingest:
    """The pages of several WARC files, and the cursor bookkeeping of their items' fates."""

    def __init__(self, config: AppConfig, database: Database, any_host: bool) -> None:
        self.config = config
        self.database = database
        self.any_host = any_host
        self.hosts = {d: s for s in config.sources if s.enabled for d in source_domains(s)}
        self.files: dict[str, FileProgress] = {}
        self._since_save = 0

    def add(self, path: Path) -> FileProgress:
        resolved = path.resolve()
        size = resolved.stat().st_size
        with self.database.session() as session:
            cursor = captures.get_cursor(session, str(resolved))
        start = 0
        if cursor is not None and cursor.size == size:
            start = cursor.next_offset  # an unchanged file: go on from there
        finished = cursor is not None and cursor.finished and cursor.size == size
        progress = FileProgress(resolved, start, size, done=finished)
        self.files[str(resolved)] = progress
        return progress

    def pages(self) -> Iterator[ReplayPage]:
        for progress in self.files.values():
            if progress.done:
                continue
            try:
                yield from self._file_pages(progress)
            except (OSError, ValueError) as exc:  # a damaged file: say so, keep the others
                progress.error = f"{progress.path}: {exc}"
                logger.error("Ingest of %s stopped: %s", progress.path, exc)
            else:
                progress.done = True

    def _file_pages(self, progress: FileProgress) -> Iterator[ReplayPage]:
        with open(progress.path, "rb") as stream:
            stream.seek(progress.start)
            progress.scan = WarcScan(stream, self._wanted)
            for page in progress.scan:
                progress.matched += 1
                progress.pending.add(page.offset)
                yield self._replay_page(progress.path, page)

    def _wanted(self, url: str) -> bool:
        return self.any_host or url_domain(url) in self.hosts

    def _replay_page(self, path: Path, page: Page) -> ReplayPage:
        source: Source | None = self.hosts.get(url_domain(page.url))
        capture = Capture(
            url=page.url, captured_at=page.captured_at, status=page.status,
            headers=http_headers_of(page.headers, len(page.body)), body=page.body,
            extra={"newsmon-ingested-from": path.name, "newsmon-ingested-offset": str(page.offset)},
        )  # fmt: skip
        return ReplayPage(
            url=page.url, captured_at=page.captured_at, status=page.status,
            headers=page.headers, body=page.body, source=source, capture=capture,
            replay=(str(path), page.offset),
        )  # fmt: skip

    def connect(self, crawler: Crawler) -> None:
        """Follow each item's fate (the cursor passes a record only once it is decided)."""
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(self._decided, signal=signal)
        self._crawler = crawler

    def _decided(self, item: Any) -> None:
        if not isinstance(item, ArticleItem) or item.replay is None:
            return
        path, offset = item.replay
        progress = self.files.get(path)
        if progress is not None:
            progress.pending.discard(offset)
        self._since_save += 1
        if self._since_save >= CURSOR_EVERY:
            self._since_save = 0
            positions = self._positions()
            services_of(self._crawler).writers.submit(self.save, positions)

    def _positions(self) -> list[tuple[str, int, int, bool]]:
        return [
            (key, p.size, p.cursor(), p.done and not p.pending and p.error is None)
            for key, p in self.files.items()
            if p.scan is not None
        ]

    def save(self, positions: list[tuple[str, int, int, bool]] | None = None) -> None:
        """Store every file's cursor (on the writer pool during the run, at its end after)."""
        with self.database.session() as session:
            for path, size, offset, finished in positions or self._positions():
                captures.put_cursor(session, path, size, size if finished else offset, finished)
            session.commit()


def ingest_files(config: AppConfig, paths: list[str], any_host: bool) -> IngestReport:
    """Ingest the WARC files (each from its cursor) in one pipeline run."""
    database = open_database(config.database.url)
    try:
        ingest = Ingest(config, database, any_host)
        missing = [
            FileReport(p, 0, error=f"{p}: no such file") for p in paths if not os.path.isfile(p)
        ]
        for path in paths:
            if os.path.isfile(path):
                ingest.add(Path(path))
        reports: list[SourceReport] = []
        if any(not p.done for p in ingest.files.values()):
            reports = run_crawl(
                config, sources=[], replay=Replay(ingest.pages(), "ingest", ingest.connect)
            )
        ingest.save()
    finally:
        database.close()
    files = missing + [_file_report(p) for p in ingest.files.values()]
    if not reports:
        return IngestReport(files)
    run = reports[0]
    counts = {k: v for k, v in run.counts.as_dict().items() if k in COUNTED}
    return IngestReport(files, counts, list(run.added_files))


COUNTED = ("fetched", "added", "duplicates", "off_topic", "no_body", "errors")


def _file_report(progress: FileProgress) -> FileReport:
    return FileReport(
        file=str(progress.path),
        resumed_from=progress.start,
        records=progress.scan.records if progress.scan is not None else 0,
        matched=progress.matched,
        skipped=progress.scan is None and progress.done,
        error=progress.error,
    )
