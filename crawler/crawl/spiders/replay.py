"""A spider that fetches nothing: pages captured earlier (a WARC file, the capture index) go
through the same extraction, topic filter, deduplication and corpus append as fetched ones."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Self

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler

from crawler.capture import Capture, Located
from crawler.crawl.items import ArticleItem
from crawler.crawl.services import services_of
from crawler.crawl.spiders.news import parser_stats
from crawler.extraction_worker import Extraction
from crawler.parsers.base import NoArticle
from crawler.scope import url_domain
from crawler.sources import Source
from crawler.urls import canonical_url

logger = logging.getLogger(__name__)

CLOSE_AFTER = 0.05  # seconds after the last decision
# Pages handed to the pipeline and not yet decided: bounds memory whatever the file holds.
MAX_IN_FLIGHT = 32
IN_FLIGHT_WAIT = 0.005


@dataclass(frozen=True)
class ReplayPage:
    """One captured page to run through the pipeline, and what to archive for it."""

    url: str
    captured_at: datetime  # the capture's own date: the article's fetch time
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    source: Source | None  # the configured source of its host (None: any host was asked for)
    capture: Capture | None = None  # to write into this archive (ingest)
    captured: Located | None = None  # archived already (recheck): only the decision is indexed
    replay: tuple[str, int] | None = None  # (WARC file, record offset): the ingest cursor

    @property
    def content_type(self) -> str | None:
        for name, value in self.headers:
            if name.lower() == "content-type":
                return value
        return None


class ReplaySpider(scrapy.Spider):
    """Yield an ArticleItem for each replayed page (its fate is signalled as a fetched one's)."""

    name = "replay"

    def __init__(self, pages: Iterable[ReplayPage], label: str = "replay", **kwargs: Any) -> None:
        super().__init__(name=label, **kwargs)
        self.pages = pages
        self._yielded = self._decided = 0
        self._exhausted = False
        self._closing: asyncio.Future[None] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(spider._item_decided, signal=signal)
        return spider

    async def start(self) -> AsyncIterator[Any]:
        for page in self.pages:
            while self._yielded - self._decided >= MAX_IN_FLIGHT:
                await asyncio.sleep(IN_FLIGHT_WAIT)  # Scrapy takes start items without backout
            item = await self._item(page)
            if item is not None:
                self._yielded += 1
                yield item
        self._exhausted = True
        self._close_when_done()

    def _item_decided(self) -> None:
        self._decided += 1
        self._close_when_done()

    def _close_when_done(self) -> None:
        """Close as soon as the last page is decided: with no request in flight the engine
        would notice it is idle only at its next heartbeat (~5 s later). Called a moment
        later, never from inside start() or an item's signal: the engine closes a spider
        once its start() returned and its scraper is idle."""
        if self._exhausted and self._decided >= self._yielded:
            asyncio.get_running_loop().call_later(CLOSE_AFTER, self._close)

    def _close(self) -> None:
        engine = self.crawler.engine
        if self._closing is None and engine is not None and engine.spider is not None:
            self._closing = asyncio.ensure_future(engine.close_spider_async(reason="finished"))

    async def _item(self, page: ReplayPage) -> ArticleItem | None:
        self._inc("newsmon/fetched")
        key = page.source.key if page.source is not None else (url_domain(page.url) or "ingest")
        try:
            extraction = await services_of(self.crawler).extractor.extract(
                page.body, page.url, page.content_type
            )
        except Exception:
            logger.exception("%s: extraction failed for %s", key, page.url)
            self._inc("newsmon/errors")
            return None
        missing = extraction if isinstance(extraction, NoArticle) else None
        found = extraction if isinstance(extraction, Extraction) else None
        extracted = found.extracted if found is not None else None
        for stat in parser_stats(extracted):
            self._inc(stat)
        final = canonical_url(page.url)
        aliases: set[str] = set()
        declared = extracted.canonical_url if extracted is not None else None
        same_site = bool(declared) and url_domain(declared or "") == url_domain(page.url)
        if declared and same_site and (page.source is None or page.source.is_article_url(declared)):
            aliases.add(canonical_url(declared))
        return ArticleItem(
            source=key[:64],
            url=page.url,
            canonical_url=final,
            fetched_at=page.captured_at,
            extracted=extracted,
            redirected_from=tuple(aliases - {final}),
            missing=missing,
            text=found.text if found is not None else None,
            fingerprint=found.fingerprint if found is not None else None,
            capture=page.capture,
            captured=page.captured,
            replay=page.replay,
        )

    def _inc(self, key: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(key)
