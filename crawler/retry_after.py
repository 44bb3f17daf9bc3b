"""Honour Retry-After on 429/503: hold the whole download slot (host) before its retry."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Self

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.asyncio import call_later

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
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryAfterMiddleware:
    """Downloader middleware, just outside RetryMiddleware (which re-queues the request).

    On a 429/503 with Retry-After, nothing more is sent to that host for the asked time,
    capped by NEWSMON_RETRY_AFTER_MAX seconds, so the retry (and every other request to the
    host) waits; without the header the retry keeps Scrapy's usual timing.
    """

    def __init__(self, crawler: Crawler, cap: float) -> None:
        self.crawler = crawler
        self.cap = cap

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        cap = crawler.settings.getfloat("NEWSMON_RETRY_AFTER_MAX", 300.0)
        if cap <= 0:
            raise NotConfigured("NEWSMON_RETRY_AFTER_MAX is 0")
        return cls(crawler, cap)

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status not in RETRY_AFTER_STATUSES:
            return response
        header = response.headers.get(b"Retry-After")
        seconds = retry_after_seconds(bytes(header).decode("latin-1") if header else None)
        if seconds is None:
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
        # replace that timer by one that fires after the wait.
        if slot.latercall is not None:
            slot.latercall.cancel()
        slot.latercall = call_later(wait, downloader._latercall, slot)
