"""Pure discovery: article links from RSS/Atom feeds, XML sitemaps and HTML listing pages."""

from __future__ import annotations

import io
import logging
import re
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import urljoin

import feedparser
from lxml import etree
from lxml.html import HtmlElement

from crawler.htmlpage import parse_html
from crawler.normalize import normalize_line, parse_kst
from crawler.pagination import next_page_in

logger = logging.getLogger(__name__)

# The sitemap protocol caps an uncompressed sitemap at 50 MB; more is a decompression bomb.
MAX_DECOMPRESSED_BYTES = 50 * 1024 * 1024
_GZIP_MAGIC = b"\x1f\x8b"
_SNIFF_BYTES = 64 * 1024
_BENIGN_BOZO = (feedparser.NonXMLContentType, feedparser.CharacterEncodingOverride)
_CLOSED_ITEM = re.compile(r"</(?:[\w.-]+:)?(?:item|entry)\s*>")
_MARKUP_NOISE = re.compile(r"<!--.*?-->|<\?.*?\?>|<![^>]*>", re.DOTALL)
_FIRST_TAG = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
_URL_WHITESPACE = re.compile(r"[\t\n\r]")
_HTTP_URL = re.compile(r"https?://", re.IGNORECASE)
_FEED_ROOTS = frozenset({"rss", "rdf", "feed"})
_SITEMAP_ROOTS = frozenset({"urlset", "sitemapindex"})


@dataclass(frozen=True)
class Link:
    """An article link found by discovery."""

    url: str  # absolute, as found (not canonicalised)
    published_at: datetime | None  # aware UTC (naive stamps are KST)
    title: str | None = None


@dataclass(frozen=True)
class SitemapResult:
    """What one sitemap document lists: article URLs and, for an index, child sitemaps."""

    articles: tuple[Link, ...]
    sitemaps: tuple[str, ...]


class DiscoveryError(ValueError):
    """A discovery document is malformed, truncated beyond use, or refused as dangerous."""


# --- shared input handling ---------------------------------------------------------------


def _utf16_codec(data: bytes) -> str | None:
    """The UTF-16/32 codec a document is in (by BOM or by NUL bytes around '<'), else None."""
    if data[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"):
        return "utf-32"
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    if data[:2] == b"<\x00":
        return "utf-16-le"
    if data[:2] == b"\x00<":
        return "utf-16-be"
    return None


def _gunzip(data: bytes, limit: int = MAX_DECOMPRESSED_BYTES) -> bytes:
    """Inflate a gzip body, refusing one that would expand past `limit` bytes."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise DiscoveryError(f"corrupt gzip body: {exc}") from exc
    if len(out) > limit or inflater.unconsumed_tail:
        raise DiscoveryError(f"gzip body expands past {limit} bytes (decompression bomb)")
    if not inflater.eof and not out:
        raise DiscoveryError("truncated gzip body inflates to nothing")
    if not inflater.eof:
        logger.warning("Gzip body is truncated; using the %d bytes it inflates to", len(out))
    return out


def _refuse_entities(data: bytes) -> None:
    """Refuse any document declaring entities: billion laughs and XXE both need one."""
    codec = _utf16_codec(data)
    text = data.decode(codec, errors="replace").encode("utf-8") if codec else data
    if b"<!ENTITY" in text:
        raise DiscoveryError("document declares XML entities (entity expansion / XXE refused)")


def _prepare_xml(body: bytes) -> bytes:
    """Inflate, refuse entity declarations and drop whitespace before the XML declaration."""
    data = _gunzip(body) if body.startswith(_GZIP_MAGIC) else body
    if not data or data.isspace():
        raise DiscoveryError("empty body")
    _refuse_entities(data)
    # PHP/JSP feeds often emit blank lines before '<?xml', which XML parsers reject.
    return data if _utf16_codec(data) else data.lstrip()


def _http_url(base: str, href: str | None) -> str | None:
    """`href` resolved against `base`, without fragment, if it is an http(s) URL."""
    if not href:
        return None
    href = _URL_WHITESPACE.sub("", href.strip())
    # Sitemaps list tens of thousands of absolute URLs: skip urljoin's parsing for them.
    url = href if _HTTP_URL.match(href) else urljoin(base, href)
    url = url.partition("#")[0]
    return url if _HTTP_URL.match(url) else None


def _unique_links(links: Iterable[Link]) -> list[Link]:
    seen: set[str] = set()
    out = []
    for link in links:
        if link.url not in seen:
            seen.add(link.url)
            out.append(link)
    return out


# --- feeds -------------------------------------------------------------------------------


def parse_feed(body: bytes, base_url: str) -> list[Link]:
    """Item links of an RSS 0.9x/2.0, RSS 1.0 (RDF) or Atom feed, in feed order, de-duplicated.

    A truncated feed yields its complete items (with a warning); a body that is no feed,
    or a broken one without a complete item, raises DiscoveryError.
    """
    data = _prepare_xml(body)
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


# --- sitemaps ----------------------------------------------------------------------------


def parse_sitemap(body: bytes, base_url: str) -> SitemapResult:
    """Article URLs of a urlset (Google news sitemaps included) or child sitemaps of an index.

    Gzip bodies are inflated (at most MAX_DECOMPRESSED_BYTES). A truncated sitemap yields
    its complete entries; one without any, or a body that is no sitemap, raises DiscoveryError.
    """
    data = _prepare_xml(body)
    articles: list[Link] = []
    sitemaps: list[str] = []
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
        articles=tuple(_unique_links(articles)), sitemaps=tuple(dict.fromkeys(sitemaps))
    )


def _collect(
    kind: str, element: Any, base_url: str, articles: list[Link], sitemaps: list[str]
) -> None:
    url = _http_url(base_url, _child_text(element, "loc"))
    if url is None:
        return
    if kind == "sitemap":
        sitemaps.append(url)
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
            root = element
            if _local(root).lower() not in _SITEMAP_ROOTS:
                raise DiscoveryError(f"not a sitemap (root element <{_local(root)}>)")
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


# --- listing pages -----------------------------------------------------------------------


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


# --- sniffing ----------------------------------------------------------------------------


def detect_kind(body: bytes) -> Literal["feed", "sitemap", "html"]:
    """Sniff what a discovery URL returned from its root element; anything else is 'html'."""
    head = body[: _SNIFF_BYTES * 4]
    if head.startswith(_GZIP_MAGIC):
        # Only the head is inflated, so a bomb costs at most _SNIFF_BYTES here.
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, _SNIFF_BYTES)
        except zlib.error:
            return "html"
    codec = _utf16_codec(head)
    text = head[:_SNIFF_BYTES].decode(codec or "latin-1", errors="replace")
    match = _FIRST_TAG.search(_MARKUP_NOISE.sub("", text))
    root = match.group(1).lower() if match else ""
    if root in _FEED_ROOTS:
        return "feed"
    if root in _SITEMAP_ROOTS:
        return "sitemap"
    return "html"


# --- the one dispatch by kind ------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """What one discovery URL gave: article links, and child sitemaps to read next."""

    links: list[Link]
    children: list[str]
    next_page: str | None = None  # a listing's next page (read from the same parse)


def read_discovery(
    kind: str, body: bytes, url: str, pattern: re.Pattern[str] | None
) -> Found:
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
