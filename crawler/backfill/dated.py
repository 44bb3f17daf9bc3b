"""Pure: listing and search-result pages -> article links with the date each item shows."""

from __future__ import annotations

import re
from dataclasses import dataclass
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


@dataclass(frozen=True)
class DatedPage:
    """A listing page's article links with their dates, and which of them form its main list
    (the largest group of dated items sharing one container: a sidebar's dates are not the
    list's, so they never end a walk)."""

    links: list[Link]
    main: frozenset[str]

    def main_days(self) -> list[datetime]:
        return [
            link.published_at
            for link in self.links
            if link.published_at is not None and link.url in self.main
        ]


def dated_links(body: bytes | str, base_url: str, pattern: re.Pattern[str]) -> list[Link]:
    """Links matching `pattern`, in page order, each with the date its list item shows."""
    return dated_page(body, base_url, pattern).links


def dated_page(body: bytes | str, base_url: str, pattern: re.Pattern[str]) -> DatedPage:
    """`dated_links`, and the main list. An item is the closest ancestor of a link that holds
    a date stamp and no other article: its date belongs to that link alone. A link without
    such an item is undated."""
    doc = parse_html(body)
    if doc is None:
        raise DiscoveryError("empty or unparseable listing page")
    found: dict[str, datetime | None] = {}
    groups: dict[tuple[str, ...], list[str]] = {}
    for anchor in doc.iter("a"):
        url = _http_url(base_url, anchor.get("href"))
        if url is None or not pattern.search(url):
            continue
        item = _item(anchor, base_url, pattern, url)
        stamp = _stamp(item)
        if stamp is not None and item is not None:
            groups.setdefault(_container(item), []).append(url)
        if found.get(url) is None:
            found[url] = stamp
    main = max(groups.values(), key=len, default=[])
    links = [Link(url=url, published_at=stamp) for url, stamp in found.items()]
    return DatedPage(links, frozenset(main))


def _item(
    anchor: HtmlElement, base_url: str, pattern: re.Pattern[str], url: str
) -> HtmlElement | None:
    """The closest ancestor of `anchor` with a date stamp and no other article, if any."""
    element: HtmlElement | None = anchor
    for _ in range(MAX_CLIMB):
        if element is None or _other_article(element, base_url, pattern, url):
            return None  # the block holds other items: their dates are not this link's
        if _STAMP.search(element.text_content()):
            return element
        element = element.getparent()
    return None


def _stamp(item: HtmlElement | None) -> datetime | None:
    match = _STAMP.search(item.text_content()) if item is not None else None
    return parse_kst(match.group(0)) if match is not None else None


def _container(item: HtmlElement) -> tuple[str, ...]:
    """Where an item sits: its own and its two parents' tags and classes."""
    path = []
    element: HtmlElement | None = item
    for _ in range(3):
        if element is None:
            break
        path.append(f"{element.tag}.{element.get('class', '')}")
        element = element.getparent()
    return tuple(path)


def _other_article(element: HtmlElement, base_url: str, pattern: re.Pattern[str], url: str) -> bool:
    for anchor in element.iter("a"):
        other = _http_url(base_url, anchor.get("href"))
        if other is not None and other != url and pattern.search(other):
            return True
    return False
