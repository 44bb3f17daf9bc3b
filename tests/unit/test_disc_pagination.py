"""Next-page discovery on listing pages."""

from __future__ import annotations

import pytest

from crawler.discovery.pagination import next_page_url

BASE = "https://outlet.example/news/articleList.html?sc_section_code=S1N1&view_type=sm"

CASES = [
    (
        "link-rel-next",
        '<head><link rel="next" href="/list?page=2"></head>',
        "https://outlet.example/list?page=2",
    ),
    (
        "a-rel-next",
        '<a rel="next nofollow" href="list.html?x=1">다음</a>',
        "https://outlet.example/news/list.html?x=1",
    ),
    (
        "page-param-2-from-first",
        '<a href="?sc_section_code=S1N1&view_type=sm&page=3">3</a>'
        '<a href="/news/articleList.html?sc_section_code=S1N1&view_type=sm&page=2">2</a>',
        BASE + "&page=2",
    ),
    (
        "other-section-is-not-next",
        '<a href="/news/articleList.html?sc_section_code=S1N2&page=2">2</a>',
        None,
    ),
    ("no-links", "<p>끝</p>", None),
    ("empty", "", None),
]


@pytest.mark.parametrize(("html", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_next_page_url(html: str, expected: str | None) -> None:
    assert next_page_url(html.encode("utf-8"), BASE) == expected


def test_next_page_after_page_two_is_three() -> None:
    html = b'<a href="?page=1">1</a><a href="?page=3">3</a><a href="?page=2">2</a>'
    assert next_page_url(html, "https://outlet.example/list?page=2") == (
        "https://outlet.example/list?page=3"
    )
