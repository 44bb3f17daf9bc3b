"""The generic news spider: discovery URLs of one Source -> article pages -> ArticleItems."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any, Self

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.crawl.captures import capture_of
from crawler.crawl.conditional import PendingValidators
from crawler.crawl.items import ArticleItem
from crawler.crawl.refusals import Refused, as_refusal, failure_reason
from crawler.crawl.services import services_of
from crawler.crawl.spiders.engine_requests import (
    MissingCredentials,
    first_requests,
    next_request,
    read_answer,
)
from crawler.crawl.spiders.fallback import FallbackDiscovery
from crawler.discovery import DiscoveryError
from crawler.discovery.step import Answer, Step, discovery_step
from crawler.extraction_worker import Extraction
from crawler.parsers.base import Extracted, NoArticle
from crawler.probes.tls import with_tls_hint
from crawler.scope import url_domain
from crawler.sources import Source
from crawler.timeutil import utc_now
from crawler.urls import canonical_url

logger = logging.getLogger(__name__)

MAX_SITEMAP_DEPTH = 3


def parser_stats(extracted: Extracted | None) -> tuple[str, ...]:
    """The stats one extracted page counts: its strategy (a template change shows here) and,
    when the review replaced that strategy's body, why (crawler.parsers.review)."""
    if extracted is None:
        return ()
    strategy = f"newsmon/parser/{extracted.parser}"
    if extracted.override is None:
        return (strategy,)
    return (strategy, f"newsmon/parser/override/{extracted.override}")


