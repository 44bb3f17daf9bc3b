"""Pure discovery: article links from RSS/Atom feeds, XML sitemaps, HTML listing pages and
JSON listings (API answers)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from crawler.discovery.apilisting import ApiListing, parse_api_listing
from crawler.discovery.feeds import parse_feed
from crawler.discovery.links import DiscoveryError, Link
from crawler.discovery.listings import _listing_document, listing_links, parse_listing
from crawler.discovery.pagination import next_page_in
from crawler.discovery.payload import MAX_DECOMPRESSED_BYTES, detect_kind
from crawler.discovery.sitemaps import SitemapResult, parse_sitemap

__all__ = [
    "MAX_DECOMPRESSED_BYTES",
    "ApiListing",
    "DiscoveryError",
    "Found",
    "Link",
    "SitemapResult",
    "detect_kind",
    "listing_links",
    "parse_api_listing",
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


def read_discovery(
    kind: str,
    body: bytes,
    url: str,
    pattern: re.Pattern[str] | None,
    api: ApiListing | None = None,
) -> Found:
    """Read a feed, sitemap, listing or API answer: the one mapping from kind to parser, shared
    by the spider, the daemon's poll, `sources check` and entry-point discovery. Sitemap,
    listing and API links are kept only when they match `pattern` (a listing needs one); a
    'search' answer is a feed; an 'api' answer is read as `api` says."""
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
    if kind == "api":
        if api is None:
            raise DiscoveryError("an API listing needs its item path and URL field or template")
        return Found(parse_api_listing(body, url, api, pattern), [])
    raise DiscoveryError(f"unknown discovery kind {kind!r}")
