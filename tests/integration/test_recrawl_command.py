"""A second `newsmon crawl` asks for as little as possible: 304s, no article pages, stale pages."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conditional_server import ConditionalSite, serve_conditional
from tests.fixture_server import Page
from tests.integration.harness import corpus_files, run_newsmon, write_config
from tests.sitegen import Article, article_page, rss_feed

FEED = "/feed/rss.xml"
SITEMAP = "/map/sitemap.xml"
LISTING = "/list/articleList.html"
ONLY_FEED = ("--source", "feedsite")
STAMP = "Tue, 21 Oct 2025 00:30:00 GMT"


def story(idxno: int, prefix: str) -> Article:
    body = f"{prefix} 기사 {idxno}번: 광주 지역 인공지능 산업 소식을 전하는 시험용 본문 문단입니다."
    return Article(
        idxno=idxno,
        headline=f"{prefix} 시험 기사 {idxno}",
        paragraphs=(body, body.replace("본문", "둘째 본문"), f"/{prefix} 기자 {idxno}"),
    )


def article_path(prefix: str, idxno: int) -> str:
    return f"/{prefix}/news/articleView.html?idxno={idxno}"


def listing_page(site: ConditionalSite, paths: list[str], page: int, last: int) -> str:
    links = "".join(f'<li><a href="{site.url(p)}">기사</a></li>' for p in paths)
    nav = f'<a href="{LISTING}?page={page + 1}">다음</a>' if page < last else ""
    return f"<html><body><ul>{links}</ul><div class='paging'>{nav}</div></body></html>"


def sitemap(site: ConditionalSite, paths: list[str]) -> str:
    urls = "".join(f"<url><loc>{site.url(p)}</loc></url>" for p in paths)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    )


def build(site: ConditionalSite) -> dict[str, list[str]]:
    """Three sources on one server: a feed with ETag, a sitemap with Last-Modified, a listing."""
    paths: dict[str, list[str]] = {"feed": [], "map": [], "list": []}
    for prefix, first in (("feed", 1), ("map", 11), ("list", 21)):
        for idxno in range(first, first + (6 if prefix == "list" else 3)):
            article = story(idxno, prefix)
            path = article_path(prefix, idxno)
            site.add(path, article_page(article))
            paths[prefix].append(path)
    site.add(FEED, rss_feed(site.base_url, paths["feed"]), content_type="application/rss+xml")
    site.validate(FEED, etag='"feed-v1"')
    site.add(SITEMAP, sitemap(site, paths["map"]), content_type="application/xml")
    site.validate(SITEMAP, modified=STAMP)
    pages = [paths["list"][0:2], paths["list"][2:4], paths["list"][4:6]]
    site.add(LISTING, listing_page(site, pages[0], 1, 3))
    for number in (2, 3):
        site.add(f"{LISTING}?page={number}", listing_page(site, pages[number - 1], number, 3))
    return paths


def config_for(tmp: Path, site: ConditionalSite, database_url: str) -> Path:
    return write_config(
        tmp,
        database_url,
        f"""
