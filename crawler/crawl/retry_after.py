"""Retry pacing: honour Retry-After on 429/503, else back off exponentially before a retry.

Either way the whole download slot (host) is held, so the retry and every other request to a
struggling host wait; Scrapy's RetryMiddleware alone re-sends at once.
"""

from __future__ import annotations

import logging
import random
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Self

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.asyncio import call_later

from crawler.timeutil import utc_now

logger = logging.getLogger(__name__)

RETRY_AFTER_STATUSES = frozenset({429, 503})


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds a Retry-After value asks for (delta-seconds or an HTTP date), else None."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - (now or utc_now())).total_seconds())


def backoff_seconds(attempt: int, base: float, cap: float) -> float:
    """Wait before retry number attempt+1: base, 2 base, 4 base ... up to cap, plus up to a
    quarter more at random so hosts retried together do not stay in step."""
    wait = min(cap, base * 2.0**attempt)
    return wait * (1 + random.random() / 4)


class RetryAfterMiddleware:
    """Downloader middleware, just outside RetryMiddleware (which re-queues the request).

    On a 429/503 with Retry-After, nothing more is sent to that host for the asked time,
    capped by NEWSMON_RETRY_AFTER_MAX seconds, so the retry (and every other request to the
    host) waits; without the header the retry keeps Scrapy's usual timing.
    """

    def __init__(self, crawler: Crawler, cap: float, backoff: float, backoff_max: float) -> None:
        self.crawler = crawler
        self.cap = cap
        self.backoff = backoff
        self.backoff_max = backoff_max
        self.retry_codes = {int(c) for c in crawler.settings.getlist("RETRY_HTTP_CODES")}
        self.retry_times = crawler.settings.getint("RETRY_TIMES")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        cap = settings.getfloat("NEWSMON_RETRY_AFTER_MAX")
        if cap <= 0 or not settings.getbool("RETRY_ENABLED"):
            raise NotConfigured("retries are off")
        backoff = settings.getfloat("NEWSMON_RETRY_BACKOFF")
        return cls(crawler, cap, backoff, settings.getfloat("NEWSMON_RETRY_BACKOFF_MAX"))

    def process_exception(self, request: Request, exception: Exception) -> None:
        if self._will_retry(request):
            self._back_off(request, f"{type(exception).__name__}")

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status not in self.retry_codes or not self._will_retry(request):
            return response
        header = response.headers.get(b"Retry-After")
        seconds = retry_after_seconds(bytes(header).decode("latin-1") if header else None)
        if seconds is None or response.status not in RETRY_AFTER_STATUSES:
            self._back_off(request, f"HTTP {response.status}")
            return response
        wait = min(seconds, self.cap)
        self._hold_slot(request, wait)
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("newsmon/retry_after/held")
        logger.info(
            "%s answered %d: holding its host's requests for %.0f s",
            request.url,
            response.status,
            wait,
        )
        return response

    def _will_retry(self, request: Request) -> bool:
        if request.meta.get("dont_retry"):
            return False
        limit = request.meta.get("max_retry_times", self.retry_times)
        return int(request.meta.get("retry_times", 0)) < int(limit)

    def _back_off(self, request: Request, why: str) -> None:
        wait = backoff_seconds(
            int(request.meta.get("retry_times", 0)), self.backoff, self.backoff_max
        )
        if wait <= 0:
            return
        self._hold_slot(request, wait)
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("newsmon/retry/backoff")
        logger.info("%s: %s, retrying its host in %.1f s", request.url, why, wait)

    def _hold_slot(self, request: Request, wait: float) -> None:
        engine = self.crawler.engine
        if engine is None:
            return
        downloader = engine.downloader
        key = downloader.get_slot_key(request)
        slot = downloader.slots.get(key)
        if slot is None:
            return
        # The downloader leaves a slot alone while `latercall` is pending (its delay timer):
        # replace that timer by one that fires after the wait. Private API (slot.delay cannot
        # hold a host without racing AutoThrottle): pinned by test_retry_backoff.
        if slot.latercall is not None:
            slot.latercall.cancel()
        slot.latercall = call_later(wait, downloader._latercall, slot)
