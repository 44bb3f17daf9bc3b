"""Retries back off: the host's slot is held before a retry, longer for each attempt."""

from __future__ import annotations

import inspect

import pytest
from scrapy import Request
from scrapy.core.downloader import Downloader, Slot
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from crawler.crawl.retry_after import RetryAfterMiddleware, backoff_seconds
from crawler.crawl.settings import STATIC_SETTINGS


@pytest.mark.parametrize(
    ("attempt", "low", "high"), [(0, 1, 1.25), (1, 2, 2.5), (3, 8, 10), (10, 60, 75)]
)
def test_backoff_doubles_up_to_the_cap(attempt: int, low: float, high: float) -> None:
    assert all(low <= backoff_seconds(attempt, 1.0, 60.0) <= high for _ in range(50))


@pytest.mark.parametrize(
    ("status", "retry_times", "held"),
    [(500, 0, True), (503, 1, True), (500, 2, False), (404, 0, False), (200, 0, False)],
    ids=["500-first", "503-second", "500-no-retry-left", "404", "200"],
)
def test_a_retry_waits_only_when_one_will_follow(status: int, retry_times: int, held: bool) -> None:
    crawler = get_crawler(settings_dict={**STATIC_SETTINGS, "EXTENSIONS": {}, "RETRY_TIMES": 2})
    middleware = RetryAfterMiddleware.from_crawler(crawler)
    waits: list[float] = []
    middleware._hold_slot = lambda request, wait: waits.append(wait)  # type: ignore[method-assign]
    request = Request("http://news.example.kr/a", meta={"retry_times": retry_times})
    middleware.process_response(request, Response(request.url, status=status, request=request))
    assert bool(waits) is held
    if held:
        assert 2.0**retry_times <= waits[0] <= 1.25 * 2.0**retry_times


def test_connection_errors_back_off_too() -> None:
    crawler = get_crawler(settings_dict={**STATIC_SETTINGS, "EXTENSIONS": {}, "RETRY_TIMES": 2})
    middleware = RetryAfterMiddleware.from_crawler(crawler)
    waits: list[float] = []
    middleware._hold_slot = lambda request, wait: waits.append(wait)  # type: ignore[method-assign]
    middleware.process_exception(Request("http://news.example.kr/a"), TimeoutError("slow"))
    assert len(waits) == 1 and 1.0 <= waits[0] <= 1.25


def test_the_slot_hold_rests_on_scrapy_internals_that_still_behave_so() -> None:
    """Holding a host uses Scrapy's private downloader timer (`Slot.latercall`,
    `Downloader._latercall`): a Scrapy upgrade that changes either fails here, loudly."""
    slot = Slot(concurrency=1, delay=0, jitter=0)
    assert slot.latercall is None
    assert list(inspect.signature(Downloader._latercall).parameters) == ["self", "slot"]
    # the queue is left alone while the timer is pending, and the timer clears it again
    assert "if slot.latercall:" in inspect.getsource(Downloader._process_queue)
    assert "slot.latercall = None" in inspect.getsource(Downloader._latercall)
