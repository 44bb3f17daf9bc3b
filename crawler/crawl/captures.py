"""Extension: every article response (and, when asked, every discovery page) kept as a WARC capture.

The decision is known once the item leaves the pipelines (`item_scraped`, `item_dropped`,
`item_error`); the capture is then handed to the capture log's own thread, so the reactor never
writes or compresses a record. Pages that failed with an HTTP error (404, 410...) are captured
with their answer; refusals before a body arrived (too large, off scope) have nothing to keep.
A downloader middleware captures the 3xx answers of an article's redirect chain as they come.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from typing import Any, Self
from urllib.parse import urljoin

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure
from w3lib.url import safe_url_string

from crawler.capture import Capture, Decision, Located, http_headers_of
from crawler.capture.log import CaptureLog
from crawler.crawl.items import ArticleItem
from crawler.crawl.services import services_of
from crawler.crawl.size_guard import CONTENT_ENCODING_META
from crawler.sources import Source
from crawler.timeutil import utc_now
from crawler.urls import REDIRECT_STATUSES

logger = logging.getLogger(__name__)


def captures_on(crawler: Crawler) -> None:
    """NotConfigured, so Scrapy leaves the component out, when captures are off."""
    if not crawler.settings.getbool("NEWSMON_ARCHIVE_WARC"):
        raise NotConfigured("WARC captures are off ([archive] warc = false)")


class CaptureRecorder:
    """Write the WARC capture of each article page with newsmon's decision about it."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        captures_on(crawler)
        recorder = cls(crawler)
        crawler.signals.connect(recorder.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(recorder.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(recorder.item_error, signal=signals.item_error)
        if crawler.settings.getbool("NEWSMON_ARCHIVE_DISCOVERY"):
            crawler.signals.connect(recorder.response_received, signal=signals.response_received)
        return recorder

    @property
    def log(self) -> CaptureLog | None:
        return services_of(self.crawler).captures

    def item_scraped(self, item: Any, response: Response | Failure) -> None:
        self._capture(item, response)

    def item_dropped(self, item: Any, response: Response | Failure) -> None:
        self._capture(item, response)

    def item_error(self, item: Any, response: Response | Failure) -> None:
        if isinstance(item, ArticleItem) and item.decision is None:
            item.decision = "error"
        self._capture(item, response)

    def response_received(self, response: Response, request: Request) -> None:
        if request.meta.get("newsmon_discovery") and self.log is not None:
            kind = str(request.meta.get("newsmon_kind", "discovery"))
            capture = capture_of(response, request, source=None, canonical=None)
            self.log.submit(capture, Decision("discovery", kind), self._done)

    def _capture(self, item: Any, outcome: Response | Failure) -> None:
        log = self.log
        if log is None or not isinstance(item, ArticleItem):
            return
        decision = Decision(
            item.decision or ("gone" if item.gone else "no_body"),
            item.decision_detail,
            item.stored_as[1] if item.stored_as else None,
            item.stored_as[0] if item.stored_as else None,
        )
        if item.captured is not None or item.capture is not None:  # a replayed page
            self._replayed(log, item, decision)
            return
        if item.encoded is not None:  # the extraction worker wrote the exchange's records
            log.submit(_entry_of(item), decision, self._done, item.encoded)
            return
        response = _response_of(outcome)
        if response is None or response.request is None:
            return  # refused before any body came: nothing was received to keep
        capture = capture_of(response, response.request, item.source, item.canonical_url,
                             captured_at=item.fetched_at)  # fmt: skip
        log.submit(capture, decision, self._done)

    def _replayed(self, log: CaptureLog, item: ArticleItem, decision: Decision) -> None:
        if item.captured is not None:  # archived already: its new decision is indexed
            log.submit_index(_entry_of(item), decision, item.captured)
            return
        assert item.capture is not None
        capture = replace(item.capture, source=item.source, canonical_url=item.canonical_url)
        log.submit(capture, decision, self._done)

    def _done(self, located: Located | None) -> None:
        counted(self.crawler, located)


class RedirectCaptureMiddleware:
    """Downloader middleware: the 3xx answers of an article's redirect chain, each captured as
    it comes (decision `redirect`, its target as detail), before RedirectMiddleware (600)
    follows it. The page at the end of the chain is the article's own capture.

    Indexed without a canonical URL: a look-up by article (topic recheck, provenance) must
    find the page, never a redirect to it. A body still content-encoded (decoding comes after
    redirects) is left out: only its headers are kept, the original Content-Encoding renamed.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        captures_on(crawler)
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        location = response.headers.get(b"Location")
        if (
            response.status in REDIRECT_STATUSES and location
            and request.meta.get("newsmon_article") and not request.meta.get("dont_redirect")
        ):  # fmt: skip
            log = services_of(self.crawler).captures
            if log is not None:
                target = urljoin(request.url, safe_url_string(location.decode("latin-1")))
                source = getattr(self.crawler.spider, "source", None)
                key = source.key if isinstance(source, Source) else None
                capture = capture_of(response, request, key, None)
                if b"Content-Encoding" in response.headers:
                    capture = _without_body(capture)
                log.submit(capture, Decision("redirect", f"to {target}"), self._done)
        return response

    def _done(self, located: Located | None) -> None:
        counted(self.crawler, located)


def counted(crawler: Crawler, located: Located | None) -> None:
    """Count a capture written (or lost: None) in the crawl's stats."""
    stats = crawler.stats
    assert stats is not None
    if located is None:
        stats.inc_value("newsmon/capture/errors")
        return
    stats.inc_value("newsmon/capture/records")
    stats.inc_value("newsmon/capture/bytes", located.length)


def capture_of(
    response: Response, request: Request, source: str | None, canonical: str | None,
    *, body: bytes | None = None, captured_at: datetime | None = None,
) -> Capture:  # fmt: skip
    """The capture of one exchange, with the body as Scrapy handed it over (decoded) unless
    `body` is given (b"" when the body travels beside it)."""
    headers = [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in response.headers.items()
        for value in values
    ]
    sent = [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in request.headers.items()
        for value in values
    ]
    decoded = request.meta.get(CONTENT_ENCODING_META, ())
    return Capture(
        url=response.url,
        captured_at=captured_at or utc_now(),
        status=response.status,
        headers=http_headers_of(headers, len(response.body), decoded),
        body=response.body if body is None else body,
        protocol=response.protocol or "HTTP/1.1",
        method=request.method,
        request_headers=sent,
        source=source,
        canonical_url=canonical,
    )


def _entry_of(item: ArticleItem) -> Capture:
    """What indexing a capture of the item needs (its records are written already, or were
    encoded from the response)."""
    return Capture(item.url, item.fetched_at, 0, [], b"", source=item.source,
                   canonical_url=item.canonical_url)  # fmt: skip


def _without_body(capture: Capture) -> Capture:
    """The capture with its body left out (its Content-Length 0), its headers as received."""
    headers = [(name, value) for name, value in capture.headers if name.lower() != "content-length"]
    return replace(capture, body=b"", headers=[*headers, ("Content-Length", "0")])


def _response_of(outcome: Response | Failure) -> Response | None:
    if isinstance(outcome, Response):
        return outcome
    if isinstance(outcome, Failure) and isinstance(outcome.value, HttpError):
        response = outcome.value.response
        return response if isinstance(response, Response) else None
    return None
