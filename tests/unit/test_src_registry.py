"""The built-in source registry: every entry is valid, documented and reachable by pattern."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from crawler.config import ConfigError, build_config
from crawler.crawl.retry_after import retry_after_seconds
from crawler.sources import (
    BUILTIN_SOURCES,
    SEARCH_SOURCES,
    Source,
    SourceError,
    check_registry,
)
from crawler.sources.base import homepage_domain
from crawler.timeutil import KST
from crawler.urls import canonical_url

REQUIRED_DOMAINS = {
    "kwangju.co.kr": "광주일보",
    "jnilbo.com": "전남일보",
    "mdilbo.com": "무등일보",
    "namdonews.com": "남도일보",
    "gjdream.com": "광주드림",
    "gwangnam.co.kr": "광남일보",
    "news.kbs.co.kr": "KBS 광주",
    "kjmbc.co.kr": "광주MBC",
    "ikbc.co.kr": "KBC광주방송",
    "sisaissue.com": "시사의창",
    "kjdaily.com": "광주매일신문",
    "gwangju.go.kr": "광주광역시",
    "gist.ac.kr": "GIST",
    "asiae.co.kr": "아시아경제",
    "gwangjuin.com": "광주in",
    "gj.newdaily.co.kr": "뉴데일리",
    "jntoday.co.kr": "전남투데이",
    "naeil.com": "내일신문",
    "newsis.com": "뉴시스",
    "news1.kr": "뉴스1",
    "yna.co.kr": "연합뉴스",
}
NAVER_KEYS = {"NEWSMON_NAVER_CLIENT_ID": "id", "NEWSMON_NAVER_CLIENT_SECRET": "secret"}


def test_registry_covers_the_regions_outlets() -> None:
    domains = {homepage_domain(source): source.name for source in BUILTIN_SOURCES}
    missing = {d: name for d, name in REQUIRED_DOMAINS.items() if name not in domains.get(d, "")}
    assert missing == {}


@pytest.mark.parametrize("source", BUILTIN_SOURCES, ids=lambda s: s.key)
def test_outlet_entry_is_complete(source: Source) -> None:
    assert source.discovery_urls, "no feed, sitemap or listing"
    for _, url in source.discovery_urls:
        assert url.startswith(("http://", "https://"))
    assert source.article_pattern
    assert source.provenance.strip()
    assert homepage_domain(source)
    if not source.sample_article:
        # Better no sample than a made-up one: the entry must say none was seen.
        assert "no article URL of this outlet was seen" in source.provenance
        return
    assert source.is_article_url(source.sample_article)
    # the canonical form must keep the article id, or known-URL checks would miss it
    assert source.is_article_url(canonical_url(source.sample_article))


@pytest.mark.parametrize("source", (*BUILTIN_SOURCES, *SEARCH_SOURCES), ids=lambda s: s.key)
def test_every_entry_has_provenance_and_http_urls(source: Source) -> None:
    assert source.provenance.strip()
    if source.search is not None:
        assert source.search_url.startswith("https://")


def test_sisaon_is_not_listed_as_sisa_ui_chang() -> None:
    assert all("sisaon.co.kr" not in source.homepage for source in BUILTIN_SOURCES)


def test_korean_category_path_keeps_the_ikbc_id() -> None:
    ikbc = next(source for source in BUILTIN_SOURCES if source.key == "ikbc")
    url = "https://news.ikbc.co.kr/저녁뉴스(사회)/article/view/kbc202403290022"
    assert ikbc.is_article_url(url) and ikbc.is_article_url(canonical_url(url))
    assert canonical_url(url).endswith("/article/view/kbc202403290022")


@pytest.mark.parametrize("source", BUILTIN_SOURCES, ids=lambda s: s.key)
def test_provenance_says_what_is_confirmed_or_guessed(source: Source) -> None:
    text = source.provenance
    assert any(word in text for word in ("CONFIRMED", "GUESS", "unverified", "confirmed"))


def test_keys_are_unique() -> None:
    keys = [source.key for source in BUILTIN_SOURCES]
    assert len(keys) == len(set(keys))


def _outlet(key: str, homepage: str) -> Source:
    return Source(key=key, name=key, homepage=homepage, feeds=(f"{homepage}rss.xml",))


@pytest.mark.parametrize(
    ("sources", "message"),
    [
        ((_outlet("a", "https://a.example/"), _outlet("a", "https://b.example/")), "listed twice"),
        (
            (_outlet("a", "https://www.a.example/"), _outlet("b", "https://m.a.example/")),
            "homepage domain a.example",
        ),
    ],
    ids=["duplicate-key", "duplicate-domain"],
)
def test_registry_rejects_duplicates(sources: tuple[Source, ...], message: str) -> None:
    with pytest.raises(SourceError, match=message):
        check_registry(sources)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"sample_article": "https://a.example/other/1"}, "does not match sample_article"),
        ({"search": "bing"}, "search must be one of"),
        ({"feeds": (), "search_url": "ftp://x"}, "needs at least one"),
    ],
    ids=["sample-not-matching", "unknown-engine", "nothing-to-discover"],
)
def test_source_rejects_bad_entries(fields: dict[str, object], message: str) -> None:
    base = {
        "key": "a",
        "name": "a",
        "feeds": ("https://a.example/rss",),
        "article_pattern": r"/news/\d+",
    }
    with pytest.raises(SourceError, match=message):
        Source(**{**base, **fields})  # type: ignore[arg-type]


def _enabled(data: dict[str, object], env: dict[str, str]) -> dict[str, bool]:
    config = build_config(data, where="test.toml", env=env)
    return {s.key: s.enabled for s in config.sources if s.search is not None}


@pytest.mark.parametrize(
    ("data", "env", "expected"),
    [
        ({}, {}, {}),
        ({}, NAVER_KEYS, {"naver": True}),
        ({"search": {"google_news": True}}, {}, {"google_news": True}),
        ({}, {**NAVER_KEYS, "NEWSMON_SEARCH_NAVER": "off"}, {}),
        (
            {"sources": [{"key": "naver", "search_terms": ["광주 AI"]}]},
            {},
            {"naver": False},  # listed, but no keys: shown as disabled
        ),
        (
            {"sources": [{"key": "x", "feeds": ["https://x.example/rss"]}]},
            {**NAVER_KEYS, "NEWSMON_SEARCH_GOOGLE_NEWS": "1"},
            {"naver": True, "google_news": True},
        ),
    ],
    ids=["defaults", "naver-keys", "google-on", "naver-off-by-env", "listed-no-keys", "own-list"],
)
def test_search_section_switches_search_sources(
    data: dict[str, object], env: dict[str, str], expected: dict[str, bool]
) -> None:
    assert _enabled(data, env) == expected


def test_search_source_endpoint_is_overridable_and_pages_limited() -> None:
    data = {
        "search": {"max_pages": 2},
        "sources": [{"key": "naver", "search_url": "http://127.0.0.1:9/v1/search/news.json"}],
    }
    naver = build_config(data, where="t.toml", env=NAVER_KEYS).source("naver")
    assert naver.search_url == "http://127.0.0.1:9/v1/search/news.json"
    assert (naver.enabled, naver.max_listing_pages, naver.search) == (True, 2, "naver")


def test_unknown_search_key_is_an_error() -> None:
    with pytest.raises(ConfigError, match=r"search\.bing"):
        build_config({"search": {"bing": True}}, where="t.toml", env={})


def test_loading_a_config_without_naver_keys_says_nothing(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO")
    build_config({}, where="t.toml", env={})
    assert [r for r in caplog.records if "Naver" in r.getMessage()] == []


NOW = datetime(2025, 10, 21, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("1", 1.0),
        (" 120 ", 120.0),
        ("Tue, 21 Oct 2025 00:00:30 GMT", 30.0),
        ("Mon, 20 Oct 2025 23:00:00 GMT", 0.0),
        ("soon", None),
        ("", None),
        (None, None),
    ],
    ids=["seconds", "padded", "http-date", "date-in-past", "garbage", "empty", "absent"],
)
def test_retry_after_seconds(value: str | None, seconds: float | None) -> None:
    assert retry_after_seconds(value, now=NOW) == seconds


def test_replace_keeps_validation() -> None:
    source = BUILTIN_SOURCES[0]
    with pytest.raises(SourceError):
        dataclasses.replace(source, sample_article="https://elsewhere.example/")


def test_today_in_a_listing_url_is_the_crawl_days_kst_date() -> None:
    kjmbc = next(source for source in BUILTIN_SOURCES if source.key == "kjmbc")
    today = datetime.now(KST).strftime("%Y-%m-%d")
    assert ("listing", f"https://kjmbc.co.kr/NewsDesk/{today}") in kjmbc.discovery_urls
    assert "https://kjmbc.co.kr/NewsDesk/{today}" in kjmbc.listings  # the entry itself keeps it
