"""The registry as checked again in 2026: the merged city's boards, corrections, new outlets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.sources import BUILTIN_SOURCES, Source
from newsmon.cli import main

BY_KEY = {source.key: source for source in BUILTIN_SOURCES}


@pytest.mark.parametrize("source", BUILTIN_SOURCES, ids=lambda s: s.key)
def test_every_entry_labels_its_urls(source: Source) -> None:
    assert "CONFIRMED" in source.provenance or "GUESS" in source.provenance


@pytest.mark.parametrize("key", ["namdonews", "gjdream", "jnilbo", "gwangjuin"])
def test_ndsoft_feeds_ask_the_verified_location_first(key: str) -> None:
    feeds = BY_KEY[key].feeds
    assert feeds[0].startswith("https://www.") and feeds[0].endswith("/rss/allArticle.xml")
    assert feeds[1].startswith("https://cdn.") and feeds[1].endswith("/gn_rss_allArticle.xml")


def test_jntoday_is_on_its_own_cms() -> None:
    jntoday = BY_KEY["jntoday"]
    urls = [url for _, url in jntoday.discovery_urls]
    assert not any("articleView" in u or "articleList" in u or "allArticle" in u for u in urls)
    assert "section_list_all.html?sec_no=0" in urls[1]
    assert jntoday.is_article_url("https://www.jntoday.co.kr/news/article.html?no=412345")
    assert not jntoday.is_article_url(
        "https://www.jntoday.co.kr/news/articleView.html?idxno=100000"
    )
    assert jntoday.sample_article == ""  # none was seen: no made-up sample


def test_gwangnam_says_its_sections_are_opinion() -> None:
    gwangnam = BY_KEY["gwangnam"]
    assert "OPINION" in gwangnam.provenance
    assert not any("sid=129" in url for url in gwangnam.listings)
    assert gwangnam.listings[0] == "http://www.gwangnam.co.kr/"


def test_city_boards_after_the_merger() -> None:
    board = BY_KEY["jeonnam-gwangju"]
    assert board.listings == (
        "https://www.jeonnam-gwangju.go.kr/boardList.do?pageId=jngj22&boardId=JG_0000000003",
    )
    assert board.is_article_url(
        "https://www.jeonnam-gwangju.go.kr/boardView.do?pageId=jngj22&boardId=JG_0000000003&seq=9"
    )
    news = BY_KEY["jeonnam-gwangju-news"]
    assert news.is_article_url(
        "https://news.jeonnam-gwangju.go.kr/gallery.es?mid=a50101000000&bid=0009&act=view&list_no=1"
    )
    assert not news.is_article_url(news.listings[0])
    old = BY_KEY["gwangju-city"]
    assert "pageId" not in old.listings[0] and old.name.startswith("(구)")
    assert old.is_article_url("https://www.gwangju.go.kr/boardView.do?boardId=BD_0000000027&seq=1")


def test_smaller_corrections() -> None:
    newsis = BY_KEY["newsis-honam"]
    assert newsis.is_article_url("https://www.newsis.com/view/?id=NISX20260701_0003500001")
    gist = BY_KEY["gist"]
    assert "/070102.html" in gist.sample_article and "070102" in gist.provenance
    assert "code=LHedvK" in " ".join(BY_KEY["mdilbo"].listings)
    assert any("S2N65" in url for url in BY_KEY["gjdream"].listings)
    assert any("%EA%B4%91%EC%A3%BC" in url for url in BY_KEY["ikbc"].listings)


@pytest.mark.parametrize(
    ("key", "feed"),
    [
        ("aitimes", "https://www.aitimes.com/rss/allArticle.xml"),
        ("etnews", "https://rss.etnews.com/Section901.xml"),
        ("zdnet-korea", "https://feeds.feedburner.com/zdkorea"),
        ("pressian-kj", "https://www.pressian.com/api/v3/site/rss/news"),
    ],
)
def test_national_ai_press_is_listed(key: str, feed: str) -> None:
    assert BY_KEY[key].feeds[0] == feed


def test_sources_json_shows_the_corrected_entries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no newsmon.toml: the built-in registry
    monkeypatch.delenv("NEWSMON_CONFIG", raising=False)
    assert main(["sources", "--json"]) == 0
    rows = {row["key"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["jntoday"]["feeds"] == ["https://www.jntoday.co.kr/data/rss/news.xml"]
    assert rows["kbs-gwangju"]["api_listings"] and not rows["kbs-gwangju"]["listings"]
    assert rows["jeonnam-gwangju"]["sample_article"].endswith("seq=78")
    assert "OPINION" in rows["gwangnam"]["provenance"]
