"""Robustness: real pages with every known body container renamed away still extract right.

With the container ids/classes, itemprop=articleBody and JSON-LD blocks hidden, only the general
text-density extractor is left: this is how newsmon meets an outlet whose layout it never saw.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crawler.parsers import extract
from crawler.parsers.articleview import BODY_SELECTORS
from crawler.parsers.quality import bag_of_words

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PAGES = sorted(
    page
    for folder in ("korean-news", "real-pages")
    for page in (FIXTURES / folder / "pages").glob("*.html")
)
KNOWN_NAMES = sorted({m.group(1) for s in BODY_SELECTORS if (m := re.match(r"^[#.]([\w-]+)$", s))})


def disguise(html: str) -> str:
    """The page with every known body container name replaced by a meaningless one."""
    for number, name in enumerate(KNOWN_NAMES):
        html = re.sub(rf'(?<=["\s]){re.escape(name)}(?=["\s])', f"blk{number}", html)
    html = html.replace('itemprop="articleBody"', 'data-role="x"')
    return html.replace("application/ld+json", "application/x-hidden")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.parent.parent.name + "/" + p.stem)
def test_general_extractor_recovers_the_article(page: Path) -> None:
    gold = (page.parent.parent / "gold" / f"{page.stem}.txt").read_text(encoding="utf-8")
    result = extract(disguise(page.read_bytes().decode("utf-8")).encode("utf-8"), "http://x.kr/a")
    assert result is not None
    assert result.parser == "generic"
    assert bag_of_words(result.text, gold).f1 >= 0.97