[[sources]]
key = "feedsite"
feeds = ["{site.url(FEED)}"]
[[sources]]
key = "mapsite"
sitemaps = ["{site.url(SITEMAP)}"]
article_pattern = "/map/news/"
[[sources]]
key = "listsite"
listings = ["{site.url(LISTING)}"]
article_pattern = "/list/news/articleView"
max_listing_pages = 3
""",
    )


def test_second_crawl_makes_only_conditional_discovery_requests(
    tmp_path: Path, database_url: str
) -> None:
    (tmp_path / "corpus").mkdir()
    site = ConditionalSite()
    with serve_conditional(site):
        build(site)
        config = config_for(tmp_path, site, database_url)
        first = run_newsmon("crawl", "--config", str(config), "--json", cwd=tmp_path)
        assert first.returncode == 0, first.stderr
        assert len(corpus_files(tmp_path)) == 12
        assert [h.path for h in site.answered(LISTING)] == [
            LISTING,
            f"{LISTING}?page=2",
            f"{LISTING}?page=3",
        ]

        site.clear_log()
        second = run_newsmon("crawl", "--config", str(config), "--json", cwd=tmp_path)
        assert second.returncode == 0, second.stderr
        assert all(r["failed"] is False for r in json.loads(second.stdout))
        assert [h.path for h in site.answered() if "/news/" in h.path] == []
        statuses = {h.path: h.status for h in site.answered() if not h.path.startswith("/robots")}
        # the first listing page holds only known articles: paging stops there
        assert statuses == {FEED: 304, SITEMAP: 304, LISTING: 200}
        (feed_hit,) = site.answered(FEED)
        assert feed_hit.headers["if-none-match"] == '"feed-v1"'
        (map_hit,) = site.answered(SITEMAP)
        assert map_hit.headers["if-modified-since"] == STAMP


def test_new_article_on_changed_feed_is_fetched_alone(tmp_path: Path, database_url: str) -> None:
    (tmp_path / "corpus").mkdir()
    site = ConditionalSite()
    with serve_conditional(site):
        paths = build(site)
        config = config_for(tmp_path, site, database_url)
        assert run_newsmon("crawl", "--config", str(config), cwd=tmp_path).returncode == 0
        new = article_path("feed", 9)
        site.add(new, article_page(story(9, "feed")))
        site.add(FEED, rss_feed(site.base_url, [new, *paths["feed"]]), content_type="text/xml")
        site.validate(FEED, etag='"feed-v2"')
        site.clear_log()
        result = run_newsmon("crawl", "--config", str(config), cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert [h.path for h in site.answered() if "/news/" in h.path] == [new]
        assert len(corpus_files(tmp_path)) == 13


def test_redirected_article_counts_as_known_under_both_urls(
    tmp_path: Path, database_url: str
) -> None:
    (tmp_path / "corpus").mkdir()
    site = ConditionalSite()
    with serve_conditional(site):
        old, new = article_path("feed", 1), article_path("feed", 2)
        site.add(old, Page(b"", status=301, headers=(("Location", new),)))
        site.add(new, article_page(story(2, "feed")))
        site.add(FEED, rss_feed(site.base_url, [old]), content_type="application/rss+xml")
        config = config_for(tmp_path, site, database_url)
        first = run_newsmon("crawl", "--config", str(config), *ONLY_FEED, cwd=tmp_path)
        assert first.returncode == 0, first.stderr
        assert [h.path for h in site.answered("/feed/news/")] == [old, new]
        site.add(FEED, rss_feed(site.base_url, [old, new]), content_type="application/rss+xml")
        site.clear_log()
        result = run_newsmon("crawl", "--config", str(config), *ONLY_FEED, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert site.answered("/feed/news/") == []


def test_retry_after_is_honoured_then_the_article_is_fetched(
    tmp_path: Path, database_url: str
) -> None:
    (tmp_path / "corpus").mkdir()
    site = ConditionalSite()
    with serve_conditional(site):
        path = article_path("feed", 1)
        site.add(path, article_page(story(1, "feed")))
        busy = Page(b"busy", "text/plain", 429, headers=(("Retry-After", "1"),))
        site.first_answers(path, busy)
        site.add(FEED, rss_feed(site.base_url, [path]), content_type="application/rss+xml")
        config = config_for(tmp_path, site, database_url)
        text = config.read_text(encoding="utf-8").replace("retries = 0", "retries = 1")
        config.write_text(text, encoding="utf-8")
        result = run_newsmon("crawl", "--config", str(config), "--json", *ONLY_FEED, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert [h.status for h in site.answered(path)] == [429, 200]
        assert "holding its host's requests for 1 s" in result.stderr
        report = {r["key"]: r for r in json.loads(result.stdout)}
        assert report["feedsite"]["added"] == 1


def test_validators_wait_until_every_listed_article_is_settled(
    tmp_path: Path, database_url: str
) -> None:
    """An article that failed must not hide behind the next run's 304: the feed is read whole
    again, the failed article fetched, and only then are the validators stored."""
    (tmp_path / "corpus").mkdir()
    site = ConditionalSite()
    with serve_conditional(site):
        good, broken = article_path("feed", 1), article_path("feed", 2)
        site.add(good, article_page(story(1, "feed")))
        site.add(broken, article_page(story(2, "feed")))
        site.first_answers(broken, Page(b"oops", "text/plain", 500))
        site.add(FEED, rss_feed(site.base_url, [good, broken]), content_type="application/rss+xml")
        site.validate(FEED, etag='"feed-v1"')
        config = config_for(tmp_path, site, database_url)
        crawl = ("crawl", "--config", str(config), "--json", *ONLY_FEED)

        first = run_newsmon(*crawl, cwd=tmp_path)
        assert first.returncode == 0, first.stderr
        assert json.loads(first.stdout)[0]["errors"] == 1
        assert "validators of 1 discovery pages not stored (1 errors)" in first.stderr

        site.clear_log()
        second = run_newsmon(*crawl, cwd=tmp_path)
        assert second.returncode == 0, second.stderr
        (feed_hit,) = site.answered(FEED)
        assert feed_hit.status == 200 and "if-none-match" not in feed_hit.headers
        assert [h.path for h in site.answered("/feed/news/")] == [broken]
        assert len(corpus_files(tmp_path)) == 2

        site.clear_log()
        third = run_newsmon(*crawl, cwd=tmp_path)
        assert third.returncode == 0, third.stderr
        assert [(h.path, h.status) for h in site.answered() if h.path != "/robots.txt"] == [
            (FEED, 304)
        ]
