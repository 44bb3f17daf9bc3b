"""Pure backfill pieces: the window, dated listing items, each door's walk, CDX, the registry."""

from __future__ import annotations

import dataclasses
import gzip
import json
import re
from datetime import UTC, date, datetime

import pytest

from crawler.backfill.archive import ArchiveDoor, Index
from crawler.backfill.cdx import Capture, cdx_url, parse_cdx, replay_url, warc_payload
from crawler.backfill.dated import dated_links
from crawler.backfill.doors import (
    DOORS,
    GoogleNewsDoor,
    NaverDoor,
    PagedDoor,
    SitemapDoor,
)
from crawler.backfill.registry import offers, paged
from crawler.backfill.window import Window, months_between, periods
from crawler.discovery import DiscoveryError
from crawler.sources import BUILTIN_SOURCES, NDSOFT_ARTICLE, Source
from newsmon.backfill_args import DOORS as CLI_DOORS

PATTERN = re.compile(NDSOFT_ARTICLE)
WINDOW = Window(date(2025, 3, 1), date(2025, 8, 31))
TODAY = date(2026, 1, 10)


def _list_page(days: list[str], first: int = 1) -> bytes:
    rows = "".join(
        f'<li><a href="/news/articleView.html?idxno={first + i}">t</a><em>{day} 09:30</em></li>'
        for i, day in enumerate(days)
    )
    return f"<html><body><ul>{rows}</ul></body></html>".encode()


def test_the_cli_names_every_door() -> None:
    assert CLI_DOORS == DOORS


def test_window_months_and_periods() -> None:
    assert WINDOW.months() == ["2025-08", "2025-07", "2025-06", "2025-05", "2025-04", "2025-03"]
    assert WINDOW.contains(datetime(2025, 2, 28, 15, 30, tzinfo=UTC))  # 00:30 KST on Mar 1
    assert not WINDOW.contains(datetime(2025, 2, 28, 14, 59, tzinfo=UTC))
    assert months_between(date(2024, 12, 20), date(2025, 1, 3)) == ["2025-01", "2024-12"]
    assert periods(date(2026, 1, 1), TODAY) == ("2026-01", "2026-01-01")
    assert periods(date(2025, 1, 1), TODAY) == ("2025-01",)
    with pytest.raises(ValueError, match="before --since"):
        Window(date(2025, 2, 1), date(2025, 1, 1))


@pytest.mark.parametrize(
    "item",
    [
        '<li><h4><a href="{u}">t</a></h4><span class="byline"><em>기자</em>'
        "<em>2025.04.05 09:30</em></span></li>",
        '<div class="list-block"><div class="list-titles"><a href="{u}">t</a></div>'
        '<div class="list-dated">경제 | 홍길동 | 2025-04-05 09:30</div></div>',
        '<tr><td><a href="{u}">t</a></td><td>2025/04/05</td></tr>',
        '<li><a href="{u}"><strong>t</strong><span>2025년 4월 5일</span></a></li>',
    ],
    ids=["ndsoft-byline", "ndsoft-list-block", "table", "korean"],
)
def test_a_listing_item_shows_its_date(item: str) -> None:
    other = '<li><a href="/news/articleView.html?idxno=2">u</a><em>2024.01.01</em></li>'
    body = f"<ul>{item.format(u='/news/articleView.html?idxno=1')}{other}</ul>".encode()
    first, second = dated_links(body, "http://x.kr/news/articleList.html", PATTERN)
    assert first.url == "http://x.kr/news/articleView.html?idxno=1"
    assert first.published_at is not None and first.published_at.date() in (
        date(2025, 4, 4), date(2025, 4, 5),
    )  # fmt: skip
    assert second.published_at == datetime(2023, 12, 31, 15, tzinfo=UTC)


def test_a_link_in_a_block_of_many_items_is_undated() -> None:
    body = (
        b'<div><a href="/news/articleView.html?idxno=1">a</a>'
        b'<a href="/news/articleView.html?idxno=2">b</a><span>2025.04.05</span></div>'
    )
    links = dated_links(body, "http://x.kr/", PATTERN)
    assert [link.published_at for link in links] == [None, None]
    with pytest.raises(DiscoveryError):
        dated_links(b"", "http://x.kr/", PATTERN)


def _paged(done: tuple[str, ...] = ()) -> PagedDoor:
    template = "http://x.kr/news/articleList.html?view_type=sm&page={page}"
    return PagedDoor("listing", template, [], WINDOW, done, PATTERN, 100, TODAY)


def test_a_paged_door_keeps_the_window_and_stops_past_its_start() -> None:
    door = _paged()
    (first,) = door.first()
    assert first.url.endswith("page=1") and first.unit == "#1"
    newer = door.read(first, _list_page(["2025-10-01", "2025-09-02", "2025-08-30"]))
    assert [link.url[-1] for link in newer.links] == ["3"] and newer.outside == 2
    (second,) = newer.following
    assert second.page == 2 and second.span == (WINDOW.start, date(2025, 8, 30))
    older = door.read(second, _list_page(["2025-03-02", "2025-02-27"], first=10))
    assert len(older.links) == 1 and older.outside == 1
    assert older.following == []  # the oldest item is before the window: no page 3
    assert older.reached == {"2025-03", "2025-04", "2025-05", "2025-06", "2025-07", "2025-08"}
    assert door.read(second, b"<html><body>no items</body></html>").following == []


