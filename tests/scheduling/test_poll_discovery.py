"""Daemon-side polls: nothing new costs one request per discovery URL and no process."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.config import AppConfig, load_config
from db import repository
from db.session import Database, open_database
from scheduler.jobs import ChildRegistry, CrawlJob, CrawlOutcome
from scheduler.poll import Poller
from scheduler.polling import PollingRunner
from tests.conditional_server import ConditionalSite, serve_conditional
from tests.fixture_server import Page
from tests.integration.harness import corpus_files, write_config
from tests.sitegen import Article, article_page, rss_feed

FEED = "/feed/rss.xml"
SITEMAP = "/map/sitemap.xml"
LISTING = "/list/articleList.html"
STAMP = "Tue, 21 Oct 2025 00:30:00 GMT"


class CountingRegistry(ChildRegistry):
    """A ChildRegistry that remembers every command it started."""

    def __init__(self) -> None:
        super().__init__()
        self.commands: list[list[str]] = []

    def spawn(self, command: list[str], key: str = "") -> subprocess.Popen[str] | None:
        self.commands.append(command)
        return super().spawn(command, key)


def story(idxno: int) -> Article:
    body = (
        f"기사 {idxno}번: 광주 인공지능 산업 소식을 전하는 시험용 본문 문단입니다. "
        "광주 AI 집적단지."
    )
    return Article(idxno, f"광주 AI 시험 기사 {idxno}", (body, body.replace("본문", "둘째 본문")))


def publish(site: ConditionalSite, idxnos: list[int], version: int) -> list[str]:
    """Articles `idxnos` on the site, listed by its feed, sitemap and listing page."""
    paths = [story(i).path for i in idxnos]
    for idxno in idxnos:
        site.add(story(idxno).path, article_page(story(idxno)))
    site.add(FEED, rss_feed(site.base_url, paths), content_type="application/rss+xml")
    site.validate(FEED, etag=f'"feed-v{version}"')
    urls = "".join(f"<url><loc>{site.url(p)}</loc></url>" for p in paths)
    site.add(
        SITEMAP,
        '<?xml version="1.0" encoding="UTF-8"?><urlset '
        f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>',
        content_type="application/xml",
    )
    site.validate(SITEMAP, modified=STAMP.replace("00:30", f"00:{30 + version}"))
    links = "".join(f'<li><a href="{p}">기사</a></li>' for p in paths)
    site.add(LISTING, f"<html><body><ul>{links}</ul></body></html>")  # no validators, one page
    return paths


@pytest.fixture
def site() -> Iterator[ConditionalSite]:
    fixture = ConditionalSite()
    with serve_conditional(fixture):
        yield fixture


@pytest.fixture
def setup(
    tmp_path: Path, database_url: str, site: ConditionalSite
) -> Iterator[tuple[AppConfig, Database]]:
    path = write_config(
        tmp_path,
        database_url,
        f"""
