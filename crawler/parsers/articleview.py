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
# Only elements carrying one of the attributes the selectors look at can match.
_CANDIDATES = etree.XPath("//*[" + " or ".join(f"@{attr}" for attr in _ranks()) + "]")
_CLASS_RANKS = _RANKS.get("class", {})
_OTHER_RANKS = tuple((attr, ranks) for attr, ranks in _RANKS.items() if attr != "class")


def body_container(root: HtmlElement) -> tuple[HtmlElement, str] | None:
    """The first selector's richest match that holds real text, with the selector that found it."""
    by_rank: dict[int, list[HtmlElement]] = {}
    for el in cast(list[HtmlElement], _CANDIDATES(root)):
        rank = _rank_of(el)
        if rank is not None:
            by_rank.setdefault(rank, []).append(el)
    for rank in sorted(by_rank):
        best = max(by_rank[rank], key=_text_size)
        if _text_size(best) >= _MIN_CHARS:
            return best, BODY_SELECTORS[rank]
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
    total = 0
    for node in el.iter():
        if not isinstance(node.tag, str) or node.tag in {"script", "style"}:
            total += len(node.tail.strip()) if node.tail and node is not el else 0
            continue
        total += len(node.text.strip()) if node.text else 0
        total += len(node.tail.strip()) if node.tail and node is not el else 0
    return total
