"""Spider middleware: article URLs already stored are never requested again."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any, Self

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from crawler.resources import resources_for
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
        if not crawler.settings.getbool("NEWSMON_SKIP_KNOWN", True):
            raise NotConfigured("NEWSMON_SKIP_KNOWN is off")
        return cls(crawler)

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        yield from self._unknown(list(result))

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        for output in self._unknown([output async for output in result]):
            yield output

    def _unknown(self, outputs: list[Any]) -> Iterator[Any]:
        wanted = [_canonical(o) for o in outputs]
        asked = [url for url in wanted if url is not None]
        known: set[str] = set()
        if asked:
            with resources_for(self.crawler.settings).database.session() as session:
                known = repository.known_urls(session, asked)
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
