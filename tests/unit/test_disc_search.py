"""Search discovery on stored answers: queries, request URLs, Naver result links."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from crawler.discovery import DiscoveryError
from crawler.discovery.search import (
    google_news_query,
    google_news_url,
    naver_url,
    parse_naver,
    topic_queries,
)
from crawler.topic import Topic

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "search" / "naver_news.json"
BASE = "https://outlet.example"
TOPIC = Topic(all=("광주",), any=("AI", "인공지능"), none=("경기 광주",))


def naver_body(**changes: object) -> bytes:
    data = json.loads(FIXTURE.read_text(encoding="utf-8").replace("{BASE}", BASE))
    data.update(changes)
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def test_topic_queries_pair_required_with_each_optional_term() -> None:
    assert topic_queries(TOPIC) == ["광주 AI", "광주 인공지능"]


@pytest.mark.parametrize(
    ("topic", "explicit", "expected"),
    [
        (Topic(all=("광주",)), (), ["광주"]),
        (None, (), []),
        (TOPIC, ("전남 AX",), ["전남 AX"]),
    ],
    ids=["only-required", "no-topic", "explicit-terms"],
)
def test_topic_queries_edge_cases(
    topic: Topic | None, explicit: tuple[str, ...], expected: list[str]
) -> None:
    assert topic_queries(topic, explicit) == expected


def test_google_news_query_uses_or_and_exclusions() -> None:
    assert google_news_query(TOPIC) == '광주 (AI OR 인공지능) -"경기 광주"'


def test_google_news_url_asks_for_korean_results() -> None:
    query = parse_qs(
        urlsplit(google_news_url("https://news.google.com/rss/search", "광주 AI")).query
    )
    assert query == {"q": ["광주 AI"], "hl": ["ko"], "gl": ["KR"], "ceid": ["KR:ko"]}


@pytest.mark.parametrize(
    ("page", "start"), [(1, 1), (2, 101), (10, 901)], ids=["first", "second", "last-allowed"]
)
def test_naver_url_pages_by_hundred_newest_first(page: int, start: int) -> None:
    url = naver_url("https://openapi.naver.com/v1/search/news.json", "광주 AI", page)
    assert url is not None
    query = parse_qs(urlsplit(url).query)
    assert query == {
        "query": ["광주 AI"],
        "display": ["100"],
        "start": [str(start)],
        "sort": ["date"],
    }


def test_naver_url_stops_at_the_api_limit() -> None:
    assert naver_url("https://openapi.naver.com/v1/search/news.json", "광주", 11) is None


def test_parse_naver_prefers_the_outlet_link() -> None:
    page = parse_naver(naver_body(), "https://openapi.naver.com/v1/search/news.json")
    assert [link.url for link in page.links] == [
        f"{BASE}/news/articleView.html?idxno=101",
        f"{BASE}/news/articleView.html?idxno=102",
    ]
    first = page.links[0]
    assert first.title == '광주 AI 집적단지 2단계 "예타 면제" 확정'
    assert first.published_at == datetime(2025, 10, 21, 0, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("changes", "more"),
    [
        ({}, False),  # fewer than 100 items on the page: the last page
        ({"items": [json.loads(naver_body())["items"][0]] * 100, "total": 250}, True),
        ({"items": [json.loads(naver_body())["items"][0]] * 100, "total": 100}, False),
    ],
    ids=["short-page", "full-page-more-left", "full-page-all-seen"],
)
def test_parse_naver_says_whether_more_pages_exist(changes: dict[str, object], more: bool) -> None:
    assert parse_naver(naver_body(**changes), BASE).more is more


@pytest.mark.parametrize(
    "body",
    [
        b"<html>not json</html>",
        json.dumps({"errorMessage": "Authentication failed", "errorCode": "024"}).encode(),
        b"[]",
    ],
    ids=["html", "api-error", "not-an-object"],
)
def test_parse_naver_refuses_other_answers(body: bytes) -> None:
    with pytest.raises(DiscoveryError, match="not a Naver search answer"):
        parse_naver(body, BASE)
