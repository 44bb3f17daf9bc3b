"""Pure: listing and search-result pages -> article links with the date each item shows."""

from __future__ import annotations

import re
from datetime import datetime

from lxml.html import HtmlElement

from crawler.dates import parse_kst
from crawler.discovery.links import DiscoveryError, Link, _http_url
from crawler.htmlpage import parse_html

# A date as listings print it: 2025.10.21, 2025-10-21 09:30, 2025/10/21, 2025년 10월 21일.
_STAMP = re.compile(
    r"\d{4}\s*[.\-/년]\s*\d{1,2}\s*[.\-/월]\s*\d{1,2}\s*일?(?:\s*\(?[^\d()]{0,3}\)?)?"
    r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?"
)
MAX_CLIMB = 5  # ancestors looked at for an item's date


def dated_links(body: bytes | str, base_url: str, pattern: re.Pattern[str]) -> list[Link]:
    """Links matching `pattern`, in page order, each with the date its list item shows.

    An item is the closest ancestor of the link that holds a date stamp and no other
    article: its date belongs to that link alone. A link without such an item is undated.
    """
    doc = parse_html(body)
    if doc is None:
        raise DiscoveryError("empty or unparseable listing page")
    found: dict[str, datetime | None] = {}
    for anchor in doc.iter("a"):
        url = _http_url(base_url, anchor.get("href"))
        if url is None or not pattern.search(url):
            continue
        stamp = _item_date(anchor, base_url, pattern, url)
        if found.get(url) is None:
            found[url] = stamp
    return [Link(url=url, published_at=stamp) for url, stamp in found.items()]


def _item_date(
    anchor: HtmlElement, base_url: str, pattern: re.Pattern[str], url: str
) -> datetime | None:
    element: HtmlElement | None = anchor
    for _ in range(MAX_CLIMB):
        if element is None:
            return None
        if _other_article(element, base_url, pattern, url):
            return None  # the block holds other items: their dates are not this link's
        match = _STAMP.search(element.text_content())
        if match is not None:
            return parse_kst(match.group(0))
        element = element.getparent()
    return None


def _other_article(element: HtmlElement, base_url: str, pattern: re.Pattern[str], url: str) -> bool:
    for anchor in element.iter("a"):
        other = _http_url(base_url, anchor.get("href"))
        if other is not None and other != url and pattern.search(other):
            return True
    return False
