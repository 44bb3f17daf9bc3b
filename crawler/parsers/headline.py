"""The article's headline: its own headline element or title metadata, never the outlet's name."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, cast
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement

from crawler.parsers.boardtext import is_board_name, is_keyword_list
from crawler.parsers.jsonld import string_field
from crawler.text import normalize_line

_SEPARATORS = re.compile(r"\s+(?:[|\-–—<>:·«»]|::)\s+")
# Separators after a site name that opens a title ('대전일보 모바일 :: 제목'); not '<' or '>',
# which run trails of sections after the story.
_PREFIX_SEPARATOR = re.compile(r"\s+(?:[|\-–—:·]|::)\s+")
_MAX_PREFIX = 20
_WRAPPED_SITE = re.compile(r"^\s*::[^:]{1,30}::\s*|\s*::[^:]{1,30}::\s*$")
_MAX_SUFFIX = 25
# Words that make a name an outlet's rather than a story's: 'KBS 뉴스', '조선닷컴', 'MBC NEWS'.
_OUTLET_WORDS = re.compile(
    r"뉴스|news|닷컴|\.com|홈페이지|홈|home|온라인|online|인터넷|방송|tv|공식|official|"
    r"일보|신문|미디어|media|타임스|times|저널|journal|데일리|daily|투데이|today|매일|경제|"
    r"모바일|mobile",
    re.IGNORECASE,
)
# Host labels that are not a brand: aliases, sections and public suffixes.
_HOST_NOISE = frozenset(
    [
        "www",
        "m",
        "mobile",
        "amp",
        "news",
        "n",
        "view",
        "en",
        "biz",
        "co",
        "or",
        "go",
        "ac",
        "ne",
        "re",
        "kr",
        "com",
        "net",
        "org",
        "tv",
        "info",
        "invalid",
        "example",
        "localhost",
    ]
)
_COMPACT = re.compile(r"[\s\W_]+")
# Elements named like a title (as //*[contains(@class,'headline') or contains(@class,'heading')
# or contains(@class,'tit') or contains(@id,'title') or contains(@itemprop,'headline')] finds
# them). Smart strings would make an element proxy for every element with a class, so libxml2
# narrows the classes down first; the two tests cover all three words ('head' for both
# 'headline' and 'heading'), and Python keeps the exact ones.
_CLASSES = etree.XPath("//*/@class[contains(.,'tit') or contains(.,'head')]")
_TITLE_IDS = etree.XPath(
    "//*/@id[contains(.,'title')]/.. | //*/@itemprop[contains(.,'headline')]/.."
)
_H1 = etree.XPath("//h1")
_H2_H4 = etree.XPath("//h2 | //h3 | //h4")
# The page's own headline element when no title metadata can be trusted.
_OWN_XPATH = etree.XPath(
    "//*/@itemprop[.='headline']/.. | //h1 | //*/@class[contains(.,'headline')]/.."
)
_SITE_CHROME = re.compile(
    r"(?<![a-z])(?:logo|brand|masthead|gnb|lnb|navbar|nav|menu|footer|site[-_]?(?:header|name|title))"
)
_STRICT_CHARS = 15
_STRICT_WORDS = 3
_TITLE_KEYS = ("og:title", "twitter:title", "title")
_SITE_KEYS = ("og:site_name", "application-name", "apple-mobile-web-app-title", "twitter:site")


@dataclass
class Outlet:
    """What the outlet calls itself: site-name metadata, title suffixes, the domain's brand."""

    names: list[str] = field(default_factory=list)  # longest first, as written
    brands: set[str] = field(default_factory=set)  # host labels, lower-case ASCII

    def is_outlet(self, text: str) -> bool:
        """True when `text` is the outlet's name rather than a story's headline."""
        compact = _compact(text)
        if not compact:
            return True
        if any(compact == _name_forms(name)[0] for name in self.names):
            return True
        core = _core(text)
        if core and any(core == _name_forms(n)[1] for n in self.names):
            return True
        return bool(core) and core.isascii() and any(_brand_match(core, b) for b in self.brands)


