"""Search discovery through the real `newsmon crawl`: Naver API and Google News RSS on 127.0.0.1."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.fixture_server import FixtureSite, Page, serve
from tests.integration import harness
from tests.integration.harness import corpus_files, run_newsmon
from tests.integration.site_articles import ON_TOPIC_1, ON_TOPIC_2
from tests.sitegen import article_page, rss_feed

NAVER_JSON = Path(__file__).resolve().parent.parent / "fixtures" / "search" / "naver_news.json"
NAVER_KEYS = {"NEWSMON_NAVER_CLIENT_ID": "id-1", "NEWSMON_NAVER_CLIENT_SECRET": "secret-1"}
API = "/v1/search/news.json"


def run(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run_newsmon(*args, cwd=cwd, env=env)


def write_config(tmp: Path, database_url: str, extra: str) -> Path:
    return harness.write_config(
        tmp, database_url, f'[topic]\nall = ["광주"]\nany = ["AI", "인공지능"]\n{extra}\n'
    )


def site_with_articles() -> FixtureSite:
    site = FixtureSite()
    for article in (ON_TOPIC_1, ON_TOPIC_2):
        site.add(article.path, article_page(article))
    return site


def test_naver_results_are_fetched_from_the_outlets(tmp_path: Path, database_url: str) -> None:
    site = site_with_articles()
    with serve(site):
        body = NAVER_JSON.read_text(encoding="utf-8").replace("{BASE}", site.base_url)
        for query in (
            "%EA%B4%91%EC%A3%BC+AI",
            "%EA%B4%91%EC%A3%BC+%EC%9D%B8%EA%B3%B5%EC%A7%80%EB%8A%A5",
        ):
            site.add(f"{API}?query={query}&display=100&start=1&sort=date", Page(body.encode()))
        extra = f'[[sources]]\nkey = "naver"\nsearch_url = "{site.url(API)}"\n'
        config = write_config(tmp_path, database_url, extra)
        result = run("crawl", "--config", str(config), "--json", cwd=tmp_path, env=NAVER_KEYS)
        assert result.returncode == 0, result.stderr
        (report,) = json.loads(result.stdout)
        assert (report["key"], report["added"], report["failed"]) == ("naver", 2, False)
        texts = {
            (tmp_path / "corpus" / n).read_text(encoding="utf-8") for n in corpus_files(tmp_path)
        }
        assert texts == {ON_TOPIC_1.text, ON_TOPIC_2.text}
        # both queries name the same two articles: each page is fetched once
        assert sorted(site.requested("/news/")) == sorted([ON_TOPIC_1.path, ON_TOPIC_2.path])
        assert len(site.requested(API)) == 2


def test_without_keys_naver_is_skipped_with_one_line(tmp_path: Path, database_url: str) -> None:
    site = site_with_articles()
    with serve(site):
        site.add("/rss.xml", rss_feed(site.base_url, [ON_TOPIC_1.path]), content_type="text/xml")
        extra = f'[[sources]]\nkey = "outlet"\nfeeds = ["{site.url("/rss.xml")}"]\n'
        config = write_config(tmp_path, database_url, extra)
        result = run("crawl", "--config", str(config), "--json", cwd=tmp_path, env={})
        assert result.returncode == 0, result.stderr
        assert [r["key"] for r in json.loads(result.stdout)] == ["outlet"]
        skipped = [line for line in result.stderr.splitlines() if "Naver" in line]
        assert len(skipped) == 1 and "NEWSMON_NAVER_CLIENT_ID" in skipped[0]
        assert site.requested(API) == []


def test_google_news_search_when_switched_on(tmp_path: Path, database_url: str) -> None:
    site = site_with_articles()
    with serve(site):
        feed = rss_feed(site.base_url, [ON_TOPIC_2.path])
        site.add(
            "/rss/search?q=%EA%B4%91%EC%A3%BC+%28AI+OR+%EC%9D%B8%EA%B3%B5%EC%A7%80%EB%8A%A5%29"
            "&hl=ko&gl=KR&ceid=KR%3Ako",
            Page(feed.encode("utf-8"), "application/rss+xml"),
        )
        extra = (
            "[search]\nnaver = false\ngoogle_news = true\n"
            f'[[sources]]\nkey = "google_news"\nsearch_url = "{site.url("/rss/search")}"\n'
        )
        config = write_config(tmp_path, database_url, extra)
        result = run("crawl", "--config", str(config), "--json", cwd=tmp_path, env={})
        assert result.returncode == 0, result.stderr
        (report,) = json.loads(result.stdout)
        assert (report["key"], report["added"]) == ("google_news", 1)
