"""A spider that fetches nothing: pages captured earlier (a WARC file, the capture index) go
through the same extraction, topic filter, deduplication and corpus append as fetched ones."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import scrapy

from crawler.capture import Capture, Located
from crawler.crawl.items import ArticleItem
from crawler.crawl.services import services_of
from crawler.scope import url_domain
from crawler.sources import Source
from crawler.urls import canonical_url

logger = logging.getLogger(__name__)


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

    async def start(self) -> AsyncIterator[Any]:
        for page in self.pages:
            item = await self._item(page)
            if item is not None:
                yield item

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
        extracted = extraction.extracted if extraction is not None else None
        if extracted is not None:
            self._inc(f"newsmon/parser/{extracted.parser}")
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
            text=extraction.text if extraction is not None else None,
            fingerprint=extraction.fingerprint if extraction is not None else None,
            capture=page.capture,
            captured=page.captured,
            replay=page.replay,
        )

    def _inc(self, key: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(key)
