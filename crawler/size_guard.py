"""Downloader middleware: a page too large once decompressed is refused by name."""

from __future__ import annotations

from scrapy import Request
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from crawler.refusals import Refused


class SizeGuardCompressionMiddleware(HttpCompressionMiddleware):
    """Scrapy's decompression, whose size-bomb refusal becomes a `too_large` Refused.

    Scrapy raises a bare IgnoreRequest there, which a spider cannot tell from any other.
    """

    def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        try:
            return super().process_response(request, response)
        except Refused:
            raise
        except IgnoreRequest as exc:
            raise Refused("too_large", f"{response.url}: {exc}") from exc