[topic]
terms = ["광주"]
[[sources]]
key = "polled"
feeds = ["{site.url(FEED)}"]
sitemaps = ["{site.url(SITEMAP)}"]
listings = ["{site.url(LISTING)}"]
article_pattern = "articleView"
""",
    )
    config = load_config(path, env={})
    database = open_database(database_url)
    yield config, database
    database.close()


def poll_once(
    config: AppConfig, database: Database, registry: CountingRegistry
) -> list[CrawlOutcome]:
    outcomes: list[CrawlOutcome] = []
    runner = PollingRunner(config, Poller(config, database), registry)
    job = CrawlJob(config, database, registry, lambda s, o: outcomes.append(o), runner=runner)
    job("polled")
    return outcomes


def article_hits(site: ConditionalSite) -> list[str]:
    return sorted(hit.path for hit in site.answered("/news/"))


def test_new_urls_go_to_one_crawl_and_nothing_new_starts_none(
    tmp_path: Path, site: ConditionalSite, setup: tuple[AppConfig, Database]
) -> None:
    config, database = setup
    registry = CountingRegistry()
    first = publish(site, [1, 2], version=1)
    (outcome,) = poll_once(config, database, registry)
    assert outcome.status == "ok", outcome.reason
    assert article_hits(site) == sorted(first)
    assert len(registry.commands) == 1 and "--urls-from" in registry.commands[0]

    # three new articles: the crawl fetches exactly those three
    site.clear_log()
    new = publish(site, [1, 2, 3, 4, 5], version=2)[2:]
    (outcome,) = poll_once(config, database, registry)
    assert outcome.status == "ok", outcome.reason
    assert article_hits(site) == sorted(new)
    assert outcome.counts.added == 3
    assert len(corpus_files(tmp_path)) == 5

    # nothing new: one request per discovery URL, validators sent, no process started
    site.clear_log()
    (outcome,) = poll_once(config, database, registry)
    assert len(registry.commands) == 2
    asked = [hit.path for hit in site.answered() if not hit.path.startswith("/robots")]
    assert sorted(asked) == sorted([FEED, SITEMAP, LISTING])
    statuses = {hit.path: hit.status for hit in site.answered("/")}
    assert statuses[FEED] == 304 and statuses[SITEMAP] == 304 and statuses[LISTING] == 200
    (feed_hit,) = site.answered(FEED)
    assert feed_hit.headers["if-none-match"] == '"feed-v2"'
    assert outcome.status == "ok" and outcome.counts.discovered == 5
    with database.session() as session:
        run = repository.recent_runs(session, "polled", limit=1)[0]
        assert (run.status, run.discovered, run.added) == ("ok", 5, 0)


def test_a_failing_discovery_url_is_a_discovery_error_not_a_process(
    site: ConditionalSite, setup: tuple[AppConfig, Database]
) -> None:
    config, database = setup
    registry = CountingRegistry()
    publish(site, [1], version=1)
    assert poll_once(config, database, registry)[0].status == "ok"
    site.add(SITEMAP, Page(b"gone", "text/plain", 500))
    site.last_modified.pop(SITEMAP)
    site.clear_log()
    (outcome,) = poll_once(config, database, registry)
    # the feed still answers: the run is ok, as the crawl's would be, and needs no process
    assert outcome.status == "ok" and len(registry.commands) == 1
    assert [hit.status for hit in site.answered(SITEMAP)] == [500]


def test_every_discovery_url_failing_is_a_failed_run_with_its_reason(
    site: ConditionalSite, setup: tuple[AppConfig, Database]
) -> None:
    config, database = setup
    registry = CountingRegistry()
    for path in (FEED, SITEMAP, LISTING):
        site.add(path, Page(b"down", "text/plain", 503))
    (outcome,) = poll_once(config, database, registry)
    assert registry.commands == []  # no homepage: no fallback the crawl could try
    assert outcome.status == "failed"
    assert outcome.reason is not None and "HTTP 503" in outcome.reason
    with database.session() as session:
        run = repository.recent_runs(session, "polled", limit=1)[0]
        assert run.status == "failed" and "HTTP 503" in (run.error_reason or "")


def test_a_discovery_page_over_the_size_limit_is_refused_not_truncated(
    site: ConditionalSite, tmp_path: Path, database_url: str
) -> None:
    path = write_config(
        tmp_path,
        database_url,
        f"""
[[sources]]
key = "polled"
feeds = ["{site.url(FEED)}"]
""",
    )
    config = load_config(path, env={"NEWSMON_CRAWL_MAX_PAGE_BYTES": "100000"})
    database = open_database(database_url)
    try:
        site.add(FEED, Page(b"<rss>" + b" " * 200_000 + b"</rss>", "application/rss+xml"))
        registry = CountingRegistry()
        (outcome,) = poll_once(config, database, registry)
    finally:
        database.close()
    assert registry.commands == []
    assert outcome.status == "failed"
    assert outcome.reason is not None and "larger than 100000 bytes" in outcome.reason


def test_a_json_listing_is_polled_through_the_same_dispatch(
    site: ConditionalSite, tmp_path: Path, database_url: str
) -> None:
    api = "/api/getNewsList?localCode=40"
    path = write_config(
        tmp_path,
        database_url,
        f"""
[topic]
terms = ["광주"]
[[sources]]
key = "polled"
api_listings = ["{site.url(api)}"]
api_items = "data"
api_url_template = "{site.base_url}/news/articleView.html?idxno={{code}}"
article_pattern = "articleView"
""",
    )
    config = load_config(path, env={})
    for idxno in (1, 2):
        site.add(story(idxno).path, article_page(story(idxno)))
    items = ",".join(f'{{"code": {i}, "title": "t{i}"}}' for i in (1, 2))
    site.add(api, f'{{"success": true, "data": [{items}]}}', content_type="application/json")
    database = open_database(database_url)
    try:
        registry = CountingRegistry()
        (outcome,) = poll_once(config, database, registry)
        assert outcome.status == "ok", outcome.reason
        assert article_hits(site) == sorted(story(i).path for i in (1, 2))
        assert outcome.counts.added == 2 and len(registry.commands) == 1
        site.clear_log()
        (outcome,) = poll_once(config, database, registry)  # nothing new: no process
        assert outcome.status == "ok" and len(registry.commands) == 1
        assert [hit.path for hit in site.answered("/api/")] == [api]
    finally:
        database.close()
