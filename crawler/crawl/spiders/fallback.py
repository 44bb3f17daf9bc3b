"""Crawl-time fallback: when a source's configured discovery URLs all fail, discover anew."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from scrapy.settings import BaseSettings
from twisted.internet import threads
from twisted.python.failure import Failure

from crawler.discovery.step import Step, Tally
from crawler.sources import Source

if TYPE_CHECKING:  # discovery (httpx, the URL-shape analysis) loads only when it runs
    from crawler.probes.discover import Discovery
    from crawler.probes.fetch import HttpFetcher

logger = logging.getLogger(__name__)


class FallbackDiscovery:
    """Tracks the answers of a source's configured URLs and runs discovery at most once."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.tally = Tally(pending=len(source.discovery_urls))
        self.running = False
        self.done = False
        self.found: Discovery | None = None

    def answered(self, meta: dict[str, Any], step: Step, url: str) -> None:
        """One URL answered (only first pages of configured URLs count)."""
        if meta.get("newsmon_initial"):
            self.tally.add(step, url)

    @property
    def due(self) -> bool:
        return (
            not (self.done or self.running)
            and self.tally.fallback_due(self.source.homepage)
            and self.source.search is None
            and bool(self.source.discovery_urls)
        )

    def start(self, settings: BaseSettings, then: Callable[[], None]) -> bool:
        """Start discovery in a thread when it is due; `then` runs on the reactor after."""
        if not self.due or not settings.getbool("NEWSMON_DISCOVERY_FALLBACK"):
            return False
        from crawler.probes.discover import discover_site
        from crawler.probes.fetch import MAX_BYTES, HttpFetcher

        self.running = True
        fetcher = HttpFetcher(
            user_agent=settings.get("USER_AGENT"),
            timeout=settings.getfloat("DOWNLOAD_TIMEOUT"),
            max_bytes=min(settings.getint("DOWNLOAD_MAXSIZE", MAX_BYTES) or MAX_BYTES, MAX_BYTES),
            obey_robots=settings.getbool("ROBOTSTXT_OBEY", True),
            tls_ciphers=self.source.tls_ciphers,
        )
        deferred = threads.deferToThread(discover_site, self.source.homepage, fetcher)
        deferred.addBoth(self._finished, fetcher, then)
        return True

    def _finished(
        self, result: Discovery | Failure, fetcher: HttpFetcher, then: Callable[[], None]
    ) -> None:
        fetcher.close()
        if isinstance(result, Failure):
            logger.error("%s: entry-point discovery failed: %s", self.source.key, result.value)
        else:
            self.found = result
        self.running = False
        self.done = True
        then()

    def pattern_for_run(self) -> re.Pattern[str] | None:
        """The configured pattern if it matches what discovery saw, else the discovered one."""
        found = self.found
        configured = self.source.pattern
        if found is None or not found.article_pattern:
            return configured
        if configured is not None and any(configured.search(u) for u in found.samples):
            return configured
        return re.compile(found.article_pattern)

    def record(self) -> dict[str, Any] | None:
        """What crawl_runs and the daemon's alert keep: the old and the found URLs."""
        if self.found is None:
            return None
        return {
            "old": [url for _, url in self.source.discovery_urls],
            "found": [{"kind": kind, "url": url} for kind, url in self.found.entry_points],
            "article_pattern": self.found.article_pattern,
            "reasons": self.found.reasons,
        }
