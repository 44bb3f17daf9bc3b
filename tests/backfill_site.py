"""A fixture outlet with 24 months of articles (paged listing, site search, a monthly sitemap
index) and a fixture web archive (CDX index + `id_` replay), both served on 127.0.0.1."""

from __future__ import annotations

import gzip
import json
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from html import escape
from urllib.parse import parse_qs, urlsplit

from tests.fixture_server import FixtureSite, Page
from tests.sitegen import Article, article_page

FIRST_MONTH = date(2024, 1, 1)
MONTHS = 24
PER_PAGE = 10
SYLLABLES = "가나다라마바사아자차카타파하거너더러머버서어저처커터퍼허고노도로모보소오조초"
# A month whose articles are all off topic: listed, so reached, but nothing to add.
QUIET_MONTH = "2025-05"
TOPIC_TOML = """
[topic]
all  = ["광주"]
any  = ["AI", "인공지능"]
"""


@dataclass(frozen=True)
class Story:
    article: Article
    day: date
    on_topic: bool

    @property
    def month(self) -> str:
        return self.day.strftime("%Y-%m")


def _words(rng: random.Random, count: int) -> str:
    return " ".join("".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) for _ in range(count))


def stories(
    months: int = MONTHS, per_month: int = 3, topic_every: int = 0, start: date = FIRST_MONTH
) -> list[Story]:
    """`per_month` articles a month between days 5 and 25 (by default three: 5, 15, 25, the
    first two on topic); with `topic_every` N, one in N is on topic. None in QUIET_MONTH."""
    found = []
    number = 1000
    days = [5 + (20 * k) // max(1, per_month - 1) for k in range(per_month)]
    for m in range(months):
        first = date(start.year + (start.month - 1 + m) // 12,
                     (start.month - 1 + m) % 12 + 1, 1)  # fmt: skip
        for slot, day_of_month in enumerate(days):
            number += 1
            day = first.replace(day=day_of_month)
            if day > date.today():
                continue  # not published yet
            chosen = slot % topic_every == 0 if topic_every else slot < 2
            on_topic = chosen and first.strftime("%Y-%m") != QUIET_MONTH
            found.append(Story(_article(number, day, on_topic), day, on_topic))
    return found


def _article(number: int, day: date, on_topic: bool) -> Article:
    rng = random.Random(number)
    if on_topic:
        headline = f"광주 AI 집적단지 소식 {number}호 {_words(rng, 2)}"
        lead = "광주시가 인공지능 집적단지 사업의 새 단계를 발표했다. AI 실증이 이어진다."
    else:
        headline = f"전남 농가 가을 수확 한창 {number}호 {_words(rng, 2)}"
        lead = "전남 들녘에서 벼 수확이 한창이다. 농민들은 풍년을 기대했다."
    paragraphs = [lead, *(_words(rng, 14) + "." for _ in range(4))]
    stamp = datetime(day.year, day.month, day.day, 9, 30).isoformat() + "+09:00"
    return Article(idxno=number, headline=headline, paragraphs=paragraphs, published=stamp)


def _listing_page(items: list[Story], page: int, pages: int, query: str, dated: bool = True) -> str:
    rows = "\n".join(
        f'<li><h4 class="titles"><a href="{s.article.path}">{escape(s.article.headline)}</a></h4>'
        f'<span class="byline"><em>홍길동 기자</em>'
        + (f"<em>{s.day:%Y.%m.%d} 09:30</em>" if dated else "")
        + "</span></li>"
        for s in items
    )
    pager = "".join(
        f'<a href="/news/articleList.html?{query}page={n}">{n}</a>'
        for n in range(max(1, page - 4), min(pages, page + 5) + 1)
    )
    return (
        f'<html><head><meta charset="utf-8"></head><body><ul class="type2">{rows}</ul>'
        f'<div class="pagination">{pager}</div></body></html>'
    )


class Outlet(FixtureSite):
    """The outlet: articles, the paged list, site search, the sitemap index; `removed` paths
    (articles or sitemaps) answer 404."""

    def __init__(self, items: list[Story]) -> None:
        super().__init__()
        self.stories = sorted(items, key=lambda s: (s.day, s.article.idxno), reverse=True)
        self.removed: set[str] = set()
        self.hang_after: int | None = None  # article pages served before the outlet hangs
        self.dated_list = True  # False: the list shows no dates (articles' own dates decide)
        for story in self.stories:
            self.add(story.article.path, article_page(story.article))

    def answer(self, path: str, headers: dict[str, str]) -> tuple[Page, list[tuple[str, str]]]:
        parts = urlsplit(path)
        query = parse_qs(parts.query)
        if path in self.removed:
            return Page(b"gone", "text/plain", 404), []
        if parts.path == "/news/articleList.html":
            return self._listing(query), []
        if parts.path == "/sitemap.xml":
            return self._index(), []
        if parts.path.startswith("/sitemap-"):
            return self._month_sitemap(parts.path[len("/sitemap-") : -len(".xml")]), []
        page, extra = super().answer(path, headers)
        served = len(self.article_requests())  # this request is not logged yet
        stalled = self.hang_after is not None and served >= self.hang_after
        if stalled and parts.path == "/news/articleView.html":  # a kill lands here
            page = Page(page.body, page.content_type, page.status, delay=60)
        return page, extra

    def _listing(self, query: dict[str, list[str]]) -> Page:
        page = int(query.get("page", ["1"])[0])
        term = query.get("sc_word", [""])[0]
        items = [s for s in self.stories if all(w in s.article.text for w in term.split())]
        pages = max(1, -(-len(items) // PER_PAGE))
        chosen = items[(page - 1) * PER_PAGE : page * PER_PAGE]
        prefix = f"sc_area=A&sc_word={term}&view_type=sm&" if term else "view_type=sm&"
        return Page(_listing_page(chosen, page, pages, prefix, self.dated_list).encode())

    def month_keys(self) -> list[str]:
        return sorted({s.month for s in self.stories})

    def _index(self) -> Page:
        entries = []
        for month in self.month_keys():
            last = max(s.day for s in self.stories if s.month == month)
            entries.append(
                f"<sitemap><loc>{self.base_url}/sitemap-{month}.xml</loc>"
                f"<lastmod>{last.isoformat()}T23:00:00+09:00</lastmod></sitemap>"
            )
        body = (
            '<?xml version="1.0" encoding="UTF-8"?><sitemapindex '
            'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' + "".join(entries)
            + "</sitemapindex>"
        )  # fmt: skip
        return Page(body.encode(), "application/xml")

    def _month_sitemap(self, month: str) -> Page:
        urls = "".join(
            f"<url><loc>{self.base_url}{escape(s.article.path)}</loc>"
            f"<lastmod>{s.day.isoformat()}T09:30:00+09:00</lastmod></url>"
            for s in self.stories
            if s.month == month
        )
        body = (
            '<?xml version="1.0" encoding="UTF-8"?><urlset '
            f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
        )
        return Page(body.encode(), "application/xml")

    def article_requests(self) -> list[str]:
        return self.requested("/news/articleView.html")


class Archive(FixtureSite):
    """A web archive: a CDX index over captures of the outlet (each a day after publication)
    and their replay, `/web/<timestamp>id_/<original URL>`; and the same captures as a Common
    Crawl index (`/cc-index`, JSON lines) over one WARC file served by byte range."""

    WARC = "crawl-data/CC-MAIN-TEST/segment/warc/fixture.warc.gz"

    def __init__(self, outlet: Outlet) -> None:
        super().__init__()
        self.outlet = outlet
        self.pages = {s.article.path: article_page(s.article).encode() for s in outlet.stories}
        self.records: dict[str, tuple[int, int]] = {}  # original URL -> (offset, length)
        self.warc = b""

    def captures(self) -> list[tuple[str, str]]:
        """(timestamp, original URL) of every capture."""
        return [
            ((s.day + timedelta(days=1)).strftime("%Y%m%d") + "030000",
             self.outlet.base_url + s.article.path)
            for s in self.outlet.stories
        ]  # fmt: skip

    def answer(self, path: str, headers: dict[str, str]) -> tuple[Page, list[tuple[str, str]]]:
        parts = urlsplit(path)
        if parts.path == "/cdx":
            return self._cdx(parse_qs(parts.query)), []
        if parts.path == "/cc-index":
            return self._cc_index(parse_qs(parts.query)), []
        if parts.path == f"/cc-data/{self.WARC}":
            return self._range(headers.get("range", "")), []
        if parts.path == "/rss/search":
            return self._news_search(parse_qs(parts.query)["q"][0]), []
        if parts.path == "/v1/search/news.json":
            if not headers.get("x-naver-client-id"):
                return Page(b'{"errorMessage": "no key"}', "application/json", 401), []
            return self._naver(parse_qs(parts.query)), []
        if parts.path.startswith("/web/"):
            stamp, _, original = parts.path[len("/web/") :].partition("id_/")
            original += f"?{parts.query}" if parts.query else ""
            local = original.removeprefix(self.outlet.base_url)
            body = self.pages.get(local)
            if body is None or not stamp.isdigit():
                return Page(b"not archived", "text/plain", 404), []
            return Page(body), []
        return super().answer(path, headers)

    def _cdx(self, query: dict[str, list[str]]) -> Page:
        low, high = query["from"][0], query["to"][0]
        rows: list[list[str]] = [["timestamp", "original", "statuscode", "mimetype"]]
        for stamp, original in self.captures():
            if low <= stamp[: len(low)] and stamp[: len(high)] <= high:
                rows.append([stamp, original, "200", "text/html"])
        return Page(json.dumps(rows).encode(), "application/json")

    def _news_search(self, q: str) -> Page:
        """Google News RSS search: `after:`/`before:` bound the days (both excluded)."""
        words = dict(w.split(":", 1) for w in q.split() if w.startswith(("after:", "before:")))
        low, high = date.fromisoformat(words["after"]), date.fromisoformat(words["before"])
        items = "".join(
            f"<item><title>{escape(s.article.headline)}</title>"
            f"<link>{escape(self.outlet.base_url + s.article.path)}</link>"
            f"<pubDate>{s.day:%a, %d %b %Y} 00:30:00 GMT</pubDate></item>"
            for s in self.outlet.stories
            if low < s.day < high and s.on_topic
        )
        body = f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'
        return Page(body.encode(), "application/rss+xml")

    def _build_warc(self) -> None:
        """One gzip member per capture, concatenated (how Common Crawl stores them)."""
        if self.warc:
            return
        parts = []
        offset = 0
        for stamp, original in self.captures():
            html = self.pages[original.removeprefix(self.outlet.base_url)]
            http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html
            head = (
                f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Date: {stamp}\r\n"
                f"WARC-Target-URI: {original}\r\nContent-Length: {len(http)}\r\n\r\n"
            )
            member = gzip.compress(head.encode() + http + b"\r\n\r\n")
            self.records[original] = (offset, len(member))
            parts.append(member)
            offset += len(member)
        self.warc = b"".join(parts)

    def _cc_index(self, query: dict[str, list[str]]) -> Page:
        self._build_warc()
        low, high = query["from"][0], query["to"][0]
        lines = []
        for stamp, original in self.captures():
            if low <= stamp[: len(low)] and stamp[: len(high)] <= high:
                offset, length = self.records[original]
                lines.append(json.dumps({
                    "url": original, "timestamp": stamp, "status": "200",
                    "filename": self.WARC, "offset": str(offset), "length": str(length),
                }))  # fmt: skip
        return Page("\n".join(lines).encode(), "text/x-ndjson")

    def _range(self, header: str) -> Page:
        self._build_warc()
        first, _, last = header.removeprefix("bytes=").partition("-")
        if not (first.isdigit() and last.isdigit()):
            return Page(b"range needed", "text/plain", 416)
        chunk = self.warc[int(first) : int(last) + 1]
        return Page(chunk, "application/octet-stream", 206)

    def _naver(self, query: dict[str, list[str]]) -> Page:
        """The Naver News Search API: the query's words in the text, newest first, 100 a page."""
        words = query["query"][0].split()
        start, display = int(query["start"][0]), int(query["display"][0])
        found = [s for s in self.outlet.stories if all(w in s.article.text for w in words)]
        items = [
            {"title": f"<b>{s.article.headline}</b>", "link": "https://n.news.naver.com/x",
             "originallink": self.outlet.base_url + s.article.path,
             "pubDate": f"{s.day:%a, %d %b %Y} 09:30:00 +0900"}
            for s in found[start - 1 : start - 1 + display]
        ]  # fmt: skip
        answer = {"total": len(found), "start": start, "display": len(items), "items": items}
        return Page(json.dumps(answer, ensure_ascii=False).encode(), "application/json")


def config_body(outlet: Outlet, archive: Archive) -> str:
    """[topic], [backfill] and the outlet's [[sources]] entry (ndsoft family, no listing)."""
    return (
        TOPIC_TOML
        + f"""
[backfill]
download_delay = 0
wayback_cdx = "{archive.url("/cdx")}"
wayback_replay = "{archive.url("/web/")}"
archive_lag = 31
[[sources]]
key = "google_news"
search_url = "{archive.url("/rss/search")}"
enabled = false
[[sources]]
key = "fixture"
name = "뉴스몬일보"
homepage = "{outlet.url("/")}"
sitemaps = ["{outlet.url("/sitemap.xml")}"]
article_pattern = '/news/articleView\\.html\\?idxno=\\d+'
"""
    )


def expected(items: list[Story], first: date, last: date) -> set[str]:
    """Corpus texts a backfill of [first, last] must add."""
    return {s.article.text for s in items if s.on_topic and first <= s.day <= last}
