"""Conditional GETs for discovery pages: send the stored ETag/Last-Modified, keep the new ones.

A feed, sitemap or listing page that has not changed answers 304 Not Modified and costs
neither a body nor any article request. Validators are stored only after the page was parsed
(`remember_validators`, called by the spider), so a broken page is fetched whole next time.
"""

from __future__ import annotations

import logging
from typing import Self

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from crawler.crawl.services import services_of
from db import repository

logger = logging.getLogger(__name__)

NOT_MODIFIED = 304


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


async def remember_validators(crawler: Crawler, response: Response) -> None:
    """Store the ETag/Last-Modified of a discovery page that was read successfully."""
    enabled = crawler.settings.getbool("NEWSMON_CONDITIONAL_ENABLED")
    if not enabled or response.status != 200:
        return
    etag = repository.fetch_validator("etag", _header(response, b"ETag"))
    modified = repository.fetch_validator("last_modified", _header(response, b"Last-Modified"))
    if etag is None and modified is None:
        return
    url = response.request.url if response.request is not None else response.url
    services = services_of(crawler)

    def store() -> None:
        with services.database.session() as session:
            repository.put_fetch_state(session, url, etag, modified)

    await services.run(store)


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return bytes(value).decode("latin-1") if value else None
