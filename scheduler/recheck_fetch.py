"""A re-check's request: the article's conditional GET at its host's delay, redirects followed
one hop at a time inside the source's scope and robots.txt."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from crawler.probes.fetch import Hop, HttpFetcher
from crawler.scope import in_scope
from crawler.urls import MAX_REDIRECTS


class HostPacer:
    """At most one request per host per delay, across threads and across runs of this process.

    Each caller reserves the host's next free moment before it sleeps, so a backlog of due
    re-checks (a daemon that was down) is spread at the host's delay instead of sent at once.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}

    def wait(self, host: str, delay: float, stop: threading.Event) -> bool:
        """Wait for the host's turn; False when `stop` was set meanwhile (no request then)."""
        with self._lock:
            now = self._clock()
            at = max(now, self._next.get(host, now))
            self._next[host] = at + delay
        pause = at - now
        if pause > 0 and stop.wait(pause):
            return False
        with self._lock:  # a late wake-up (a busy machine) pushes the next turn back too
            self._next[host] = max(self._next[host], self._clock() + delay)
        return not stop.is_set()


@dataclass(frozen=True)
class Answer:
    """What the article URL answers now (after redirects), or why nothing was read."""

    url: str  # the final URL
    status: int | None = None  # None: no answer, see `error`
    body: bytes = b""
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    redirected: bool = False
    error: str | None = None
    off_scope: bool = False  # redirected to another site (not requested)
    disallowed: bool = False  # robots.txt forbids the URL (not requested)
    stopped: bool = False  # the daemon is stopping (not requested)
    requests: int = 0


@dataclass(frozen=True)
class Validators:
    etag: str | None
    last_modified: str | None


def fetch_article(
    fetcher: HttpFetcher,
    url: str,
    validators: Validators,
    domains: frozenset[str],
    pace: Callable[[str], bool],
) -> Answer:
    """GET `url` with its validators; each hop checked for scope and robots.txt and paced."""
    requests = 0
    redirected = False
    for _ in range(MAX_REDIRECTS + 1):
        if not in_scope(url, domains):
            return Answer(url, redirected=redirected, off_scope=True, requests=requests)
        host = urlsplit(url).netloc.lower()
        if not fetcher.robots_known(url):
            if not pace(host):
                return Answer(url, stopped=True, requests=requests)
            requests += 1
        if not fetcher.allowed(url):
            return Answer(url, redirected=redirected, disallowed=True, requests=requests)
        if not pace(host):
            return Answer(url, stopped=True, requests=requests)
        requests += 1
        # The validators belong to the article URL itself, not to where it redirects.
        answer = _get(fetcher, url, None if redirected else validators)
        target = answer.redirect(url)
        if target is not None:
            url, redirected = target, True
            continue
        if answer.error is not None:
            return Answer(url, error=answer.error, redirected=redirected, requests=requests)
        headers = answer.headers
        assert headers is not None
        return Answer(
            url, answer.status, answer.body, headers.get("Content-Type"), headers.get("ETag"),
            headers.get("Last-Modified"), redirected, requests=requests,
        )  # fmt: skip
    return Answer(url, error=f"more than {MAX_REDIRECTS} redirects", requests=requests)


def _get(fetcher: HttpFetcher, url: str, validators: Validators | None) -> Hop:
    if validators is None:
        return fetcher.hop(url)
    return fetcher.hop(url, validators.etag, validators.last_modified)
