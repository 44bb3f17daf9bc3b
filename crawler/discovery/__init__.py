"""Pure discovery: article links from RSS/Atom feeds, XML sitemaps and HTML listing pages."""

from __future__ import annotations

import re
from dataclasses import dataclass

from crawler.discovery.feeds import parse_feed
from crawler.discovery.links import DiscoveryError, Link
from crawler.discovery.listings import _listing_document, listing_links, parse_listing
from crawler.discovery.pagination import next_page_in
from crawler.discovery.payload import MAX_DECOMPRESSED_BYTES, detect_kind
from crawler.discovery.sitemaps import SitemapResult, parse_sitemap

__all__ = [
    "MAX_DECOMPRESSED_BYTES",
    "DiscoveryError",
    "Found",
    "Link",
    "SitemapResult",
    "detect_kind",
    "listing_links",
    "parse_feed",
    "parse_listing",
    "parse_sitemap",
    "read_discovery",
]


@dataclass(frozen=True)
class Found:
    """What one discovery URL gave: article links, and child sitemaps to read next."""

    links: list[Link]
    children: list[str]
    next_page: str | None = None  # a listing's next page (read from the same parse)


def read_discovery(kind: str, body: bytes, url: str, pattern: re.Pattern[str] | None) -> Found:
    """Read a feed, sitemap or listing answer: the one mapping from kind to parser, shared by
    the spider, `sources check` and entry-point discovery. Sitemap and listing links are kept
    only when they match `pattern` (a listing needs one); a 'search' answer is a feed."""
    if kind in ("feed", "search"):
        return Found(parse_feed(body, url), [])
    if kind == "sitemap":
        result = parse_sitemap(body, url)
        kept = [link for link in result.articles if pattern is None or pattern.search(link.url)]
        return Found(kept, list(result.sitemaps))
    if kind == "listing":
        if pattern is None:
            raise DiscoveryError("a listing page needs an article pattern")
        doc = _listing_document(body)  # parsed once for its links and its next page
        links = [Link(url=found, published_at=None) for found in listing_links(doc, url, pattern)]
        return Found(links, [], next_page_in(doc, url))
    raise DiscoveryError(f"unknown discovery kind {kind!r}")
