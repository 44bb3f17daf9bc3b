"""The extraction pool returns the article with its corpus text and fingerprint, however it ran."""

from __future__ import annotations

import asyncio
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from crawler.extraction_pool import Extraction, ExtractionPool
from crawler.neardup import Fingerprint
from crawler.parsers import extract
from crawler.parsers.base import NoArticle
from crawler.text import normalize_text

PAGES = Path(__file__).parent.parent / "fixtures" / "pages"
URL = "https://news.example.kr/news/articleView.html?idxno=1"


def page(name: str) -> bytes:
    return (PAGES / f"{name}.html").read_bytes()


def run(pool: ExtractionPool, body: bytes) -> Extraction | None:
    found = read(pool, body)
    return found if isinstance(found, Extraction) else None


def read(pool: ExtractionPool, body: bytes) -> Extraction | NoArticle:
    try:
        return asyncio.run(pool.extract(body, URL, "text/html; charset=utf-8"))
    finally:
        pool.close()


def assert_complete(extraction: Extraction | None, body: bytes) -> None:
    """The parse, its corpus form and that form's fingerprint, as the main process makes them."""
    expected = extract(body, URL, content_type="text/html; charset=utf-8")
    assert extraction is not None and expected is not None
    assert extraction.extracted == expected
    assert extraction.text == normalize_text(expected.text)
    assert extraction.fingerprint is not None
    fingerprint = Fingerprint.of(extraction.text)
    assert np.array_equal(extraction.fingerprint.shingles, fingerprint.shingles)
    assert np.array_equal(extraction.fingerprint.signature, fingerprint.signature)


@pytest.mark.parametrize("workers", [0, 1], ids=["inline", "worker"])
def test_extraction_carries_text_and_fingerprint(workers: int) -> None:
    body = page("chrome_heavy")
    assert_complete(run(ExtractionPool(workers, fingerprints=True), body), body)


def test_no_fingerprint_unless_asked() -> None:
    extraction = run(ExtractionPool(0), page("chrome_heavy"))
    assert extraction is not None and extraction.fingerprint is None
    assert extraction.text == normalize_text(extraction.extracted.text)


def test_a_page_without_a_body_gives_none() -> None:
    assert run(ExtractionPool(0, fingerprints=True), page("error_page")) is None


class _DeadPool:
    """A process pool whose worker has died: every submitted job fails."""

    def submit(self, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_exception(BrokenProcessPool("worker died"))
        return future

    def shutdown(self, *args: Any, **kwargs: Any) -> None:
        pass


def test_a_dead_worker_falls_back_to_a_complete_inline_extraction() -> None:
    pool = ExtractionPool(1, fingerprints=True)
    pool._pool = _DeadPool()  # type: ignore[assignment]
    body = page("chrome_heavy")
    assert_complete(run(pool, body), body)


def test_start_spawns_the_worker_before_the_first_page() -> None:
    pool = ExtractionPool(1)
    try:
        pool.start()
        executor = pool._pool
        assert executor is not None
        processes = list((executor._processes or {}).values())
        assert len(processes) == 1 and processes[0].is_alive()
        pool.start()  # once: a second call starts nothing more
        assert pool._pool is executor and len(executor._processes or {}) == 1
    finally:
        pool.close()


def test_start_without_workers_starts_nothing() -> None:
    pool = ExtractionPool(0)
    pool.start()
    assert pool._pool is None


def test_the_first_scheduled_article_starts_the_worker() -> None:
    from scrapy import Request

    from crawler.crawl.services import CrawlServices

    started: list[bool] = []

    class Pool:
        def start(self) -> None:
            started.append(True)

    class Services:
        extractor = Pool()

    extension = CrawlServices(Services(), owned=False)  # type: ignore[arg-type]
    extension.request_scheduled(Request("https://news.example.kr/rss.xml"))
    assert started == []  # a feed or listing: discovery may still find nothing new
    extension.request_scheduled(Request(URL, meta={"newsmon_article": True}))
    assert started == [True]


@pytest.mark.parametrize("workers", [0, 1])
def test_the_pool_says_why_a_page_gave_no_article(workers: int) -> None:
    """A body under the minimum is `short_body` with its length; nothing at all is `no_body`."""
    body = page("ndsoft_classic")
    found = read(ExtractionPool(workers), body)
    assert isinstance(found, Extraction)
    length = sum(len(p) for p in found.extracted.paragraphs)
    assert read(ExtractionPool(workers, min_body_chars=length + 1), body) == NoArticle(
        "short_body", length
    )
    assert read(ExtractionPool(workers), page("error_page")) == NoArticle("no_body", 0)
