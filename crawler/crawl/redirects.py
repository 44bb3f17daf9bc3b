"""Downloader middleware: redirects never carry secrets to another host, never loop."""

from __future__ import annotations

import logging
from typing import Self
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from w3lib.url import safe_url_string

from crawler.crawl.refusals import Refused
from crawler.urls import REDIRECT_STATUSES, canonical_url

logger = logging.getLogger(__name__)

# Scrapy's redirect middleware drops only Cookie and Authorization on a change of host.
SECRET_HEADERS = (
    "Authorization",
    "Proxy-Authorization",
    "Cookie",
    "X-Naver-Client-Id",
    "X-Naver-Client-Secret",
)


def _origin(url: str) -> tuple[str, int | None]:
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return (parts.hostname or "").lower(), parts.port or default


class RedirectGuardMiddleware:
    """Before Scrapy follows a redirect: refuse loops and over-long chains, refuse any host
    change of a search request; once it has, strip secret headers if the origin changed.

    Placed after RedirectMiddleware (600) so its `process_response` sees the 3xx first.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.max_hops = crawler.settings.getint("REDIRECT_MAX_TIMES")
        names = crawler.settings.getlist("NEWSMON_SECRET_HEADERS") or list(SECRET_HEADERS)
        self.secret_headers = tuple(dict.fromkeys(names))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        earlier = request.meta.get("redirect_urls") or ()
        if not earlier:
            return
        here = _origin(request.url)
        if any(_origin(url) != here for url in earlier):
            for name in self.secret_headers:
                if request.headers.pop(name, None) is not None:
                    self.crawler.stats.inc_value("newsmon/redirect/secret_header_dropped")

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status not in REDIRECT_STATUSES or b"Location" not in response.headers:
            return response
        if request.meta.get("dont_redirect"):
            return response
        location = response.headers[b"Location"] or b""
        target = urljoin(request.url, safe_url_string(location.decode("latin-1")))
        chain = [*(request.meta.get("redirect_urls") or ()), request.url]
        if canonical_url(target) in {canonical_url(url) for url in chain}:
            raise Refused("redirect_loop", f"{request.url} redirects back to {target}")
        if len(chain) > self.max_hops:
            raise Refused("too_many_redirects", f"{request.url}: more than {self.max_hops}")
        if request.meta.get("newsmon_kind") == "search" and _origin(target) != _origin(request.url):
            # A search API answers from its own host; elsewhere is never worth its credentials.
            raise Refused("cross_host_redirect", f"{request.url} redirects to {target}")
        return response
