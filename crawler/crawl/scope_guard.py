"""Downloader middleware: an outlet source fetches only its own domains."""

from __future__ import annotations

from typing import Self

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.crawl.refusals import Refused
from crawler.scope import in_scope, source_domains


class ScopeMiddleware:
    """Refuse (as `off_scope`) any request of an outlet source outside its domains.

    Every request passes here, redirected ones too, so a feed item or an article redirect that
    points at another host is never fetched. Search sources link to any outlet: no scope.
    Runs before RobotsTxtMiddleware (100): an off-scope host is not even asked for robots.txt.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._domains: frozenset[str] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("NEWSMON_SCOPE_ENABLED"):
            raise NotConfigured("NEWSMON_SCOPE_ENABLED is off")
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        domains = self._scope(self.crawler.spider)
        if domains is None or in_scope(request.url, domains):
            return
        raise Refused("off_scope", f"{request.url} is outside {', '.join(sorted(domains))}")

    def _scope(self, spider: Spider | None) -> frozenset[str] | None:
        if self._domains is None:
            source = getattr(spider, "source", None)
            if source is None or source.search is not None:
                return None
            self._domains = source_domains(source)
        return self._domains
