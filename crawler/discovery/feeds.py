"""Pure: RSS/Atom feeds -> article links with their dates."""

from __future__ import annotations

import logging
import re
import time
from datetime import UTC, datetime
from typing import Any

import feedparser

from crawler.dates import parse_kst
from crawler.discovery.links import DiscoveryError, Link, _http_url, _unique_links
from crawler.discovery.payload import (
    _SITEMAP_ROOTS,
    _prepare_xml,
    _utf16_codec,
    root_name,
)
from crawler.text import normalize_line

logger = logging.getLogger(__name__)

_BENIGN_BOZO = (feedparser.NonXMLContentType, feedparser.CharacterEncodingOverride)
_CLOSED_ITEM = re.compile(r"</(?:[\w.-]+:)?(?:item|entry)\s*>")
# Roots that are certainly some other kind of document; anything else is left to feedparser,
# which recovers feeds with odd or missing roots.
_OTHER_ROOTS = _SITEMAP_ROOTS | {"html", "head", "body"}


def parse_feed(body: bytes, base_url: str) -> list[Link]:
    """Item links of an RSS 0.9x/2.0, RSS 1.0 (RDF) or Atom feed, in feed order, de-duplicated.

    A truncated feed yields its complete items (with a warning); a body that is no feed,
    or a broken one without a complete item, raises DiscoveryError.
    """
    data = _prepare_xml(body)
    root = root_name(data)
    if root in _OTHER_ROOTS:
        raise DiscoveryError(f"not a feed: root element <{root}> is no RSS, RDF or Atom root")
    parsed = feedparser.parse(data, response_headers={"content-location": base_url})
    entries: list[Any] = list(parsed.get("entries", []))
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if isinstance(problem, _BENIGN_BOZO):
        problem = None
    if not parsed.get("version") and not entries:
        detail = f" ({problem})" if problem is not None else ""
        raise DiscoveryError(f"not a feed: no RSS, RDF or Atom root element{detail}")
    if problem is not None:
        entries = entries[: _count_closed_items(data)]
        if not entries:
            raise DiscoveryError(f"broken feed without a complete item: {problem}")
        logger.warning(
            "Feed %s is malformed (%s); kept %d complete items", base_url, problem, len(entries)
        )
    links = (_feed_link(entry, base_url) for entry in entries)
    return _unique_links(link for link in links if link is not None)


def _count_closed_items(data: bytes) -> int:
    codec = _utf16_codec(data)
    text = data.decode(codec or "latin-1", errors="replace")
    return len(_CLOSED_ITEM.findall(text))


def _feed_link(entry: Any, base_url: str) -> Link | None:
    url = _http_url(base_url, entry.get("link"))
    if url is None:
        return None
    title = normalize_line(entry.get("title") or "") or None
    return Link(url=url, published_at=_entry_date(entry), title=title)


def _entry_date(entry: Any) -> datetime | None:
    """The item's date; the raw stamp first, as feedparser reads zone-less stamps as UTC."""
    for key in ("published", "updated", "created"):
        stamp = parse_kst(entry.get(key))
        if stamp is not None:
            return stamp
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed: time.struct_time | None = entry.get(key)
        if parsed is not None:
            return datetime(*parsed[:6], tzinfo=UTC)
    return None
