"""Body containers of common Korean news CMS families, found by markup alone (lxml only)."""

from __future__ import annotations

import re
from typing import cast

from lxml import etree
from lxml.html import HtmlElement

# Most specific first: a later, broader selector often wraps an earlier one plus chrome.
BODY_SELECTORS: tuple[str, ...] = (
    # ndsoft CMS (/news/articleView.html?idxno=N), current and older templates
    "#article-view-content-div",
    ".article-veiw-body",
    "#articleBody",
    "#article_body",
    "#articeBody",
    "#articleBodyContents",
    # portals and broadcasters
    "#dic_area",
    "#newsEndContents",
    "#articletxt",
    "#newsct_article",
    "#cont_newstext",
    "#news_body_id",
    "#news_body_area",
    "#textBody",
    "#newsViewArea",
    ".news_txt",
    ".detail-body",
    ".news_body_area",
    "[itemprop=articleBody]",
    # generic article containers used by many in-house templates
    "#article-body",
    ".article_body",
    ".article-body",
    ".articleBody",
    ".article_txt",
    "#article_content",
    ".article_content",
    ".article-content",
    "#news_content",
    ".news_content",
    ".news-content",
    ".news_view",
    ".view_con",
    ".view_txt",
    ".view-text",
    ".cont_view",
    ".news_article",
    ".article_view",
    ".story-news",
    "#CmAdContent",
)
# Every selector above is a simple #id, .class or [attr=value], so one pass over the tree with
# dictionary lookups finds all matches (lxml selector or XPath scans cost ~10x more on big pages).
_SIMPLE = re.compile(
    r"^(?:#(?P<id>[\w-]+)|\.(?P<cls>[\w-]+)|\[(?P<attr>[\w-]+)=(?P<value>[\w-]+)\])$"
)
_MIN_CHARS = 80  # a match with less text is an empty shell (body rendered by script)


def _parse(selector: str) -> tuple[str, str]:
    """(attribute, value) of a simple selector; 'class' means one of the element's classes."""
    match = _SIMPLE.match(selector)
    if match is None:
        raise ValueError(f"body selector must be #id, .class or [attr=value]: {selector}")
    if match["id"]:
        return "id", match["id"]
    if match["cls"]:
        return "class", match["cls"]
    return match["attr"], match["value"]


def _ranks() -> dict[str, dict[str, int]]:
    """attribute -> value -> index of the first selector naming it."""
    ranks: dict[str, dict[str, int]] = {}
    for rank, selector in enumerate(BODY_SELECTORS):
        attr, value = _parse(selector)
        ranks.setdefault(attr, {}).setdefault(value, rank)
    return ranks


_RANKS = _ranks()
_CLASS_RANKS = _RANKS.get("class", {})
_OTHER_RANKS = tuple((attr, ranks) for attr, ranks in _RANKS.items() if attr != "class")
# The values of the attributes the selectors look at, as plain strings: XPath on the attribute
# axis costs a fraction of an element scan and creates no element proxies. One XPath per
# attribute: libxml2 sorts a union's attributes into document order at great cost.
_VALUES = tuple(
    (ranks, etree.XPath(f"//*/@{attr}", smart_strings=False)) for attr, ranks in _RANKS.items()
)


def _finder(rank: int) -> etree.XPath:
    """Every element the selector of `rank` may match (classes by substring: a superset)."""
    attr, value = _parse(BODY_SELECTORS[rank])
    test = f"contains(.,'{value}')" if attr == "class" else f".='{value}'"
    return etree.XPath(f"//*/@{attr}[{test}]/..")


_FINDERS = {rank: _finder(rank) for ranks in _RANKS.values() for rank in ranks.values()}


def body_container(root: HtmlElement) -> tuple[HtmlElement, str] | None:
    """The first selector's richest match that holds real text, with the selector that found it."""
    # The words of each attribute's values name the selectors on that attribute that can match
    # at all; only those are looked up, most specific first.
    ranks = sorted(
        ranks[word]
        for ranks, xpath in _VALUES
        for word in ranks.keys() & " ".join(cast(list[str], xpath(root))).split()
    )
    for rank in ranks:
        found = cast(list[HtmlElement], _FINDERS[rank](root))
        matches = [el for el in found if _rank_of(el) == rank]
        if not matches:
            continue
        sizes = [_text_size(el) for el in matches]
        best = max(range(len(matches)), key=sizes.__getitem__)  # the first of equals
        if sizes[best] >= _MIN_CHARS:
            return matches[best], BODY_SELECTORS[rank]
    return None


def _rank_of(el: HtmlElement) -> int | None:
    """Index of the most specific selector the element satisfies, None for no selector."""
    best: int | None = None
    get = el.get
    for attr, table in _OTHER_RANKS:
        value = get(attr)
        rank = table.get(value) if value is not None else None
        if rank is not None and (best is None or rank < best):
            best = rank
    classes = get("class")
    if classes:
        for name in classes.split():
            rank = _CLASS_RANKS.get(name)
            if rank is not None and (best is None or rank < best):
                best = rank
    return best


def _text_size(el: HtmlElement) -> int:
    """Characters of text outside scripts and styles (their code would inflate an empty shell)."""
    # itertext gives each element's text and every node's tail, never a comment's own text.
    total = sum(map(len, map(str.strip, el.itertext())))
    for code in el.iter("script", "style"):
        total -= len(code.text.strip()) if code.text else 0
    return total
