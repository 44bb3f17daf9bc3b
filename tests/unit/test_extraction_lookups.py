"""Extraction's fast element lookups find exactly what their plain definitions find."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import pytest
from lxml import etree
from lxml.html import HtmlElement

from crawler.parsers.articleview import BODY_SELECTORS, _rank_of, _text_size, body_container
from crawler.parsers.dom import parse_document
from crawler.parsers.encoding import decode_html
from crawler.parsers.headline import _OWN_XPATH, _titled
from crawler.parsers.metadata import canonical_url

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PAGES = sorted(FIXTURES.rglob("*.html"))
# The definitions the lookups replace, as one XPath each.
TITLED = etree.XPath(
    "//*[contains(@class,'headline') or contains(@class,'heading') or contains(@class,'tit') "
    "or contains(@id,'title') or contains(@itemprop,'headline')]"
)
OWN = etree.XPath("//*[@itemprop='headline'] | //h1 | //*[contains(@class,'headline')]")
CANDIDATES = etree.XPath("//*[@id or @class or @itemprop]")
TEXT = "본문 문장입니다. " * 12

TITLED_PAGE = """<html><body>
<div id="page-title"><span class="tit">a</span><p itemprop="headline">b</p></div>
<section class="heading"><div id="subtitle"><b class="x headline y">c</b></div></section>
<ul><li itemprop="headline" class="tit">d</li><li id="title">e</li></ul>
<h2 class="heading" id="title2">f</h2><p class="other">g</p><i id="doc-title"></i>
</body></html>"""


def _reference_body(root: HtmlElement) -> tuple[HtmlElement, str] | None:
    """The body container as ranking every candidate element finds it."""
    by_rank: dict[int, list[HtmlElement]] = {}
    for el in _run(CANDIDATES, root):
        rank = _rank_of(el)
        if rank is not None:
            by_rank.setdefault(rank, []).append(el)
    for rank in sorted(by_rank):
        best = max(by_rank[rank], key=_text_size)
        if _text_size(best) >= 80:
            return best, BODY_SELECTORS[rank]
    return None


def _root(html: str | bytes) -> HtmlElement:
    root = parse_document(decode_html(html, None) if isinstance(html, bytes) else html)
    assert root is not None
    return root


def _run(xpath: etree.XPath, root: HtmlElement) -> list[HtmlElement]:
    return cast(list[HtmlElement], xpath(root))


def _same(found: list[HtmlElement], expected: list[HtmlElement]) -> bool:
    return len(found) == len(expected) and all(a is b for a, b in zip(found, expected, strict=True))


def test_titled_elements_in_document_order() -> None:
    root = _root(TITLED_PAGE)
    found = _titled(root)
    assert [el.text_content() for el in found] == ["ab", "a", "b", "c", "c", "c", "d", "e", "f", ""]
    assert _same(found, _run(TITLED, root))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_lookups_match_their_definitions_on_fixture_pages(page: Path) -> None:
    root = _root(page.read_bytes())
    assert _same(_titled(root), _run(TITLED, root))
    assert _same(_run(_OWN_XPATH, root), _run(OWN, root))
    found, expected = body_container(root), _reference_body(root)
    assert (found is None) == (expected is None)
    if found is not None and expected is not None:
        assert found[0] is expected[0] and found[1] == expected[1]


@pytest.mark.parametrize(
    ("body", "selector", "marker"),
    [
        # the element's most specific selector counts, not the one that found it
        (
            f'<div id="article-body" class="x news_txt" title="one">{TEXT}</div>'
            f'<div class="news_txt" title="two">{TEXT}{TEXT}</div>',
            ".news_txt",
            "two",
        ),
        # an empty shell of an earlier selector gives way to the next one
        (
            f'<div id="articleBody">짧다</div><div class="article_body" title="one">{TEXT}</div>',
            ".article_body",
            "one",
        ),
        # a class matches as a whole word only; the richest match, the first of equals
        (
            f'<div class="article_body_wrap">{TEXT}{TEXT}</div>'
            f'<p class="article_body" title="one">{TEXT}</p><p class="article_body">{TEXT}</p>',
            ".article_body",
            "one",
        ),
        (
            f'<div itemprop="articleBody" title="one">{TEXT}<script>{TEXT * 3}</script></div>'
            f'<div itemprop="articleBody"><script>{TEXT * 9}</script>짧다</div>',
            "[itemprop=articleBody]",
            "one",
        ),
    ],
)
def test_body_container_choice(body: str, selector: str, marker: str) -> None:
    found = body_container(_root(f"<html><body>{body}</body></html>"))
    assert found is not None
    assert found[1] == selector and found[0].get("title") == marker


def test_no_body_container_without_selector_words() -> None:
    root = _root(f'<html><body><div class="article" id="content">{TEXT}</div></body></html>')
    assert body_container(root) is None


def test_text_size_counts_text_and_tails_outside_code() -> None:
    root = _root(
        "<div id='x'>ab <!-- comment -->cd<script>code()</script>ef"
        "<style>p{}</style><p> gh </p>ij<?pi data?>kl</div>tail"
    )
    el = root.get_element_by_id("x")
    assert _text_size(el) == len("ab" + "cd" + "ef" + "gh" + "ij" + "kl")


def test_every_element_is_an_html_element() -> None:
    root = _root(
        "<?xml version='1.0' encoding='utf-8'?><html><body><form><input name=q>"
        "<select><option>a</option></select><textarea>t</textarea><label>l</label>"
        "</form><!-- c --></body></html>"
    )
    elements = [el for el in root.iter() if isinstance(el.tag, str)]
    assert len(elements) == 8 and all(isinstance(el, HtmlElement) for el in elements)
    assert parse_document("  \n ") is None


def test_canonical_rel_in_any_case() -> None:
    root = _root(
        '<html><head><link rel="alternate" href="/amp"><link rel="Canonical" href="/a?b=1">'
        '<link rel="canonical" href="/second"></head><body></body></html>'
    )
    assert canonical_url(root, {}, "https://news.example/x/y") == "https://news.example/a?b=1"
