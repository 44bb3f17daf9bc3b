"""Pure: listing (section) pages -> links matching a source's article pattern."""

from __future__ import annotations

import re
from urllib.parse import urljoin

from lxml.html import HtmlElement

from crawler.discovery.links import DiscoveryError, _http_url
from crawler.htmlpage import parse_html


def parse_listing(html: bytes | str, base_url: str, pattern: re.Pattern[str] | str) -> list[str]:
    """Absolute http(s) URLs of <a>/<area> links matching `pattern` (re.search), in page order.

    Links resolve against <base href> (itself relative to `base_url`); fragments are dropped.
    """
    return listing_links(_listing_document(html), base_url, pattern)


def _listing_document(html: bytes | str) -> HtmlElement:
    doc = parse_html(html)
    if doc is None:
        raise DiscoveryError("empty or unparseable listing page")
    return doc


def listing_links(doc: HtmlElement, base_url: str, pattern: re.Pattern[str] | str) -> list[str]:
    """`parse_listing` on a page parsed already."""
    regex = re.compile(pattern) if isinstance(pattern, str) else pattern
    base_href = next((el.get("href") for el in doc.iter("base") if el.get("href")), None)
    base = urljoin(base_url, base_href.strip()) if base_href else base_url
    found: dict[str, None] = {}
    for anchor in doc.iter("a", "area"):
        url = _http_url(base, anchor.get("href"))
        if url is not None and regex.search(url):
            found.setdefault(url)
    return list(found)
