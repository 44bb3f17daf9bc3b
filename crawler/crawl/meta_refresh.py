"""Downloader middleware: Scrapy's meta-refresh redirects, read from the page's head only."""

from __future__ import annotations

from collections.abc import Iterable

from scrapy import Request
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.utils.httpobj import urlparse_cached
from w3lib import html

HEAD_CHARS = 4096  # Scrapy looks for a refresh in the first 4096 characters of the page
# No encoding spends more than four bytes on a character: this many bytes hold HEAD_CHARS.
_HEAD_BYTES = 4 * HEAD_CHARS


def meta_refresh(
    response: TextResponse, ignore_tags: Iterable[str] = ("script", "noscript")
) -> tuple[None, None] | tuple[float, str]:
    """(interval, absolute URL) of the page's meta refresh, or (None, None).

    What `scrapy.utils.response.get_meta_refresh` answers, from the same first 4096
    characters, but decoded from the body's first 16 KiB instead of the whole body.
    """
    head = response.body[:_HEAD_BYTES].decode(response.encoding, "replace")
    head = head.removeprefix("\ufeff")[:HEAD_CHARS]  # Scrapy's text starts after the BOM
    base = html.get_base_url(head, response.url, response.encoding)
    return html.get_meta_refresh(head, base, response.encoding, ignore_tags=ignore_tags)


class HeadMetaRefreshMiddleware(MetaRefreshMiddleware):
    """MetaRefreshMiddleware without decoding every page it passes: Scrapy decodes the whole
    body (~130 KB for a news article) to read its first 4096 characters, on the reactor
    thread, for pages that the extraction worker decodes again anyway."""

    def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        if (
            request.meta.get("dont_redirect", False)
            or request.method == "HEAD"
            or not isinstance(response, HtmlResponse)
            or urlparse_cached(request).scheme not in {"http", "https"}
        ):
            return response
        interval, url = meta_refresh(response, self._ignore_tags)
        if not url:
            return response
        redirected = self._redirect_request_using_get(request, response, url)
        if urlparse_cached(redirected).scheme not in {"http", "https"}:
            return response
        if interval is not None and interval < self._maxdelay:
            return self._redirect(redirected, request, "meta refresh")
        return response
