"""The one discovery step and failure rule the spider and the daemon's poll share."""

from __future__ import annotations

import re

from crawler.discovery.step import Answer, Step, Tally, discovery_failure, discovery_step

PATTERN = re.compile(r"/news/\d+")
FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>a</title><link>https://example.kr/news/1</link></item>
<item><title>b</title><link>https://example.kr/news/2</link></item>
</channel></rss>"""
INDEX = b"""<?xml version="1.0"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://example.kr/sitemap-1.xml</loc></sitemap></sitemapindex>"""


def listing(next_href: str | None, articles: int = 2) -> bytes:
    items = "".join(f'<li><a href="/news/{n}">기사 {n}</a></li>' for n in range(articles))
    pager = f'<div class="paging"><a href="{next_href}">다음</a></div>' if next_href else ""
    return f"<html><body><ul>{items}</ul>{pager}</body></html>".encode()


def test_a_feed_gives_its_links_and_is_fresh() -> None:
    step = discovery_step(Answer("feed", "https://example.kr/rss", 200, FEED), None)
    assert step.links == ("https://example.kr/news/1", "https://example.kr/news/2")
    assert (step.read, step.useful, step.fresh, step.error) == (True, True, True, None)


def test_not_modified_is_read_and_useful_but_keeps_no_new_validators() -> None:
    step = discovery_step(Answer("feed", "https://example.kr/rss", 304, b""), None)
    assert step == Step(not_modified=True)
    assert (step.read, step.useful, step.fresh) == (True, True, False)


def test_an_error_status_and_a_broken_body_say_why() -> None:
    gone = discovery_step(Answer("feed", "https://example.kr/rss", 503, b"busy"), None)
    assert (gone.error, gone.read, gone.useful) == ("HTTP 503", False, False)
    broken = discovery_step(Answer("feed", "https://example.kr/rss", 200, b"<html>"), None)
    assert broken.error is not None and broken.error.startswith("bad feed: ")
    assert not broken.read


def test_a_sitemap_index_gives_children() -> None:
    step = discovery_step(Answer("sitemap", "https://example.kr/sitemap.xml", 200, INDEX), None)
    assert step.children == ("https://example.kr/sitemap-1.xml",) and step.links == ()
    assert step.useful


def test_next_listing_page_only_below_the_limit_and_when_the_page_listed_news() -> None:
    url = "https://example.kr/list?page=1"
    body = listing("/list?page=2")
    assert discovery_step(Answer("listing", url, 200, body), PATTERN, None, 1).next_page is None
    two = discovery_step(Answer("listing", url, 200, body), PATTERN, None, 3)
    assert two.next_page == "https://example.kr/list?page=2" and len(two.links) == 2
    last = discovery_step(Answer("listing", url, 200, body, page=3), PATTERN, None, 3)
    assert last.next_page is None
    empty = discovery_step(
        Answer("listing", url, 200, listing("/list?page=2", 0)), PATTERN, None, 3
    )
    assert empty.next_page is None and not empty.useful
    itself = discovery_step(Answer("listing", url, 200, listing(url)), PATTERN, None, 3)
    assert itself.next_page is None


def test_tally_fallback_is_due_only_when_all_answered_and_none_listed() -> None:
    tally = Tally(pending=2)
    tally.add(Step(error="HTTP 500"), "https://example.kr/rss")
    assert not tally.fallback_due("https://example.kr/")  # one still pending
    tally.add(Step(), "https://example.kr/list")  # read, listed nothing
    assert tally.fallback_due("https://example.kr/")
    assert not tally.fallback_due(None)
    assert (tally.read, tally.errors) == (1, ["https://example.kr/rss: HTTP 500"])
    useful = Tally(pending=1)
    useful.add(Step(not_modified=True), "https://example.kr/rss")
    assert not useful.fallback_due("https://example.kr/")


def test_discovery_failed_only_when_no_url_was_read() -> None:
    errors = [f"https://example.kr/{n}: HTTP 500" for n in range(5)]
    assert discovery_failure(1, errors) is None
    assert discovery_failure(0, errors) == "; ".join(errors[:3])
    assert discovery_failure(0, []) == "no discovery URL could be read"