def test_a_paged_door_resumes_at_the_first_page_not_done() -> None:
    (step,) = _paged(("#1", "#2", "#4")).first()
    assert step.page == 3
    search = PagedDoor(
        "search", "http://x.kr/s?w={term}&page={page}", ["광주 AI"], WINDOW, (), PATTERN, 9, TODAY
    )
    assert search.first()[0].url == "http://x.kr/s?w=%EA%B4%91%EC%A3%BC+AI&page=1"


def _index(children: list[tuple[str, str | None]]) -> bytes:
    entries = "".join(
        f"<sitemap><loc>{url}</loc>" + (f"<lastmod>{mod}</lastmod>" if mod else "") + "</sitemap>"
        for url, mod in children
    )
    return (
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{entries}</sitemapindex>"
    ).encode()


def test_a_sitemap_index_is_read_by_lastmod() -> None:
    door = SitemapDoor(["http://x.kr/sitemap.xml"], WINDOW, ["http://x.kr/s-2025-04.xml"], PATTERN)
    (index,) = door.first()
    children: list[tuple[str, str | None]] = [
        (f"http://x.kr/s-{m}.xml", f"{m}-28T10:00:00+09:00")
        for m in ("2025-01", "2025-02", "2025-03", "2025-04", "2025-08", "2025-09", "2025-10")
    ] + [("http://x.kr/s-undated.xml", None)]
    answer = door.read(index, _index(children))
    asked = [step.url.rpartition("s-")[2] for step in answer.following]
    # Feb ends before the window; Mar and Aug overlap it; Sep holds Aug 29-31; Oct is after;
    # Apr is done already; an undated child cannot be placed, so it is read.
    assert asked == ["2025-03.xml", "2025-08.xml", "2025-09.xml", "undated.xml"]
    entry = "<url><loc>http://x.kr/news/articleView.html?idxno={}</loc><lastmod>{}</lastmod></url>"
    urlset = (
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + entry.format(1, "2025-08-30") + entry.format(2, "2025-09-02") + "</urlset>"
    ).encode()  # fmt: skip
    september = door.read(answer.following[2], urlset)
    assert [link.url[-1] for link in september.links] == ["1"] and september.outside == 1
    assert september.reached == {"2025-08"}


def test_google_news_asks_one_month_at_a_time() -> None:
    door = GoogleNewsDoor("http://g.test/rss/search", "x.kr", "광주 AI", WINDOW, ["2025-07"])
    steps = door.first()
    assert [s.unit for s in steps] == ["2025-08", "2025-06", "2025-05", "2025-04", "2025-03"]
    assert "after%3A2025-07-31+before%3A2025-09-01" in steps[0].url
    assert "site%3Ax.kr" in steps[0].url and all(s.api for s in steps)


def test_cdx_answers_and_replay() -> None:
    wayback = json.dumps([
        ["timestamp", "original", "statuscode", "mimetype"],
        ["20250405030000", "http://x.kr/news/articleView.html?idxno=1", "200", "text/html"],
        ["20250406030000", "http://x.kr/news/articleView.html?idxno=2", "404", "text/html"],
        ["20250407030000", "http://x.kr/news/articleView.html?idxno=1", "200", "text/html"],
        ["20250407030000", "http://x.kr/about.html", "200", "text/html"],
    ]).encode()  # fmt: skip
    lines = b'{"url": "http://x.kr/a", "timestamp": "20250405030000", "status": "200"}\n'
    assert [c.original for c in parse_cdx(lines)] == ["http://x.kr/a"]
    assert len(parse_cdx(wayback)) == 3
    with pytest.raises(DiscoveryError):
        parse_cdx(b"{not json")
    index = Index("wayback", "http://a.test/cdx", "http://a.test/web/")
    door = ArchiveDoor([index], "x.kr", WINDOW, [], PATTERN, 31, TODAY, 50)
    steps = door.first()
    # captures up to 31 days after Aug 31: October 1st is the last day asked
    assert steps[0].unit == "wayback:2025-10" and steps[-1].unit == "wayback:2025-03"
    answer = door.read(steps[-1], wayback)
    (link,) = answer.links  # one per URL, the latest capture; no other page
    capture = answer.captures[link.url]
    assert capture.timestamp == "20250407030000"
    assert capture.captured_at == datetime(2025, 4, 7, 3, tzinfo=UTC)
    assert door.replay(capture) == (
        "http://a.test/web/20250407030000id_/http://x.kr/news/articleView.html?idxno=1",
        (),
    )
    assert "from=20250301" in cdx_url("http://a.test/cdx", "x.kr", WINDOW.start, WINDOW.end, 5)
    assert (
        replay_url("http://a/web", Capture("http://o/", "2025")) == "http://a/web/2025id_/http://o/"
    )


