"""Spider middleware: article URLs already stored are never requested again."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any, Self

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from crawler.crawl.services import services_of
from db import repository


class KnownUrlMiddleware:
    """Drop article requests whose canonical URL is already in the seen_urls table.

    Like scrapy-deltafetch, but the memory is the database every run (and a concurrent daemon)
    shares. The requests a discovery page yields are checked in one query, at the moment they
    are yielded, so the check is never stale. Meta ``newsmon_refetch`` bypasses it. A request
    with meta ``newsmon_if_new`` (the next listing or search page) is dropped when the page
    that yielded it held no article worth fetching: paging stops at the first stale page.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("NEWSMON_SKIP_KNOWN"):
            raise NotConfigured("NEWSMON_SKIP_KNOWN is off")
        return cls(crawler)

    async def process_spider_output(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        outputs = [output async for output in result]
        wanted = [_canonical(o) for o in outputs]
        asked = [url for url in wanted if url is not None]
        # the query runs on the writer pool: the reactor keeps downloading meanwhile
        known = await services_of(self.crawler).run(self._known, asked) if asked else set()
        for output in self._unknown(outputs, wanted, known):
            yield output

    def _known(self, urls: list[str]) -> set[str]:
        with services_of(self.crawler).database.session() as session:
            return repository.known_urls(session, urls)

    def _unknown(
        self, outputs: list[Any], wanted: list[str | None], known: set[str]
    ) -> Iterator[Any]:
        assert self.crawler.stats is not None
        fresh = any(url is not None and url not in known for url in wanted) or any(
            _is_refetch(output) for output in outputs
        )
        for output, url in zip(outputs, wanted, strict=True):
            if url is not None and url in known:
                self.crawler.stats.inc_value("newsmon/skipped/known")
                continue
            if not fresh and isinstance(output, Request) and output.meta.get("newsmon_if_new"):
                self.crawler.stats.inc_value("newsmon/discovery/paging_stopped")
                continue
            yield output


def _is_refetch(output: Any) -> bool:
    return isinstance(output, Request) and bool(output.meta.get("newsmon_refetch"))


def _canonical(output: Any) -> str | None:
    if not isinstance(output, Request) or output.meta.get("newsmon_refetch"):
        return None
    url: str | None = output.meta.get("newsmon_canonical")
    return url
