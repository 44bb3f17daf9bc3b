"""Daemon-side discovery: a source's conditional GETs and feed/listing parse, without a crawl.

Most polls find nothing new. The daemon reads a source's discovery URLs itself (httpx, the
stored ETag/Last-Modified, and the spider's own pure step and failure rule,
`crawler.discovery.step`) and starts a crawl process only for article URLs no run has seen,
handing it exactly those. Whatever only the spider does makes the poll hand the whole source to
a full crawl (`Poll.full_crawl` says why): search sources, the homepage fallback, a sitemap
index, a listing whose first page has news and a next page. Validators are kept back until the
poll's outcome is known (`Poller.commit`), so a crawl that fails to fetch the new URLs sees
them again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import httpx

from crawler.config import AppConfig
from crawler.discovery.step import Answer, Step, Tally, discovery_failure, discovery_step
from crawler.probes.fetch import Hop, HttpFetcher
from crawler.scope import in_scope, source_domains
from crawler.sources import Source
from crawler.urls import MAX_REDIRECTS, canonical_url
from db import repository
from db.run_counts import RunCounts
from db.session import Database

logger = logging.getLogger(__name__)

FETCHER_TTL = 3600.0  # seconds a source's client (and its robots.txt) is reused
Clock = Callable[[], datetime]


class NeedsCrawl(Exception):
    """This discovery URL needs what only the spider does; the message says what."""


class NotLeading(Exception):
    """This daemon lost the active role during the poll: no further request is sent."""


class Unreadable(Exception):
    """This discovery URL gave nothing usable (as the spider's discovery errors)."""


@dataclass
class Poll:
    """What one poll of a source found."""

    key: str
    new_urls: list[str] = field(default_factory=list)  # unknown article URLs, as found
    counts: RunCounts = field(default_factory=RunCounts)  # discovered: distinct article links
    not_modified: int = 0
    requests: int = 0
    full_crawl: str | None = None  # why the whole source goes to a crawl process
    errors: list[str] = field(default_factory=list)  # discovery URLs that failed, and why
    failure: str | None = None  # the run failed: no discovery URL could be read
    validators: list[tuple[str, str | None, str | None]] = field(default_factory=list)

    @property
    def idle(self) -> bool:
        """Answered here (nothing to fetch, or failed), no process needed."""
        return self.full_crawl is None and (not self.new_urls or self.failure is not None)

    def report(self) -> dict[str, object]:
        """The poll as a crawl report (the `newsmon crawl --json` shape, counts only)."""
        return {
            "key": self.key,
            **self.counts.as_dict(),
            "failed": self.failure is not None,
            "reason": self.failure,
        }


class Poller:
    """Polls sources from the daemon's threads, with reusable clients (keep-alive, robots.txt
    read once an hour per site)."""

    def __init__(self, config: AppConfig, database: Database) -> None:
        self.config = config
        self.database = database
        self._lock = threading.Lock()
        self._fetchers: dict[str, tuple[float, HttpFetcher]] = {}
        # Asked before every request: False once this daemon is no longer the active one.
        self.permit: Callable[[], bool] = lambda: True

    def poll(self, source: Source) -> Poll:
        """Read every discovery URL of `source`; never raises for what a site answers."""
        result = Poll(source.key)
        if source.search is not None or not source.discovery_urls:
            result.full_crawl = "search source" if source.search else "no discovery URL"
            return result
        fetcher = self._fetcher(source)
        links: dict[str, str] = {}
        tally = Tally(pending=len(source.discovery_urls))
        try:
            for kind, url in source.discovery_urls:
                step = self._read(fetcher, source, kind, url, result)
                tally.add(step, url)
                if step.error is not None:
                    logger.warning("%s: discovery failed for %s: %s", source.key, url, step.error)
                for link in step.links:
                    links.setdefault(canonical_url(link), link)
        except NeedsCrawl as why:
            result.full_crawl = str(why)
        result.errors = tally.errors
        if result.full_crawl is None and not tally.useful:
            # as the spider: the homepage fallback is due, or the run failed
            if tally.fallback_due(source.homepage):
                result.full_crawl = "no discovery URL gave article links (homepage fallback)"
            else:
                result.failure = discovery_failure(tally.read, tally.errors)
        if result.full_crawl is not None:
            result.validators.clear()  # the crawl reads these pages again, all of them
            return result
        self._sort(source, links, result)
        return result

    def commit(self, poll: Poll) -> None:
        """Store the validators of the pages read, once what they listed is taken care of."""
        if not poll.validators:
            return
        with self.database.session() as session:
            for url, etag, modified in poll.validators:
                repository.put_fetch_state(session, url, etag, modified)

    def close(self) -> None:
        with self._lock:
            for _, fetcher in self._fetchers.values():
                fetcher.close()
            self._fetchers.clear()

    def _sort(self, source: Source, links: dict[str, str], result: Poll) -> None:
        domains = source_domains(source)
        with self.database.session() as session:
            known = repository.known_urls(session, links)
        result.counts = RunCounts(discovered=len(links), skipped_known=len(known))
        # An off-scope link would be refused by the crawl anyway: never worth a process.
        result.new_urls = [
            url
            for canonical, url in links.items()
            if canonical not in known and in_scope(url, domains)
        ]

    def _fetcher(self, source: Source) -> HttpFetcher:
        now = time.monotonic()
        with self._lock:
            # One client per TLS setting, not per source: each holds its CA store (~2 MB).
            held = self._fetchers.get(source.tls_ciphers)
            if held is not None and now - held[0] < FETCHER_TTL:
                return held[1]
            # An expired client is dropped, not closed: another poll may be using it.
            crawl = self.config.crawl
            fetcher = HttpFetcher(
                crawl.agent,
                timeout=crawl.timeout,
                max_bytes=crawl.max_page_bytes,
                obey_robots=crawl.obey_robots,
                tls_ciphers=source.tls_ciphers,
            )
            self._fetchers[source.tls_ciphers] = (now, fetcher)
            return fetcher

    def _read(
        self, fetcher: HttpFetcher, source: Source, kind: str, url: str, result: Poll
    ) -> Step:
        """One discovery URL read as the spider reads it (crawler.discovery.step)."""
        try:
            response_url, status, body, headers = self._get(fetcher, source, url, result)
        except Unreadable as why:
            return Step(error=str(why))
        step = discovery_step(
            Answer(kind, response_url, status, body),
            source.pattern,
            source.api_listing,
            source.max_listing_pages,
        )
        result.not_modified += step.not_modified
        if step.children:
            raise NeedsCrawl(f"{url}: sitemap index")
        if step.next_page is not None:
            raise NeedsCrawl(f"{url}: listing with more pages")
        if step.fresh:
            result.validators.append(
                (
                    response_url,
                    repository.fetch_validator("etag", headers.get("ETag")),
                    repository.fetch_validator("last_modified", headers.get("Last-Modified")),
                )
            )
        return step

    def _get(
        self, fetcher: HttpFetcher, source: Source, url: str, result: Poll
    ) -> tuple[str, int, bytes, httpx.Headers]:
        """GET with this URL's validators; redirects followed here so each hop has its own."""
        domains = source_domains(source)
        for _ in range(MAX_REDIRECTS + 1):
            if not in_scope(url, domains):
                raise Unreadable(f"{url} is off scope")
            if not fetcher.allowed(url):
                raise Unreadable("disallowed by robots.txt")
            if not self.permit():
                raise NotLeading(f"{source.key}: not the active daemon any more")
            result.requests += 1
            answer = self._send(fetcher, url)
            target = answer.redirect(url)
            if target is None:
                assert answer.status is not None and answer.headers is not None  # by _send
                return url, answer.status, answer.body, answer.headers
            url = target
        raise Unreadable(f"more than {MAX_REDIRECTS} redirects")

    def _send(self, fetcher: HttpFetcher, url: str) -> Hop:
        """One conditional GET with this URL's validators; Unreadable without an answer."""
        with self.database.session() as session:
            state = repository.get_fetch_state(session, url)
        if state is None:
            answer = fetcher.hop(url)
        else:
            answer = fetcher.hop(url, state.etag, state.last_modified)
        if answer.error is not None or answer.status is None or answer.headers is None:
            raise Unreadable(answer.error or "no answer")
        return answer
