"""Downloader middleware: a page too large once decompressed is refused by name."""

from __future__ import annotations

import logging
from typing import Self

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from crawler.crawl.refusals import Refused

# Scrapy's own warnings about these refusals; the spider logs each refusal once, with a reason.
_SCRAPY_SIZE_LOGGERS = (
    "scrapy.downloadermiddlewares.httpcompression",
    "scrapy.core.downloader.handlers.http11",
)
_SCRAPY_SIZE_MESSAGES = ("exceeded DOWNLOAD_MAXSIZE", "larger than download max size")


class _SaidOnce(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not any(text in message for text in _SCRAPY_SIZE_MESSAGES)


_SAID_ONCE = _SaidOnce()
CONTENT_ENCODING_META = "newsmon_content_encoding"


class SizeGuardCompressionMiddleware(HttpCompressionMiddleware):
    """Scrapy's decompression, whose size-bomb refusal becomes a `too_large` Refused.

    Scrapy raises a bare IgnoreRequest there, which a spider cannot tell from any other.
    """

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        for name in _SCRAPY_SIZE_LOGGERS:
            logging.getLogger(name).addFilter(_SAID_ONCE)  # the same object: added once
        return super().from_crawler(crawler)

    def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        encodings = response.headers.getlist("Content-Encoding")
        if encodings:  # the capture says how the body came (Scrapy drops the header decoding it)
            request.meta[CONTENT_ENCODING_META] = [e.decode("latin-1") for e in encodings]
        try:
            return super().process_response(request, response)
        except Refused:
            raise
        except IgnoreRequest as exc:
            limit = request.meta.get("download_maxsize", self._max_size)
            detail = f"{response.url}: more than {limit} bytes once decompressed"
            raise Refused("too_large", detail) from exc