def outlet_of(meta: dict[str, str], titles: Iterable[str], url: str | None) -> Outlet:
    """Site names from metadata and from the suffixes the page's titles share."""
    names = {normalize_line(meta[k]) for k in _SITE_KEYS if k in meta}
    names = {n for n in names if n and not n.startswith(("@", "http"))}
    for title in titles:
        names.update(suffixes(title))
    host = (urlsplit(url).hostname or "") if url else ""
    brands = {label for label in host.lower().split(".") if label and label not in _HOST_NOISE}
    return Outlet(sorted(names, key=len, reverse=True), brands)


def choose_headline(
    root: HtmlElement, meta: dict[str, str], ld: dict[str, Any] | None, url: str | None = None
) -> str | None:
    """The visible headline matching the title metadata; else the page's own headline element,
    JSON-LD headline, og:title and the rest, each minus the site name; never the outlet's name."""
    raw = [string_field(ld, "headline") if ld else None, *(meta.get(k) for k in _TITLE_KEYS)]
    raw.append(_title_text(root))
    normalized = [normalize_line(r) for r in raw if r]
    outlet = outlet_of(meta, normalized, url)
    titles = [t for t in (strip_site(r, outlet.names) for r in normalized) if t]
    titles = [t for t in titles if _is_story(t, outlet)]
    visible = _visible_headline(root, titles)
    if visible and _is_story(visible, outlet):
        return visible
    own = _own_headline(root, outlet, strict=bool(titles))
    return own or (titles[0] if titles else None)


def _is_story(text: str, outlet: Outlet) -> bool:
    """Neither the outlet's name, a board's or section's name ('보도자료', '공지사항') nor the
    site's keywords."""
    return not (outlet.is_outlet(text) or is_board_name(text) or is_keyword_list(text))


def _title_text(root: HtmlElement) -> str | None:
    """root.findtext(".//title") without its path machinery: the first <title>'s text."""
    title = next(root.iterdescendants("title"), None)
    return None if title is None else title.text or ""


def strip_site(title: str, sites: Iterable[str] = ()) -> str:
    """Drop site names and section trails: ' - 전남일보', ' | KBS 뉴스', ':: 광주일보 ::'."""
    return _split_site(title, tuple(sites))[0]


def suffixes(title: str) -> list[str]:
    """The site-name parts `strip_site` removes from a title ('전남일보' of '… - 전남일보')."""
    return _split_site(title, ())[1]


def _split_site(title: str, sites: Sequence[str]) -> tuple[str, list[str]]:
    removed: list[str] = []
    if "::" in title:  # every wrapped name has it; most titles have none
        removed = [m.strip(" :") for m in _WRAPPED_SITE.findall(title)]
        title = _WRAPPED_SITE.sub("", title)
    title = title.strip()
    for site in sites:
        if title.endswith(site) and len(title) > len(site) + 4:
            title = title[: -len(site)].rstrip(" |-–—:<>·")
            removed.append(site)
    title, prefix = _split_prefix(title, sites)
    removed.extend(prefix)
    while True:
        match = next(reversed(list(_SEPARATORS.finditer(title))), None)
        if match is None or len(title) - match.end() > _MAX_SUFFIX or match.start() < 8:
            return title, [r for r in removed if r]
        tail = title[match.end() :].strip()
        # ' : ' also introduces a story's own subtitle; only a name-like tail is a site there.
        if match.group(0).strip() == ":" and not _OUTLET_WORDS.search(tail) and tail not in sites:
            return title, [r for r in removed if r]
        removed.append(tail)
        title = title[: match.start()].rstrip()


def _split_prefix(title: str, sites: Sequence[str]) -> tuple[str, list[str]]:
    """Drop a site name that opens the title ('대전일보 모바일 :: 제목', 'KBS 뉴스 | 제목')."""
    match = _PREFIX_SEPARATOR.search(title)
    if match is None or match.start() > _MAX_PREFIX:
        return title, []
    head, rest = title[: match.start()].strip(), title[match.end() :].strip()
    named = head in sites or (_OUTLET_WORDS.search(head) is not None and len(head.split()) <= 3)
    if not named or len(rest) < 8 or _OUTLET_WORDS.fullmatch(rest) or rest in sites:
        return title, []
    return rest, [head]