class NewsSpider(scrapy.Spider):
    """Crawl one source: read its feeds, sitemaps and listing pages, then fetch new articles."""

    name = "news"

    def __init__(self, source: Source, urls: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(name=f"news:{source.key}", **kwargs)
        self.source = source
        self.urls = urls  # given: fetch exactly these article pages, discover nothing
        self.seen: set[str] = set()
        self.discovery_errors: list[str] = []
        self.pattern = source.pattern  # discovery may replace it for this run
        self.fallback = FallbackDiscovery(source)
        self.validators: PendingValidators  # set by from_crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        # One crawler per source: its downloader's per-domain settings are this source's.
        source = spider.source
        if source.download_delay is not None:
            crawler.settings.set("DOWNLOAD_DELAY", source.download_delay, priority="spider")
        if source.concurrency is not None:
            crawler.settings.set(
                "CONCURRENT_REQUESTS_PER_DOMAIN", source.concurrency, priority="spider"
            )
        if source.tls_ciphers:
            crawler.settings.set(
                "DOWNLOADER_CLIENT_TLS_CIPHERS", source.tls_ciphers, priority="spider"
            )
        crawler.signals.connect(spider.spider_idle, signal=signals.spider_idle)
        spider.validators = PendingValidators(crawler)
        return spider

    async def start(self) -> AsyncIterator[Any]:
        if self.urls:
            for request in self._explicit_requests():
                yield request
            return
        if self.source.search is not None:
            for request in self._search_start():
                yield request
            return
        for kind, url in self.source.discovery_urls:
            yield self._discovery_request(url, kind, initial=True)

    def _explicit_requests(self) -> Iterator[scrapy.Request]:
        """Article requests for the given URLs, known or not (``newsmon topic recheck``)."""
        self._inc("newsmon/discovery/ok")  # the given list is this crawl's discovery
        for url in self.urls:
            for request in self._article_request(url):
                request.meta["newsmon_refetch"] = True
                yield request

    def _search_start(self) -> list[scrapy.Request]:
        try:
            return first_requests(
                self.source,
                self.settings.get("NEWSMON_TOPIC"),
                self.parse_search,
                self.discovery_failed,
            )
        except MissingCredentials as exc:
            logger.warning("%s: search skipped: %s", self.source.key, exc)
            self._inc("newsmon/search/skipped")
            self.discovery_errors.append(f"search skipped: {exc}")
            return []

    def _discovery_request(
        self, url: str, kind: str, depth: int = 0, page: int = 1, initial: bool = False
    ) -> scrapy.Request:
        meta = {
            "newsmon_initial": initial,
            "newsmon_kind": kind,
            "newsmon_depth": depth,
            "newsmon_page": page,
            "newsmon_discovery": True,
            # a page after the first is worth asking for only if this one had news
            "newsmon_if_new": page > 1,
        }
        return scrapy.Request(
            url,
            callback=self.parse_discovery,
            errback=self.discovery_failed,
            dont_filter=True,
            priority=10,
            meta=meta,
        )

    async def parse_discovery(self, response: Response) -> AsyncIterator[scrapy.Request]:
        meta = response.meta
        answer = Answer(
            meta["newsmon_kind"], response.url, response.status, response.body,
            int(meta.get("newsmon_page", 1)),
        )  # fmt: skip
        step = discovery_step(
            answer, self.pattern, self.source.api_listing, self.source.max_listing_pages
        )
        self.fallback.answered(meta, step, response.url)
        if step.error is not None:
            self._discovery_error(response.url, step.error)
            return
        self._inc("newsmon/discovery/ok")
        if step.not_modified:
            self._inc("newsmon/discovery/not_modified")
            return
        self.validators.keep(response)
        for request in self._discovered(answer, int(meta["newsmon_depth"]), step):
            yield request

    def _discovered(self, answer: Answer, depth: int, step: Step) -> Iterator[scrapy.Request]:
        if depth < MAX_SITEMAP_DEPTH:
            for child in step.children:
                yield self._discovery_request(child, answer.kind, depth + 1)
        for url in step.links:
            yield from self._article_request(url)
        if step.next_page is not None:
            yield self._discovery_request(step.next_page, "listing", page=answer.page + 1)

    def parse_search(self, response: Response) -> Iterator[scrapy.Request]:
        try:
            page = read_answer(self.source, response)
        except DiscoveryError as exc:
            self._discovery_error(response.url, f"bad search answer: {exc}")
            return
        self._inc("newsmon/discovery/ok")
        for link in page.links:
            yield from self._article_request(link.url)
        yield from next_request(
            self.source, response, page, self.parse_search, self.discovery_failed
        )

    def _article_request(self, url: str) -> Iterator[scrapy.Request]:
        canonical = canonical_url(url)
        if canonical in self.seen:
            return
        self.seen.add(canonical)
        self._inc("newsmon/discovered")
        yield scrapy.Request(
            url,
            callback=self.parse_article,
            errback=self.article_failed,
            meta={"newsmon_article": True, "newsmon_canonical": canonical},
        )

    async def parse_article(self, response: Response) -> AsyncIterator[ArticleItem]:
        self._inc("newsmon/fetched")
        content_type = response.headers.get(b"Content-Type")
        services = services_of(self.crawler)
        kind = content_type.decode("latin-1") if content_type else None
        encoded = None
        fetched_at = utc_now()
        try:
            if services.captures is None or response.request is None:
                extraction = await services.extractor.extract(response.body, response.url, kind)
            else:  # the worker that parses the page also compresses its WARC records
                capture = capture_of(
                    response, response.request, self.source.key, None, body=b"",
                    captured_at=fetched_at,
                )  # fmt: skip
                extraction, encoded = await services.extractor.extract_captured(
                    response.body, response.url, kind, capture
                )
        except Exception:  # a page that breaks the parser is one lost page, never a lost crawl
            logger.exception("%s: extraction failed for %s", self.source.key, response.url)
            self._inc("newsmon/errors")
            return
        missing = extraction if isinstance(extraction, NoArticle) else None
        found = extraction if isinstance(extraction, Extraction) else None
        extracted = found.extracted if found is not None else None
        for stat in parser_stats(extracted):
            self._inc(stat)
        final = canonical_url(response.url)
        aliases = {canonical_url(u) for u in response.meta.get("redirect_urls", ())}
        declared = self._declared_canonical(extracted, response.url)
        if declared is not None:
            aliases.add(declared)
            self.seen.add(declared)  # this run does not fetch the same article again by that name
        redirects = aliases - {final}
        yield ArticleItem(
            source=self.source.key,
            url=response.url,
            canonical_url=final,
            fetched_at=fetched_at,
            extracted=extracted,
            redirected_from=tuple(redirects),
            missing=missing,
            text=found.text if found is not None else None,
            fingerprint=found.fingerprint if found is not None else None,
            etag=_header(response, b"ETag"),
            last_modified=_header(response, b"Last-Modified"),
            encoded=encoded,
        )

    def _declared_canonical(self, extracted: Extracted | None, url: str) -> str | None:
        """The page's own rel=canonical (or og:url), canonicalised, when it can name the same
        article: on the page's registrable domain and of the source's article shape. Remembered
        with the page, so a later link under that name is known without a fetch."""
        declared = extracted.canonical_url if extracted is not None else None
        if not declared or not self.source.is_article_url(declared):
            return None
        if url_domain(declared) != url_domain(url):
            return None  # a syndicated copy naming its original elsewhere: not our URL to skip
        return canonical_url(declared)

    def discovery_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        error = failure.value
        if isinstance(error, Refused):
            if error.reason == "off_scope":  # a sitemap of another site: not a source failure
                self._refused(error)
                self.fallback.answered(request.meta, Step(error="off scope"), request.url)
                return
            self._inc(f"newsmon/refused/{error.reason}")  # logged as the discovery error
        reason = with_tls_hint(failure_reason(failure), self.source.tls_ciphers)
        self._discovery_error(request.url, reason)
        self.fallback.answered(request.meta, Step(error=reason), request.url)

    def spider_idle(self) -> None:
        """When every configured discovery URL failed: find the site's entry points from its
        homepage (in a thread, off the reactor) and crawl what is found in this run."""
        if self.fallback.start(self.settings, self._crawl_found):
            logger.warning(
                "%s: every discovery URL failed; looking for entry points from %s",
                self.source.key,
                self.source.homepage,
            )
            self._inc("newsmon/fallback/started")
        if self.fallback.running:
            raise DontCloseSpider

    def _crawl_found(self) -> None:
        found = self.fallback.found
        if found is None or not found.entry_points:
            self._inc("newsmon/fallback/nothing")
            reasons = "; ".join(found.reasons) if found else "discovery failed"
            self.discovery_errors.append(f"entry-point discovery: {reasons}")
            return
        self._inc("newsmon/fallback/found")
        self.pattern = self.fallback.pattern_for_run()
        logger.warning(
            "%s: crawling the entry points discovery found: %s",
            self.source.key,
            ", ".join(url for _, url in found.entry_points),
        )
        assert self.crawler.engine is not None
        for kind, url in found.entry_points:
            self.crawler.engine.crawl(self._discovery_request(url, kind))

    def _discovery_error(self, url: str, reason: str) -> None:
        self._inc("newsmon/discovery/failed")
        self.discovery_errors.append(f"{url}: {reason}")
        logger.warning("%s: discovery failed for %s: %s", self.source.key, url, reason)

    def article_failed(self, failure: Failure) -> Iterator[ArticleItem]:
        request = failure.request  # type: ignore[attr-defined]
        error = failure.value
        status = error.response.status if isinstance(error, HttpError) else None
        if status in (404, 410):
            # gone for good: remember it so the next run does not ask again
            self._inc("newsmon/article/gone")
            yield self._without_text(request, gone=True)
            return
        refusal = as_refusal(error, request.url, self.settings.getint("DOWNLOAD_MAXSIZE"))
        if refusal is not None:
            yield from self._refused_article(request, refusal)
            return
        if status is None and isinstance(error, IgnoreRequest):
            return  # already stored, or forbidden by robots.txt: counted where it was decided
        self._inc("newsmon/errors")
        logger.warning(
            "%s: could not fetch %s: %s", self.source.key, request.url, failure_reason(failure)
        )

    def _refused_article(self, request: scrapy.Request, error: Refused) -> Iterator[ArticleItem]:
        """Count and log a refusal once; remember a permanent one so no run asks again."""
        self._refused(error)
        if error.permanent:
            yield self._without_text(
                request, redirected_from=_redirected_from(request), refused=error.reason
            )

    def _without_text(self, request: scrapy.Request, **outcome: Any) -> ArticleItem:
        """An article URL to remember with no text (gone, refused): no run asks for it again."""
        return ArticleItem(
            source=self.source.key,
            url=request.url,
            canonical_url=request.meta["newsmon_canonical"],
            fetched_at=utc_now(),
            extracted=None,
            **outcome,
        )

    def _refused(self, error: Refused) -> None:
        self._inc(f"newsmon/refused/{error.reason}")
        logger.warning("%s: refused %s", self.source.key, error)

    def _inc(self, key: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(key)


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _redirected_from(request: scrapy.Request) -> tuple[str, ...]:
    """Canonical forms of the URLs a request was redirected from (its own canonical aside)."""
    own = request.meta.get("newsmon_canonical")
    urls = {canonical_url(url) for url in request.meta.get("redirect_urls", ())}
    return tuple(sorted(urls - {own}))
