"""The real `newsmon crawl` in a subprocess against a fixture site on 127.0.0.1."""

from __future__ import annotations

import hashlib
import json
import socket
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.fixture_server import FixtureSite, Page, serve
from tests.integration import harness
from tests.integration.harness import FIXTURES, SEEDS, corpus_files, run_newsmon
from tests.integration.site_articles import ON_TOPIC_1, ON_TOPIC_2, REPOST_OF_1
from tests.sitegen import article_page, empty_page, rss_feed

OFF_TOPIC_PATH = "/news/articleView.html?idxno=104"
DEAD_PATH = "/news/articleView.html?idxno=105"
EMPTY_PATH = "/news/articleView.html?idxno=106"


def build_site() -> FixtureSite:
    site = FixtureSite()
    for article in (ON_TOPIC_1, ON_TOPIC_2, REPOST_OF_1):
        site.add(article.path, article_page(article))
    # a real regional page: Gwangju, but football, not AI -> off topic
    site.add(OFF_TOPIC_PATH, (FIXTURES / "korean-news/pages/01_jnilbo.html").read_bytes())
    site.add(EMPTY_PATH, empty_page())
    return site


def add_feed(site: FixtureSite) -> None:
    paths = [
        ON_TOPIC_1.path,
        ON_TOPIC_2.path,
        REPOST_OF_1.path,
        OFF_TOPIC_PATH,
        DEAD_PATH,
        EMPTY_PATH,
        ON_TOPIC_1.path + "&utm_source=rss",
    ]  # the same URL again, with a tracking parameter
    site.add(
        "/rss/allArticle.xml",
        rss_feed(site.base_url, paths),
        content_type="application/rss+xml; charset=utf-8",
    )


def write_config(tmp: Path, feeds: list[str], database_url: str) -> Path:
    feed_list = ", ".join(json.dumps(f) for f in feeds)
    return harness.write_config(
        tmp,
        database_url,
        f"""
[topic]
all  = ["광주"]
any  = ["AI", "인공지능", "AX"]
none = ["경기 광주", "경기도 광주"]
[[sources]]
key = "fixture"
name = "뉴스몬일보"
feeds = [{feed_list}]
""",
    )


def test_crawl_appends_exactly_the_new_on_topic_articles(workdir: Path, database_url: str) -> None:
    with serve(build_site()) as site:
        add_feed(site)
        config = write_config(workdir, [site.url("/rss/allArticle.xml")], database_url)
        first = run_newsmon("crawl", "--config", str(config), "--json", cwd=workdir)
        assert first.returncode == 0, first.stderr
        files = corpus_files(workdir)
        new = [name for name in files if name not in {s.name for s in SEEDS}]
        assert [name[:4] for name in new] == ["005_", "006_"]
        texts = {(workdir / "corpus" / name).read_bytes() for name in new}
        assert texts == {ON_TOPIC_1.text.encode(), ON_TOPIC_2.text.encode()}
        for name in new:
            data = (workdir / "corpus" / name).read_bytes()
            assert name == f"{name[:3]}_{hashlib.sha256(data).hexdigest()[:16]}.txt"
        (report,) = json.loads(first.stdout)
        assert report["added"] == 2 and report["duplicates"] == 1 and report["failed"] is False
        assert sorted(report["added_files"]) == new
        assert report["discovered"] == 6  # the tracking-parameter URL is the same article

        site.clear_log()
        second = run_newsmon("crawl", "--config", str(config), "--json", cwd=workdir)
        assert second.returncode == 0, second.stderr
        assert corpus_files(workdir) == files
        assert site.requested("/news/") == []
        assert json.loads(second.stdout)[0]["added"] == 0

        verify = run_newsmon("corpus", "verify", "--config", str(config), cwd=workdir)
        assert verify.returncode == 0, verify.stdout + verify.stderr


def test_a_page_is_known_by_its_declared_canonical_url(workdir: Path, database_url: str) -> None:
    alias = "/news/articleView.html?idxno=901"  # e.g. a print or mobile view of article 101
    page = article_page(ON_TOPIC_1).replace(
        "<head>", f'<head><link rel="canonical" href="{ON_TOPIC_1.path}">', 1
    )
    with serve(build_site()) as site:
        site.add(alias, page)
        feed = "/rss/allArticle.xml"
        site.add(feed, rss_feed(site.base_url, [alias]), content_type="application/rss+xml")
        config = write_config(workdir, [site.url(feed)], database_url)
        first = run_newsmon("crawl", "--config", str(config), "--json", cwd=workdir)
        assert first.returncode == 0, first.stderr
        assert json.loads(first.stdout)[0]["added"] == 1
        # the feed now names the article by its canonical URL: known, not fetched again
        site.add(feed, rss_feed(site.base_url, [ON_TOPIC_1.path]), content_type="text/xml")
        site.clear_log()
        second = run_newsmon("crawl", "--config", str(config), "--json", cwd=workdir)
        assert second.returncode == 0, second.stderr
        assert site.requested("/news/") == []
        assert json.loads(second.stdout)[0]["added"] == 0


def test_a_canonical_url_on_another_site_is_not_taken_as_this_page(
    workdir: Path, database_url: str
) -> None:
    page = article_page(ON_TOPIC_1).replace(
        "<head>", '<head><link rel="canonical" href="https://other.example/news/1">', 1
    )
    with serve(FixtureSite()) as site:
        site.add(ON_TOPIC_1.path, page)
        feed = "/rss/allArticle.xml"
        site.add(feed, rss_feed(site.base_url, [ON_TOPIC_1.path]), content_type="text/xml")
        config = write_config(workdir, [site.url(feed)], database_url)
        result = run_newsmon("crawl", "--config", str(config), "--json", cwd=workdir)
    assert result.returncode == 0, result.stderr
    with create_engine(database_url).connect() as connection:
        urls = set(connection.execute(text("SELECT canonical_url FROM seen_urls")).scalars())
    assert not any("other.example" in url for url in urls)


def test_unreachable_source_fails_and_leaves_corpus_intact(
    workdir: Path, database_url: str
) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}/rss/allArticle.xml"
    config = write_config(workdir, [dead], database_url)
    before = {p.name: p.read_bytes() for p in (workdir / "corpus").iterdir()}
    result = run_newsmon("crawl", "--config", str(config), cwd=workdir)
    assert result.returncode == 1
    assert "source fixture failed" in result.stderr
    after = {
        p.name: p.read_bytes() for p in (workdir / "corpus").iterdir() if not p.name.startswith(".")
    }
    assert after == before


def test_bad_feed_fails_the_source(workdir: Path, database_url: str) -> None:
    site = FixtureSite()
    site.add("/rss/allArticle.xml", Page(b"<html><body>Service unavailable</body></html>"))
    with serve(site):
        config = write_config(workdir, [site.url("/rss/allArticle.xml")], database_url)
        result = run_newsmon("crawl", "--config", str(config), cwd=workdir)
    assert result.returncode == 1
    assert "bad feed" in result.stderr


def test_config_error_names_key_and_file_before_fetching(tmp_path: Path) -> None:
    site = FixtureSite()
    with serve(site):
        config = tmp_path / "broken.toml"
        config.write_text(
            f'[[sources]]\nkey = "x"\nfeeds = ["{site.url("/rss")}"]\nevery = "soon"\n',
            encoding="utf-8",
        )
        result = run_newsmon("crawl", "--config", str(config), cwd=tmp_path)
        assert site.requested() == []
    assert result.returncode == 2
    assert "every" in result.stderr and str(config) in result.stderr
