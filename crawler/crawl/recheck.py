"""`newsmon topic recheck` without refetching: remembered pages read back from their captures."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from crawler.capture import Located
from crawler.capture.read import CaptureReadError, read_page
from crawler.config import AppConfig
from crawler.crawl.spiders.replay import ReplayPage
from crawler.urls import canonical_url
from db import captures
from db.models import CaptureRow
from db.session import Database

logger = logging.getLogger(__name__)


def split_captured(
    config: AppConfig, database: Database, urls: Mapping[str, Sequence[str]]
) -> tuple[list[tuple[str, CaptureRow]], dict[str, list[str]]]:
    """((source, newest capture) of the URLs with a readable capture, the URLs to refetch)."""
    archive = config.archive.directory(config.corpus.dir)
    wanted = {canonical_url(url): (source, url) for source, found in urls.items() for url in found}
    with database.session() as session:
        newest = captures.latest_capture_by_url(session, wanted)
        session.expunge_all()
    captured: list[tuple[str, CaptureRow]] = []
    refetch: dict[str, list[str]] = {}
    for canonical, (source, url) in wanted.items():
        row = newest.get(canonical)
        if row is not None and (archive / row.warc_file).is_file():
            captured.append((source, row))
        else:
            refetch.setdefault(source, []).append(url)
    return captured, refetch


def captured_pages(
    config: AppConfig, captured: list[tuple[str, CaptureRow]]
) -> Iterator[ReplayPage]:
    """The captured pages, read one at a time (one seek each) as the pipeline asks for them."""
    archive: Path = config.archive.directory(config.corpus.dir)
    for source, row in captured:
        try:
            page = read_page(archive / row.warc_file, row.warc_offset)
        except CaptureReadError as exc:
            logger.warning("Recheck skips %s: %s", row.url, exc)
            continue
        yield ReplayPage(
            url=page.url or row.url, captured_at=page.captured_at, status=page.status,
            headers=page.headers, body=page.body, source=config.source(source),
            captured=Located(row.warc_file, row.warc_offset, row.warc_length, row.payload_digest),
        )  # fmt: skip
