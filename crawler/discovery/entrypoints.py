"""Pure entry-point discovery: links of a page, same-site tests, candidate feed and list URLs."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

import tldextract
from lxml import etree

from crawler.htmlpage import parse_html

MAX_LINKS = 5000  # links read from one page: a real front page has a few hundred
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
_MENU_WORDS = re.compile(r"menu|gnb|lnb|nav|categor|section|allmenu|sitemap", re.IGNORECASE)
_LISTING_WORDS = re.compile(
    r"list|section|sec\.|sec/|sub|categor|cate|index|local|board|realtime|desk|news", re.I
)
_NOT_PAGES = re.compile(
    r"\.(?:jpe?g|png|gif|webp|svg|css|js|pdf|zip|hwp|mp4|mp3|ico|xml)$|^/?(?:javascript|mailto)",
    re.IGNORECASE,
)

# The Public Suffix List snapshot shipped with tldextract: never fetched at run time.
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@dataclass(frozen=True)
class Anchor:
    """A link of a page: absolute URL, its text and whether it sits in a menu."""

    url: str
    text: str
    in_menu: bool


@dataclass(frozen=True)
class PageLinks:
    """What one HTML page offers to discovery."""

    anchors: tuple[Anchor, ...]
    feeds: tuple[str, ...]  # <link rel="alternate"> RSS/Atom/RDF URLs
    title: str
    forward: str | None = None  # a <meta refresh> target or the first <frame>/<iframe> page


@lru_cache(maxsize=4096)
def site_of(host: str) -> str:
    """The registrable domain of a host ('news.ikbc.co.kr' -> 'ikbc.co.kr'); IPs stay as is."""
    host = host.lower().rstrip(".")
    return _EXTRACT(host).top_domain_under_public_suffix or host


def url_site(url: str) -> str:
    return site_of(urlsplit(url).hostname or "")


def bare_domain(host: str) -> str:
    """The host without 'www.'/'m.' (where ndsoft puts 'cdn.')."""
    for prefix in ("www.", "m.", "mobile."):
        if host.startswith(prefix) and host.count(".") >= 2:
            return host[len(prefix) :]
    return host


def page_links(body: bytes, base_url: str, content_type: str | None = None) -> PageLinks:
    """Links, feed <link>s and the title of an HTML page in any encoding (EUC-KR included)."""
    doc = parse_html(body, content_type)
    if doc is None:
        return PageLinks((), (), "")
    base_href = next((el.get("href") for el in doc.iter("base") if el.get("href")), None)
    base = urljoin(base_url, base_href.strip()) if base_href else base_url
    # a set of the elements themselves: it keeps lxml's proxies (and their identity) alive
    menus = {el for el in doc.iter() if _is_menu(el)}
    anchors: dict[str, Anchor] = {}
    for element in doc.iter("a", "area"):
        url = absolute(base, element.get("href"))
        if url is None or url in anchors:
            continue
        if len(anchors) >= MAX_LINKS:
            break
        in_menu = any(parent in menus for parent in element.iterancestors())
        anchors[url] = Anchor(url, " ".join(_text(element).split())[:80], in_menu)
    feeds = [
        _feed_url(base, el.get("href"))
        for el in doc.iter("link")
        if "alternate" in (el.get("rel") or "").lower()
        and (el.get("type") or "").lower().strip() in _FEED_TYPES
    ]
    title = next((" ".join(_text(el).split()) for el in doc.iter("title")), "")
    forward = _forward(doc, base)
    return PageLinks(tuple(anchors.values()), tuple(u for u in feeds if u), title, forward)


_REFRESH = re.compile(r"url\s*=\s*['\"]?([^'\";]+)", re.IGNORECASE)


def _forward(doc: etree._Element, base: str) -> str | None:
    """Where an old-style front page sends the visitor: meta refresh, else its first frame."""
    for meta in doc.iter("meta"):
        if (meta.get("http-equiv") or "").lower() == "refresh":
            match = _REFRESH.search(meta.get("content") or "")
            if match:
                return absolute(base, match.group(1).strip())
    for frame in doc.iter("frame", "iframe"):
        url = absolute(base, frame.get("src"))
        if url is not None and url_site(url) == url_site(base):
            return url
    return None


def _feed_url(base: str, href: str | None) -> str | None:
    if not href or not href.strip():
        return None
    url = urljoin(base, href.strip()).partition("#")[0]
    return url if url.startswith(("http://", "https://")) else None


def _text(element: etree._Element) -> str:
    return "".join(str(part) for part in element.itertext())


def _is_menu(element: etree._Element) -> bool:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in ("nav", "header"):
        return True
    marks = f"{element.get('class') or ''} {element.get('id') or ''}"
    return bool(marks.strip()) and _MENU_WORDS.search(marks) is not None


def absolute(base: str, href: str | None) -> str | None:
    """`href` resolved against `base` without its fragment, if it is an http(s) page URL."""
    if not href:
        return None
    href = re.sub(r"[\t\n\r]", "", href.strip())
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
        return None
    try:
        url = urljoin(base, href).partition("#")[0]
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    if _NOT_PAGES.search(parts.path):
        return None
    return url


def same_site(urls: Iterable[str], sites: set[str]) -> list[str]:
    """The URLs whose registrable domain is one of `sites`, in order."""
    return [url for url in urls if url_site(url) in sites]


def feed_guesses(homepage: str) -> list[str]:
    """Where the common CMSs publish a feed when no <link> says so (most likely first)."""
    parts = urlsplit(homepage)
    origin = f"{parts.scheme}://{parts.netloc}"
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    cdn = f"{parts.scheme}://cdn.{bare_domain(host)}{port}"
    guesses = [
        f"{cdn}/rss/gn_rss_allArticle.xml",  # newer ndsoft
        f"{origin}/rss/allArticle.xml",  # older ndsoft
        f"{origin}/rss",
        f"{origin}/feed",
        f"{origin}/rss.xml",
    ]
    return guesses if not _is_ip(host) else [g for g in guesses if "//cdn." not in g]


def sitemap_guesses(homepage: str) -> list[str]:
    parts = urlsplit(homepage)
    origin = f"{parts.scheme}://{parts.netloc}"
    return [f"{origin}/sitemap.xml", f"{origin}/sitemap_news.xml"]


def robots_sitemaps(robots_txt: str) -> list[str]:
    """The `Sitemap:` lines of a robots.txt."""
    found = []
    for line in robots_txt.splitlines():
        name, _, value = line.partition(":")
        if name.strip().lower() == "sitemap" and value.strip().startswith("http"):
            found.append(value.strip())
    return list(dict.fromkeys(found))


def _is_ip(host: str) -> bool:
    return bool(re.fullmatch(r"[\d.]+|\[?[0-9a-fA-F:]+\]?", host))


def listing_candidates(
    anchors: Sequence[Anchor], sites: set[str], skip: re.Pattern[str] | None, homepage: str
) -> list[str]:
    """Same-site links worth fetching as listing pages: menu links first, list-like words next."""
    ranked = []
    for order, anchor in enumerate(anchors):
        if url_site(anchor.url) not in sites or anchor.url.rstrip("/") == homepage.rstrip("/"):
            continue
        if skip is not None and skip.search(anchor.url):
            continue
        path = urlsplit(anchor.url)
        wordy = _LISTING_WORDS.search(path.path + "?" + path.query) is not None
        ranked.append((not anchor.in_menu, not wordy, order, anchor.url))
    return [url for *_, url in sorted(ranked)]