def _visible_headline(root: HtmlElement, titles: list[str]) -> str | None:
    if not titles:
        return None
    for finder in (_H1, _titled, _H2_H4):
        found = finder(root)
        for el in found if isinstance(found, list) else []:
            if not isinstance(el, HtmlElement):
                continue
            text = normalize_line(" ".join(el.text_content().split()))
            if 4 <= len(text) <= 300 and any(_same_title(text, t) for t in titles):
                return text
    return None


def _titled(root: HtmlElement) -> list[HtmlElement]:
    """Elements whose class, id or itemprop names a title, in document order."""
    found = [
        value.getparent()
        for value in cast(list[Any], _CLASSES(root))
        if "tit" in value or "headline" in value or "heading" in value
    ]  # smart strings: getparent() is the element
    for el in cast(list[HtmlElement], _TITLE_IDS(root)):
        if el in found:  # one proxy per element: identity
            continue
        low, high = 0, len(found)
        while low < high:
            middle = (low + high) // 2
            if _precedes(found[middle], el):
                low = middle + 1
            else:
                high = middle
        found.insert(low, el)
    return found


def _precedes(first: HtmlElement, second: HtmlElement) -> bool:
    """True when `first` comes before `second` (a different element) in document order."""
    second_line = [second, *second.iterancestors()]
    first_line = [first, *first.iterancestors()]
    for depth, node in enumerate(first_line):
        if node in second_line:
            if node is first or node is second:
                return node is first  # an ancestor comes before its descendants
            mine, theirs = first_line[depth - 1], second_line[second_line.index(node) - 1]
            return bool(node.index(mine) < node.index(theirs))
    return False  # not in one tree: never asked


def _own_headline(root: HtmlElement, outlet: Outlet, strict: bool) -> str | None:
    """The first h1/headline element that reads like a story's headline, outside the site's
    logo, navigation and footer. `strict` (title metadata exists but matched nothing) also
    asks for a headline's length, so a section label ('광주·전남 뉴스') never beats og:title."""
    found = _OWN_XPATH(root)
    shortest, words = (_STRICT_CHARS, _STRICT_WORDS) if strict else (8, 2)
    for el in found if isinstance(found, list) else []:
        if not isinstance(el, HtmlElement) or _in_site_chrome(el):
            continue
        text = normalize_line(" ".join(el.text_content().split()))
        if shortest <= len(text) <= 300 and len(text.split()) >= words and _is_story(text, outlet):
            return text
    return None


def _in_site_chrome(el: HtmlElement) -> bool:
    node: HtmlElement | None = el
    while node is not None:
        if isinstance(node.tag, str) and node.tag.lower() in ("nav", "footer", "aside"):
            return True
        marks = f"{node.get('class', '')} {node.get('id', '')}".lower()
        if _SITE_CHROME.search(marks):
            return True
        node = node.getparent()
    return False


def _same_title(visible: str, title: str) -> bool:
    """The visible headline equals the meta title or is it minus a site tag ('[목포신문] …')."""
    return visible == title or (len(visible) >= 0.6 * len(title) and visible in title)


def _compact(text: str) -> str:
    return _COMPACT.sub("", text).lower()


def _core(text: str) -> str:
    """The compact form of `text` without outlet words ('KBS 뉴스' -> 'kbs')."""
    return _compact(_OUTLET_WORDS.sub(" ", text))


@lru_cache(maxsize=1024)
def _name_forms(name: str) -> tuple[str, str]:
    """`_compact` and `_core` of a site name: every candidate headline is compared with them,
    and a crawl meets the same few site names on page after page."""
    return _compact(name), _core(name)


def _brand_match(core: str, brand: str) -> bool:
    """'kbs' for news.kbs.co.kr, 'mbc' for imbc.com, 'chosun' for chosun.com."""
    return core == brand or (len(core) >= 3 and (brand.endswith(core) or brand.startswith(core)))
