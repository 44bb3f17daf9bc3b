"""Headline, publication time, canonical URL and byline of an article page."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from lxml import etree
from lxml.html import HtmlElement

from crawler.normalize import normalize_line, parse_kst
from crawler.parsers.jsonld import string_field

_SEPARATORS = re.compile(r"\s+(?:[|\-–—<>:·«»]|::)\s+")
_WRAPPED_SITE = re.compile(r"^\s*::[^:]{1,30}::\s*|\s*::[^:]{1,30}::\s*$")
_MAX_SUFFIX = 25
# Tried in order, cheapest and likeliest first; each is one pass of libxml2 over the tree.
_HEADLINE_XPATHS = tuple(
    etree.XPath(path)
    for path in (
        "//h1",
        "//*[contains(@class,'headline') or contains(@class,'heading') or "
        "contains(@class,'tit') or contains(@id,'title') or contains(@itemprop,'headline')]",
        "//h2 | //h3 | //h4",
    )
)
_DATE_METAS = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "date",
    "dc.date",
    "dc.date.issued",
    "article:published",
    "sailthru.date",
    "parsely-pub-date",
)
_STAMP = re.compile(
    r"(?:입력|등록|기사입력|발행|게재|승인|송고)\s*(?:일|일시|시간)?\s*[:：]?\s*"
    r"(\d{4}\s*[.\-/년]\s*\d{1,2}\s*[.\-/월]\s*\d{1,2}\s*일?"
    r"(?:\s*\([^)]*\))?(?:\s*(?:오전|오후))?(?:\s*\d{1,2}\s*[:시]\s*\d{1,2}(?:\s*[:분]\s*\d{1,2})?)?)"
)
_REPORTER = re.compile(
    r"[가-힣]{2,4}\s?(?:선임|수석|객원|인턴|전문|사진|영상)?\s?(?:기자|특파원|통신원)"
)
_MAX_BYLINE = 80


def metas(root: HtmlElement) -> dict[str, str]:
    """<meta> contents keyed by lower-case property/name/itemprop; the first one wins."""
    found: dict[str, str] = {}
    for meta in root.iterfind(".//meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop")
        content = meta.get("content")
        if key and content and content.strip():
            found.setdefault(key.strip().lower(), content.strip())
    return found


def headline(root: HtmlElement, meta: dict[str, str], ld: dict[str, Any] | None) -> str | None:
    """The visible headline element matching the metadata title, else the cleanest meta title."""
    sites = _site_names(meta)
    raw = [
        string_field(ld, "headline") if ld else None,
        meta.get("og:title"),
        meta.get("twitter:title"),
        meta.get("title"),
        root.findtext(".//title"),
    ]
    titles = [t for t in (strip_site(normalize_line(r), sites) for r in raw if r) if t]
    visible = _visible_headline(root, titles)
    if visible:
        return visible
    if titles:
        return titles[0]
    first_h1 = root.find(".//h1")
    text = normalize_line(first_h1.text_content()) if first_h1 is not None else ""
    return text or None


def _visible_headline(root: HtmlElement, titles: list[str]) -> str | None:
    if not titles:
        return None
    for xpath in _HEADLINE_XPATHS:
        found = xpath(root)
        for el in found if isinstance(found, list) else []:
            if not isinstance(el, HtmlElement):
                continue
            text = normalize_line(" ".join(el.text_content().split()))
            if 4 <= len(text) <= 300 and any(_same_title(text, t) for t in titles):
                return text
    return None


def strip_site(title: str, sites: Iterable[str] = ()) -> str:
    """Drop site names and section trails: ' - 전남일보', ' | KBS 뉴스', ':: 광주일보 ::'."""
    title = _WRAPPED_SITE.sub("", title).strip()
    for site in sites:
        if title.endswith(site) and len(title) > len(site) + 4:
            title = title[: -len(site)].rstrip(" |-–—:<>·")
    while True:
        match = next(reversed(list(_SEPARATORS.finditer(title))), None)
        if match is None or len(title) - match.end() > _MAX_SUFFIX or match.start() < 8:
            return title
        title = title[: match.start()].rstrip()


def published_at(
    root: HtmlElement, meta: dict[str, str], ld: dict[str, Any] | None
) -> datetime | None:
    """Publication time from metadata, JSON-LD, <time> or an '입력 2025.08.27 20:27' stamp."""
    candidates: list[str | None] = [meta.get(key) for key in _DATE_METAS]
    candidates.insert(1, string_field(ld, "datePublished") if ld else None)
    candidates.extend(root.xpath("//time/@datetime")[:1])
    for candidate in candidates:
        parsed = parse_kst(candidate)
        if parsed is not None:
            return parsed
    body = root.find("body")
    match = _STAMP.search(body.text_content()) if body is not None else None
    return parse_kst(match.group(1)) if match else None


def canonical_url(root: HtmlElement, meta: dict[str, str], url: str) -> str | None:
    """<link rel=canonical> or og:url, made absolute against the page URL."""
    hrefs = root.xpath("//link[translate(@rel,'CANONICAL','canonical')='canonical']/@href")
    href = (str(hrefs[0]).strip() if hrefs else "") or meta.get("og:url", "")
    return urljoin(url, href) if href else None


def byline(
    paragraphs: Sequence[str], meta: dict[str, str], ld: dict[str, Any] | None
) -> str | None:
    """A reporter line near the end (or start) of the body, else the author metadata."""
    for text in (*paragraphs[-3:][::-1], *paragraphs[:1]):
        found = _reporter_line(text)
        if found:
            return found
    author = meta.get("author") or meta.get("dable:author") or meta.get("article:author")
    if ld and not author:
        author = string_field(ld, "author")
    return author if author and not author.startswith("http") else None


def _reporter_line(text: str) -> str | None:
    """The reporter credit in a line, without the sentence it may be glued to ('…했다.부산=…')."""
    match = _REPORTER.search(text)
    if match is None:
        return None
    head = text[: match.start()]
    start = max(head.rfind("다."), head.rfind(". "), head.rfind("요."))
    start = start + 2 if start >= 0 else 0
    found = text[start:].strip()
    return found if len(found) <= _MAX_BYLINE else None


def _site_names(meta: dict[str, str]) -> list[str]:
    keys = ("og:site_name", "application-name", "apple-mobile-web-app-title", "twitter:site")
    values = (meta[k] for k in keys if k in meta)
    names = {normalize_line(v) for v in values if not v.startswith(("@", "http"))}
    return sorted((n for n in names if n), key=len, reverse=True)


def _same_title(visible: str, title: str) -> bool:
    """The visible headline equals the meta title or is it minus a site tag ('[목포신문] …')."""
    return visible == title or (len(visible) >= 0.6 * len(title) and visible in title)
