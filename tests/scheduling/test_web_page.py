"""The status report and page: sources (never ran, failing, silent), newest files, 30-day chart."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from lxml import html as lxml_html

from crawler.config import AppConfig
from db.models import Article
from db.session import Database, open_database
from scheduler.page import render
from scheduler.status import StatusReport, report_from
from tests.scheduling.conftest import T0, add_run, make_config

pytestmark = pytest.mark.database
SOURCES = """
[[sources]]
key = "steady"
name = "광주일보"
feeds = ["http://127.0.0.1:1/rss"]
every = "1h"
[[sources]]
key = "failing"
name = "전남일보"
feeds = ["http://127.0.0.1:1/rss"]
every = "1h"
[[sources]]
key = "quiet"
name = "무등일보"
feeds = ["http://127.0.0.1:1/rss"]
every = "1h"
[[sources]]
key = "never"
name = "남도일보"
feeds = ["http://127.0.0.1:1/rss"]
every = "1h"
"""
NOW = T0 + timedelta(days=40)
ALERTS = "[alerts]\nfailures_before_alert = 3\nsilent_factor = 4.0\n"


def _text(element: lxml_html.HtmlElement) -> str:
    return "".join(element.itertext())


def _file(seq: int) -> str:
    return f"{seq:03d}_{seq:016x}.txt"


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    handle = open_database(database_url)
    try:
        yield handle
    finally:
        handle.close()


@pytest.fixture
def config(tmp_path: Path, database: Database, database_url: str) -> AppConfig:
    config = make_config(tmp_path, SOURCES, f'[database]\nurl = "{database_url}"\n{ALERTS}')
    seq = iter(range(1, 1000))
    # steady: adds every hour up to now (60 files over the last 60 hours)
    for hours in range(60, 0, -1):
        add_run(database, "steady", NOW - timedelta(hours=hours), "ok", (_file(next(seq)),))
    # failing: worked four days ago, then three failed runs in a row
    add_run(database, "failing", NOW - timedelta(days=4), "ok", (_file(next(seq)),))
    for hours in (3, 2, 1):
        add_run(database, "failing", NOW - timedelta(hours=hours), "failed")
    # quiet: added every hour for a while, then nothing for two days (> 4 x its 1 h gap)
    for hours in range(60, 48, -1):
        add_run(database, "quiet", NOW - timedelta(hours=hours), "ok", (_file(next(seq)),))
    add_run(database, "quiet", NOW - timedelta(hours=1), "ok")
    return config


@pytest.fixture
def report(config: AppConfig, database: Database) -> StatusReport:
    return report_from(database, config, NOW)


def test_badges_follow_the_alert_policy(report: StatusReport) -> None:
    rows = {row.key: row for row in report.sources}
    assert {key: row.badge for key, row in rows.items()} == {
        "steady": None,
        "failing": "broken",
        "quiet": "silent",
        "never": None,
    }
    assert rows["failing"].failures_in_row == 3 and rows["failing"].last_status == "failed"
    assert rows["never"].last_status is None and rows["never"].last_new_article_at is None
    assert rows["never"].overdue
    assert rows["quiet"].last_new_article_at == NOW - timedelta(hours=49)
    assert rows["steady"].last_new_article_at == NOW - timedelta(hours=1)


def test_newest_fifty_articles_newest_first_with_outlet(report: StatusReport) -> None:
    assert len(report.articles) == 50
    seqs = [int(row.file_name.split("_")[0]) for row in report.articles]
    assert seqs == sorted(seqs, reverse=True) and seqs[0] == 73
    assert {row.outlet for row in report.articles} >= {"광주일보", "무등일보"}


def test_daily_series_count_each_kst_day(report: StatusReport) -> None:
    assert len(report.days) == 30 and report.days[-1].isoformat() == "2025-11-30"
    assert list(report.daily) == ["steady", "failing", "quiet", "never"]
    assert all(len(values) == 30 for values in report.daily.values())
    assert sum(report.daily["steady"]) == 60 and sum(report.daily["quiet"]) == 12
    assert sum(report.daily["failing"]) == 1 and sum(report.daily["never"]) == 0
    # NOW is 09:00 KST: the last day holds the steady source's files from 00:00 to 08:00 KST
    assert report.daily["steady"][-1] == 9


def test_report_as_dict_has_the_cli_shape(report: StatusReport) -> None:
    payload = report.as_dict()
    assert set(payload) == {
        "generated_at",
        "corpus_files",
        "leader",
        "archive",
        "sources",
        "articles",
        "daily",
        "coverage",
    }
    assert payload["leader"] is None  # no daemon has led (and SQLite never has one)
    assert payload["archive"]["records"] == 0 and payload["archive"]["files"] == 0
    assert payload["sources"][1]["badge"] == "broken"
    assert payload["articles"][0] == {
        "file": _file(73),
        "source": "quiet",
        "outlet": "무등일보",
        "headline": "기사 73 제목",
        "url": "https://news.example/73",
        "fetched_at": "2025-11-27T23:00:00+00:00",
        "published_at": None,
    }
    assert payload["daily"]["series"]["steady"] == report.daily["steady"]


def test_page_shows_sources_articles_and_one_series_per_source(report: StatusReport) -> None:
    page = render(report)
    assert page.startswith("<!DOCTYPE html>") and '<html lang="ko">' in page
    assert '<meta charset="utf-8">' in page and "<script" not in page
    assert not re.search(r"""(src|href)=["']?https?://(?!news\.example)""", page)
    tree = lxml_html.fromstring(page)
    sources = tree.cssselect("#sources tbody tr.source")
    assert [row.get("data-source") for row in sources] == ["steady", "failing", "quiet", "never"]
    failing = _text(sources[1])
    assert "전남일보" in failing and "failed" in failing and "broken" in failing
    assert "never" in _text(sources[3])
    assert len(tree.cssselect("#articles tbody tr.article")) == 50
    first = tree.cssselect("#articles tbody tr.article")[0]
    assert first.cssselect("a")[0].get("href") == "https://news.example/73"
    assert "2025-11-28 08:00" in _text(first)  # 23:00 UTC is 08:00 KST
    series = tree.cssselect("svg polyline.series")
    assert [s.get("data-source") for s in series] == ["steady", "failing", "quiet", "never"]
    assert all(len(str(s.get("points")).split()) == 30 for s in series)


def test_page_escapes_untrusted_headlines_and_links_only_http(
    config: AppConfig, database: Database
) -> None:
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)> & 광주'
    with database.session() as session:
        session.add(
            Article(
                seq=500,
                file_name=_file(500),
                content_hash="f" * 64,
                url="javascript:alert(1)",
                source="steady",
                headline=hostile,
                fetched_at=NOW,
                origin="crawl",
            )
        )
        session.add(
            Article(
                seq=501,
                file_name=_file(501),
                content_hash="e" * 64,
                url='https://news.example/a?b="><script>',
                source="<b>x</b>",
                headline="따옴표",
                fetched_at=NOW,
                origin="crawl",
            )
        )
    page = render(report_from(database, config, NOW))
    assert "<script" not in page and "<img" not in page and "javascript:" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    tree = lxml_html.fromstring(page)
    rows = tree.cssselect("#articles tbody tr.article")
    assert rows[0].cssselect("a")[0].get("href") == 'https://news.example/a?b="><script>'
    assert "<b>x</b>" in _text(rows[0])  # an unknown outlet shows its key, as text
    assert not rows[1].cssselect("a") and hostile in _text(rows[1])