def test_the_registry_derives_doors_from_the_cms_family() -> None:
    ndsoft = next(s for s in BUILTIN_SOURCES if s.key == "jnilbo")
    doors = {o.door: o for o in offers(ndsoft)}
    assert list(doors) == ["search", "listing", "gnews", "archive"]
    assert doors["search"].template == (
        "https://www.jnilbo.com/news/articleList.html?sc_area=A&sc_word={term}"
        "&view_type=sm&page={page}"
    )
    # the rule of discovery URLs: each door says how sure it is, or defers to its entry
    assert all(o.provenance.startswith(("GUESS:", "CONFIRMED:", "entry:"))
               for s in BUILTIN_SOURCES for o in offers(s))  # fmt: skip
    custom = Source(
        key="c", name="c", homepage="https://c.kr/", listings=("https://c.kr/list?p=3",),
        article_pattern=r"/a/\d+", search_template="https://c.kr/find?q={term}&pg={page}",
    )  # fmt: skip
    custom_doors = {o.door: o.template for o in offers(custom)}
    assert custom_doors["search"] == "https://c.kr/find?q={term}&pg={page}"
    assert custom_doors["listing"] == "https://c.kr/list?p={page}"
    assert paged("https://c.kr/sec?code=X") == "https://c.kr/sec?code=X&page={page}"


def test_a_template_without_its_placeholders_is_refused() -> None:
    from crawler.sources import SourceError

    with pytest.raises(SourceError, match=r"search_template needs \{page\}"):
        Source(key="c", name="c", feeds=("https://c.kr/rss",),
               search_template="https://c.kr/find?q={term}")  # fmt: skip


def _warc(url: str, html: bytes) -> bytes:
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=euc-kr\r\n\r\n" + html
    head = f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {url}\r\n"
    return gzip.compress(head.encode() + f"Content-Length: {len(http)}\r\n\r\n".encode() + http)


def test_common_crawl_records_are_fetched_by_range_and_unpacked() -> None:
    line = json.dumps({
        "url": "http://x.kr/news/articleView.html?idxno=7", "timestamp": "20250405030000",
        "status": "200", "filename": "crawl-data/a.warc.gz", "offset": "100", "length": "50",
    }).encode()  # fmt: skip
    (capture,) = parse_cdx(line)
    cc = Index("commoncrawl", "http://cc.test/index", "http://cc.test/data/")
    door = ArchiveDoor([cc], "x.kr", WINDOW, [], PATTERN, 0, TODAY, 50)
    url, headers = door.replay(dataclasses.replace(capture, index="commoncrawl"))
    assert url == "http://cc.test/data/crawl-data/a.warc.gz"
    assert headers == (("Range", "bytes=100-149"),)
    body, content_type = warc_payload(_warc(capture.original, "<p>본문</p>".encode("euc-kr")))
    assert body == "<p>본문</p>".encode("euc-kr") and content_type == "text/html; charset=euc-kr"
    with pytest.raises(DiscoveryError):
        warc_payload(b"WARC/1.0\r\n\r\nnot http")
    assert parse_cdx(line.replace(b'"offset": "100"', b'"offset": "x"')) == []


def _naver_answer(days: list[str], total: int, start: int = 1) -> bytes:
    items = [
        {"title": "t", "originallink": f"http://x.kr/a/{i}", "link": "",
         "pubDate": datetime.fromisoformat(day + "T09:30:00+09:00").strftime(
             "%a, %d %b %Y %H:%M:%S %z")}
        for i, day in enumerate(days)
    ]  # fmt: skip
    return json.dumps({"total": total, "start": start, "items": items}).encode()


def test_naver_pages_newest_first_until_the_window_starts() -> None:
    door = NaverDoor("http://n.test/news.json", ["광주 AI"], ("id", "key"), WINDOW, [])
    (first,) = door.first()
    assert ("X-Naver-Client-Id", "id") in first.headers and first.api
    full = door.read(first, _naver_answer(["2025-09-10"] * 50 + ["2025-08-01"] * 50, 500))
    assert len(full.links) == 50 and full.outside == 50
    (second,) = full.following
    assert "start=101" in second.url and second.page == 2
    older = door.read(second, _naver_answer(["2025-04-01"] * 99 + ["2025-02-01"], 500, 101))
    assert older.following == [] and older.outside == 1  # past --since: no third page
    assert older.reached == {"2025-02", "2025-03", "2025-04"} & set(WINDOW.months())


def test_a_sidebars_dates_never_end_the_walk() -> None:
    items = "".join(
        f'<li><a href="/news/articleView.html?idxno={n}">t</a><em>2025-06-{n:02d} 09:30</em></li>'
        for n in range(1, 11)
    )
    sidebar = (
        '<aside><div class="best"><a href="/news/articleView.html?idxno=99">old</a>'
        "<span>2019.01.02</span></div></aside>"
    )
    body = f"<html><body><ul class='list'>{items}</ul>{sidebar}</body></html>".encode()
    door = _paged()
    (first,) = door.first()
    answer = door.read(first, body)
    assert len(answer.following) == 1  # the list is inside the window: the walk goes on
    assert answer.outside == 1  # the sidebar's old article is not fetched either
    assert min(answer.reached) == "2025-06"
