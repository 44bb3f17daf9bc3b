"""Pure: XML sitemaps and sitemap indexes -> article links and child sitemaps."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree

from crawler.dates import parse_kst
from crawler.discovery.links import DiscoveryError, Link, _http_url, _unique_links
from crawler.discovery.payload import _SITEMAP_ROOTS, _prepare_xml, root_name
from crawler.text import normalize_line

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SitemapResult:
    """What one sitemap document lists: article URLs and, for an index, child sitemaps."""

    articles: tuple[Link, ...]
    sitemaps: tuple[str, ...]
    # each child sitemap's <lastmod> (None when absent), in the order of `sitemaps`
    sitemap_dates: tuple[datetime | None, ...] = ()


def parse_sitemap(body: bytes, base_url: str) -> SitemapResult:
    """Article URLs of a urlset (Google news sitemaps included) or child sitemaps of an index.

    Gzip bodies are inflated (at most MAX_DECOMPRESSED_BYTES). A truncated sitemap yields
    its complete entries; one without any, or a body that is no sitemap, raises DiscoveryError.
    """
    data = _prepare_xml(body)
    root = root_name(data)
    if root and root not in _SITEMAP_ROOTS:
        raise DiscoveryError(f"not a sitemap (root element <{root}>)")
    articles: list[Link] = []
    sitemaps: dict[str, datetime | None] = {}
    try:
        for kind, element in _sitemap_entries(data):
            _collect(kind, element, base_url, articles, sitemaps)
    except etree.XMLSyntaxError as exc:
        if not (articles or sitemaps):
            raise DiscoveryError(f"broken sitemap without a complete entry: {exc}") from exc
        count = len(articles) + len(sitemaps)
        logger.warning(
            "Sitemap %s is malformed (%s); kept %d complete entries", base_url, exc, count
        )
    return SitemapResult(
        articles=tuple(_unique_links(articles)),
        sitemaps=tuple(sitemaps),
        sitemap_dates=tuple(sitemaps.values()),
    )


def _collect(
    kind: str,
    element: Any,
    base_url: str,
    articles: list[Link],
    sitemaps: dict[str, datetime | None],
) -> None:
    url = _http_url(base_url, _child_text(element, "loc"))
    if url is None:
        return
    if kind == "sitemap":
        sitemaps.setdefault(url, parse_kst(_child_text(element, "lastmod")))
        return
    news = next((child for child in element if _local(child) == "news"), None)
    stamp = _child_text(news, "publication_date") if news is not None else None
    title = _child_text(news, "title") if news is not None else None
    published = parse_kst(stamp) or parse_kst(_child_text(element, "lastmod"))
    articles.append(
        Link(url=url, published_at=published, title=normalize_line(title or "") or None)
    )


def _sitemap_entries(data: bytes) -> Iterator[tuple[str, Any]]:
    """Yield each complete <url>/<sitemap> element under the root, freeing it afterwards."""
    events = etree.iterparse(
        io.BytesIO(data),
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        remove_comments=True,
    )
    root: Any = None
    for event, element in events:
        if root is None:
            # parse_sitemap checked the root's name from the bytes before streaming.
            root = element
            continue
        if event == "end" and element.getparent() is root and _local(element) in ("url", "sitemap"):
            yield _local(element), element
            element.clear()
            # Drop finished siblings so a 50 MB sitemap does not stay in memory as a tree.
            while element.getprevious() is not None:
                del root[0]


def _local(element: Any) -> str:
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _child_text(element: Any, name: str) -> str | None:
    for child in element:
        if _local(child) == name:
            return (child.text or "").strip() or None
    return None
