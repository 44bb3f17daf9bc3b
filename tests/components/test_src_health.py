"""`sources check` probes: a healthy feed, 404, HTML instead of a feed, a timeout, a dead port."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.config import AppConfig, build_config
from crawler.probes.check import SourceHealth, check_sources, format_health
from tests.fixture_server import FixtureSite, Page, serve
from tests.sitegen import rss_feed

NAVER_JSON = Path(__file__).resolve().parent.parent / "fixtures" / "search" / "naver_news.json"
NAVER_KEYS = {"NEWSMON_NAVER_CLIENT_ID": "id", "NEWSMON_NAVER_CLIENT_SECRET": "secret"}


def dead_url() -> str:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}/rss.xml"


@pytest.fixture
def site() -> Iterator[FixtureSite]:
    site = FixtureSite()
    with serve(site):
        site.add("/rss.xml", rss_feed(site.base_url, ["/a/1", "/a/2"]), content_type="text/xml")
        site.add("/html.xml", Page(b"<html><body>Service unavailable</body></html>"))
        site.add("/slow.xml", Page(b"<rss/>", delay=3.0))
        site.add("/list.html", '<a href="/news/articleView.html?idxno=7">기사</a>')
        body = NAVER_JSON.read_text(encoding="utf-8").replace("{BASE}", site.base_url)
        site.add(
            "/v1/search/news.json?query=%EA%B4%91%EC%A3%BC&display=100&start=1&sort=date",
            Page(body.encode("utf-8"), "application/json"),
        )
        yield site


def config_for(site: FixtureSite, env: dict[str, str] | None = None) -> AppConfig:
    sources = [
        {"key": "good", "feeds": [site.url("/rss.xml")]},
        {"key": "gone", "feeds": [site.url("/missing.xml")]},
        {"key": "html", "feeds": [site.url("/html.xml")]},
        {"key": "slow", "feeds": [site.url("/slow.xml")]},
        {"key": "dead", "feeds": [dead_url()]},
        {
            "key": "listing",
            "listings": [site.url("/list.html")],
            "article_pattern": r"articleView\.html\?idxno=\d+",
        },
        {"key": "naver", "search_url": site.url("/v1/search/news.json"), "search_terms": ["광주"]},
    ]
    data = {"crawl": {"timeout": "1s"}, "sources": sources}
    return build_config(data, where="test.toml", env=env or {})


def by_key(results: list[SourceHealth]) -> dict[str, SourceHealth]:
    return {result.key: result for result in results}


def test_probes_report_status_type_items_and_errors(site: FixtureSite) -> None:
    results = by_key(check_sources(config_for(site)))
    (good,) = results["good"].urls
    assert (good.ok, good.status, good.items, good.error) == (True, 200, 2, None)
    assert good.content_type == "text/xml" and good.newest is not None
    assert good.newest.isoformat() == "2025-10-21T00:01:00+00:00"  # 09:01 KST, the newest item
    (gone,) = results["gone"].urls
    assert (gone.ok, gone.status, gone.error) == (False, 404, "HTTP 404")
    (html,) = results["html"].urls
    assert html.ok is False and html.status == 200 and html.error is not None
    assert html.error.startswith("bad feed: not a feed")
    (slow,) = results["slow"].urls
    assert slow.ok is False and slow.status is None and "Timeout" in (slow.error or "")
    (dead,) = results["dead"].urls
    assert dead.ok is False and "ConnectError" in (dead.error or "")
    (listing,) = results["listing"].urls
    assert (listing.ok, listing.items) == (True, 1)
    assert "naver" not in results  # disabled without keys, so not checked by default


def test_naver_is_skipped_without_keys_when_asked_for(
    site: FixtureSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in NAVER_KEYS:
        monkeypatch.delenv(name, raising=False)
    (naver,) = check_sources(config_for(site), ["naver"])
    assert naver.ok is True
    assert naver.urls[0].skipped == "no API credentials"


def test_naver_probe_sends_keys_and_counts_results(
    site: FixtureSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in NAVER_KEYS.items():
        monkeypatch.setenv(name, value)
    (naver,) = check_sources(config_for(site, NAVER_KEYS), ["naver"])
    (probe,) = naver.urls
    assert (naver.ok, probe.status, probe.items) == (True, 200, 2)
    assert probe.url == site.url("/v1/search/news.json")  # the keys never appear in a report


def test_report_text_and_json(site: FixtureSite) -> None:
    results = check_sources(config_for(site), ["good", "gone"])
    text = format_health(results)
    assert text.splitlines()[0] == "good (good): ok"
    assert "items 2, newest 2025-10-21 09:01 KST" in text
    assert "gone (gone): FAILED" in text and "HTTP 404" in text
    data = json.loads(json.dumps([r.as_dict() for r in results]))
    assert [(d["key"], d["ok"]) for d in data] == [("good", True), ("gone", False)]
    assert data[0]["urls"][0]["items"] == 2
