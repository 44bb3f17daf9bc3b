"""Crawl-time fallback: a source whose feed 404s still yields its new articles in the same run
through entry-point discovery from its homepage; the daemon's alert names the URLs, once."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from crawler.config import AppConfig
from db import history
from db.models import CrawlRun
from db.session import Database, make_engine
from scheduler.alerts import Message
from scheduler.jobs import CrawlOutcome
from scheduler.monitor import Review, RunMonitor
from tests.fixture_server import FixtureSite, serve
from tests.integration import harness
from tests.integration.harness import SEEDS, corpus_files, run_newsmon
from tests.integration.site_articles import ON_TOPIC_1, ON_TOPIC_2
from tests.sitegen import article_page, rss_feed

MOVED_FEED = "/rss/moved.xml"


def build_site() -> FixtureSite:
    site = FixtureSite()
    for article in (ON_TOPIC_1, ON_TOPIC_2):
        site.add(article.path, article_page(article))
    return site


def add_pages(site: FixtureSite) -> None:
    links = "".join(
        f'<li><a href="{a.path}">{a.headline}</a></li>' for a in (ON_TOPIC_1, ON_TOPIC_2)
    )
    site.add(
        "/",
        f'<html><head><title>뉴스몬일보</title><link rel="alternate" type="application/rss+xml" '
        f'href="{MOVED_FEED}"></head><body><ul>{links}</ul></body></html>',
    )
    paths = [ON_TOPIC_1.path, ON_TOPIC_2.path]
    site.add(MOVED_FEED, rss_feed(site.base_url, paths), content_type="application/rss+xml")


class Recorder:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.kinds: list[str] = []

    def send(self, message: Message, kind: str = "other") -> None:
        self.messages.append(message)
        self.kinds.append(kind)

    def close(self, timeout: float = 5.0) -> None:
        """Nothing queued."""


def test_feed_404_falls_back_to_discovery_in_the_same_run(workdir: Path, database_url: str) -> None:
    with serve(build_site()) as site:
        add_pages(site)
        config = harness.write_config(
            workdir,
            database_url,
            f"""
[topic]
all  = ["광주"]
any  = ["AI", "인공지능"]
[[sources]]
key = "fixture"
name = "뉴스몬일보"
homepage = "{site.url("/")}"
feeds = ["{site.url("/rss/allArticle.xml")}"]
""",
        )
        done = run_newsmon("crawl", "--config", str(config), "--json", cwd=workdir)
    assert done.returncode == 0, done.stderr
    (report,) = json.loads(done.stdout)
    assert not report["failed"] and report["added"] == 2
    new = [n for n in corpus_files(workdir) if n not in {s.name for s in SEEDS}]
    assert len(new) == 2
    fallback = report["fallback"]
    assert fallback["old"] == [site.url("/rss/allArticle.xml")]
    assert {"kind": "feed", "url": site.url(MOVED_FEED)} in fallback["found"]
    assert "/robots.txt" in site.requests  # discovery asked robots.txt first
    database = Database(make_engine(database_url))
    with database.session() as session:
        run = session.scalars(select(CrawlRun)).one()
        assert run.status == "ok" and json.loads(run.fallback or "{}") == fallback
        later = datetime.now(UTC) + timedelta(hours=1)
        assert history.previous_fallback(session, "fixture", later) == run.fallback
    _alert_is_sent_once(report)


def _alert_is_sent_once(report: dict[str, Any]) -> None:
    sender = Recorder()
    monitor = RunMonitor(AppConfig(), database=None, sender=sender)  # type: ignore[arg-type]
    source = AppConfig().sources[0]
    now = datetime.now(UTC)
    outcome = CrawlOutcome(source.key, "ok", now, now, 0, report)
    review = Review(0, 0, None, None, None, [])
    for _ in range(3):
        monitor.alert(source, outcome, review)
    texts = [m["text"] for m in sender.messages]
    assert len(texts) == 1 and "crawled the entry points found instead" in texts[0]
    assert sender.kinds == ["layout"]
    body = json.dumps(sender.messages[0], ensure_ascii=False)
    assert "/rss/allArticle.xml" in body and MOVED_FEED in body
    clean = CrawlOutcome(source.key, "ok", now, now, 0, {})
    monitor.alert(source, clean, review)
    monitor.alert(source, outcome, review)  # moved again after working: a new alert
    assert len(sender.messages) == 2
    # a restarted daemon: the run before (from the database) had found the same URLs
    restarted = RunMonitor(AppConfig(), database=None, sender=sender)  # type: ignore[arg-type]
    found = tuple(item["url"] for item in report["fallback"]["found"])
    restarted.alert(source, outcome, Review(0, 0, None, None, None, [], previous_found=found))
    assert len(sender.messages) == 2
