"""Conditional GETs for discovery pages: send the stored ETag/Last-Modified, keep the new ones.

A feed, sitemap or listing page that has not changed answers 304 Not Modified and costs
neither a body nor any article request. So its validators may be stored only once everything
it listed is taken care of: the spider hands over a page's validators after parsing it
(`PendingValidators.keep`; a broken page is fetched whole next time), and they are stored when
the run finishes with no error. A run that is stopped, times out, or fails to fetch or store an
article leaves them unstored: the next run reads the pages whole, skips what is known and
tries the rest again, instead of a 304 hiding an article that was never stored.
"""

from __future__ import annotations

import logging
from typing import Self

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from crawler.crawl.services import services_of
from crawler.discovery.step import NOT_MODIFIED
from db import repository

logger = logging.getLogger(__name__)


class ConditionalRequestMiddleware:
    """Downloader middleware: add If-None-Match / If-Modified-Since to discovery requests.

    Applies to requests with meta ``newsmon_discovery``; meta ``newsmon_unconditional``
    opts one out. 304 is let through to the spider via ``handle_httpstatus_list``.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("NEWSMON_CONDITIONAL_ENABLED"):
            raise NotConfigured("NEWSMON_CONDITIONAL_ENABLED is off")
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        if not request.meta.get("newsmon_discovery") or request.meta.get("newsmon_unconditional"):
            return
        statuses = list(request.meta.get("handle_httpstatus_list", ()))
        if NOT_MODIFIED not in statuses:
            request.meta["handle_httpstatus_list"] = [*statuses, NOT_MODIFIED]
        # a redirect copies the headers of the first URL: validators are per URL
        request.headers.pop(b"If-None-Match", None)
        request.headers.pop(b"If-Modified-Since", None)
        # the query runs on the writer pool: the reactor keeps downloading meanwhile
        etag, modified = await services_of(self.crawler).run(self._validators, request.url)
        if etag:
            request.headers[b"If-None-Match"] = etag.encode("latin-1")
        if modified:
            request.headers[b"If-Modified-Since"] = modified.encode("latin-1")
        if etag or modified:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("newsmon/conditional/sent")

    def _validators(self, url: str) -> tuple[str | None, str | None]:
        with services_of(self.crawler).database.session() as session:
            state = repository.get_fetch_state(session, url)
            if state is None:
                return None, None
            return state.etag, state.last_modified


class PendingValidators:
    """The ETag/Last-Modified of the discovery pages one crawler read, stored when it closes
    after a run that settled every article (see the module docstring)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.pages: dict[str, tuple[str | None, str | None]] = {}
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    def keep(self, response: Response) -> None:
        """Remember the validators of a discovery page that was read successfully."""
        if response.status != 200 or not self.crawler.settings.getbool(
            "NEWSMON_CONDITIONAL_ENABLED"
        ):
            return
        etag = repository.fetch_validator("etag", _header(response, b"ETag"))
        modified = repository.fetch_validator("last_modified", _header(response, b"Last-Modified"))
        if etag is not None or modified is not None:
            url = response.request.url if response.request is not None else response.url
            self.pages[url] = (etag, modified)

    async def spider_closed(self, spider: Spider, reason: str) -> None:
        if not self.pages:
            return
        assert self.crawler.stats is not None
        errors = self.crawler.stats.get_value("newsmon/errors", 0)
        if reason != "finished" or errors:
            logger.info(
                "%s: validators of %d discovery pages not stored (%s): the next run reads "
                "them whole",
                spider.name,
                len(self.pages),
                f"{errors} errors" if reason == "finished" else reason,
            )
            return
        await services_of(self.crawler).run(self._store)

    def _store(self) -> None:
        with services_of(self.crawler).database.session() as session:
            for url, (etag, modified) in self.pages.items():
                repository.put_fetch_state(session, url, etag, modified)


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return bytes(value).decode("latin-1") if value else None
