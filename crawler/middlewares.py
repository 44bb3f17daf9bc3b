"""Downloader middleware: article URLs already stored are never requested again."""

from __future__ import annotations

from typing import Self

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured

from crawler.resources import resources_for
from db import repository


class KnownUrlMiddleware:
    """Drop requests for article URLs whose canonical form is already in the database.

    Like scrapy-deltafetch, but the memory is the seen_urls table that every run (and a
    concurrent daemon) shares, asked at request time so it is never stale. A request with
    meta ``newsmon_refetch`` set bypasses it.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("NEWSMON_SKIP_KNOWN", True):
            raise NotConfigured("NEWSMON_SKIP_KNOWN is off")
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        canonical = request.meta.get("newsmon_canonical")
        if canonical is None or request.meta.get("newsmon_refetch"):
            return
        database = resources_for(self.crawler.settings).database
        with database.session() as session:
            known = repository.known_urls(session, [canonical])
        if known:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("newsmon/skipped/known")
            raise IgnoreRequest(f"already stored: {canonical}")
