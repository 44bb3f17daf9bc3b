"""Pipelines and the known-URL middleware, built by get_crawler, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import errno
import hashlib
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.http import HtmlResponse

from corpus_folder.staging import CorpusWriteError
from crawler.crawl.items import ArticleItem
from crawler.crawl.known_urls import KnownUrlMiddleware
from crawler.crawl.pipelines import CorpusPipeline, TopicFilterPipeline
from crawler.crawl.services import services_of
from crawler.parsers.base import Extracted, NoArticle
from crawler.topic import Topic
from db.models import SeenUrl
from tests import queries
from tests.crawlers import newsmon_crawler

TOPIC = Topic(all=("광주",), any=("AI", "인공지능"), none=("경기 광주",))
BODY = (
    "광주시가 AI 집적단지 2단계 사업의 실증 기업 공모를 시작했다.",
    "공모에는 제조와 에너지 분야의 인공지능 기업 40곳이 참여할 예정이다.",
    "광주시는 국가 AI 데이터센터의 연산 자원을 참여 기업에 무상으로 제공한다.",
    "/홍길동 기자",
)


@pytest.fixture
def crawler(database_url: str, tmp_path: Path) -> Iterator[Crawler]:
    crawler = newsmon_crawler(
        {
            "NEWSMON_DATABASE_URL": database_url,
            "NEWSMON_CORPUS_DIR": str(tmp_path / "corpus"),
            "NEWSMON_TOPIC": TOPIC,
            "NEWSMON_EXTRACT_WORKERS": 0,
        }
    )
    yield crawler
    services_of(crawler).close()


def item(
    number: int,
    headline: str = "광주 AI 실증 공모",
    body: tuple[str, ...] = BODY,
    extracted: bool = True,
) -> ArticleItem:
    url = f"http://news.example.kr/news/articleView.html?idxno={number}"
    content = Extracted(headline, body, None, None, "test") if extracted else None
    return ArticleItem(
        source="example",
        url=url,
        canonical_url=f"https://news.example.kr/news/articleView.html?idxno={number}",
        fetched_at=datetime.now(UTC),
        extracted=content,
    )


def short_item(number: int, body: tuple[str, ...]) -> ArticleItem:
    """What the extraction hands on for a page whose body is under the minimum."""
    short = item(number, extracted=False)
    short.missing = NoArticle("short_body", sum(len(line) for line in body))
    return short


def run(pipeline: Any, article: ArticleItem) -> ArticleItem:
    result: ArticleItem = asyncio.run(pipeline.process_item(article))
    return result


def seen(crawler: Crawler, number: int) -> SeenUrl | None:
    with services_of(crawler).database.session() as session:
        row = queries.seen_url(
            session, f"https://news.example.kr/news/articleView.html?idxno={number}"
        )
        if row is not None:
            session.expunge(row)
        return row


def corpus_files(tmp_path: Path) -> list[str]:
    return sorted(p.name for p in (tmp_path / "corpus").glob("*.txt"))


def test_topic_filter_drops_and_remembers(crawler: Crawler) -> None:
    pipeline = TopicFilterPipeline.from_crawler(crawler)
    assert run(pipeline, item(1)).source == "example"
    with pytest.raises(DropItem, match="off topic"):
        football = ("광주FC가 코리아컵 결승에서 전북에 1-2로 졌다.",) * 6
        run(pipeline, item(2, headline="광주FC 준우승", body=football))
    with pytest.raises(DropItem, match="no article body"):
        run(pipeline, item(3, extracted=False))
    with pytest.raises(DropItem, match=r"short body \(29 < 100 characters\)"):
        run(pipeline, short_item(4, body=("광주 AI 단신: 세부 내용은 추후 보도 예정입니다.",)))
    assert crawler.stats is not None
    stats = crawler.stats.get_stats()
    assert (stats["newsmon/on_topic"], stats["newsmon/dropped/off_topic"]) == (1, 1)
    assert stats["newsmon/dropped/no_body"] == 1
    assert stats["newsmon/dropped/short_body"] == 1
    statuses = [getattr(seen(crawler, n), "status", None) for n in (1, 2, 3, 4)]
    assert statuses == [None, "off_topic", "no_body", "no_body"]


def test_corpus_pipeline_adds_once_and_catches_copies(crawler: Crawler, tmp_path: Path) -> None:
    pipeline = CorpusPipeline.from_crawler(crawler)
    run(pipeline, item(1))
    (name,) = corpus_files(tmp_path)
    data = (tmp_path / "corpus" / name).read_bytes()
    assert name == f"000_{hashlib.sha256(data).hexdigest()[:16]}.txt"
    assert data.decode() == "\n".join(("광주 AI 실증 공모", *BODY))

    with pytest.raises(DropItem, match="duplicate of 000_"):
        run(pipeline, item(2))  # the same text under another URL
    with pytest.raises(DropItem, match="near duplicate of 000_"):
        run(pipeline, item(3, body=(*BODY[:3], "/김철수 기자 kim@example.kr")))
    distinct = ("광주 도심 버스 노선이 개편된다.", "시는 노선 12개를 줄이고 급행을 늘린다.") * 2
    run(pipeline, item(4, headline="광주 AI 버스 개편", body=distinct))

    assert [n[:4] for n in corpus_files(tmp_path)] == ["000_", "001_"]
    assert crawler.stats is not None
    stats = crawler.stats.get_stats()
    assert (stats["newsmon/added"], stats["newsmon/duplicate/exact"]) == (2, 1)
    assert stats["newsmon/duplicate/near"] == 1
    near = seen(crawler, 3)
    assert near is not None and near.status == "near_duplicate" and near.duplicate_of == name
    assert near.similarity is not None and near.similarity >= 0.8
    assert [getattr(seen(crawler, n), "status", None) for n in (1, 2, 4)] == [
        "added",
        "duplicate",
        "added",
    ]


def test_known_urls_are_not_requested_again(crawler: Crawler) -> None:
    run(CorpusPipeline.from_crawler(crawler), item(1))
    middleware = KnownUrlMiddleware.from_crawler(crawler)
    response = HtmlResponse("http://news.example.kr/rss", body=b"")
    outputs = [
        Request(item(n).url, meta={"newsmon_canonical": item(n).canonical_url}) for n in (1, 2)
    ]
    outputs.append(
        Request(
            item(1).url, meta={"newsmon_canonical": item(1).canonical_url, "newsmon_refetch": True}
        )
    )
    kept = asyncio.run(middleware_output(middleware, response, outputs))
    assert [r.meta.get("newsmon_refetch", False) for r in kept] == [False, True]
    assert kept[0].url.endswith("idxno=2")
    assert crawler.stats is not None
    assert crawler.stats.get_value("newsmon/skipped/known") == 1


async def middleware_output(
    middleware: KnownUrlMiddleware, response: HtmlResponse, outputs: list[Request]
) -> list[Any]:
    async def results() -> AsyncIterator[Request]:
        for output in outputs:
            yield output

    return [output async for output in middleware.process_spider_output(response, results())]


@pytest.mark.parametrize(
    "error",
    [CorpusWriteError(errno.ENOSPC, "disk full"), RuntimeError("database went away")],
    ids=["disk-full", "database"],
)
def test_a_failed_write_is_counted_and_leaves_the_url_unknown(
    crawler: Crawler, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    pipeline = CorpusPipeline.from_crawler(crawler)
    monkeypatch.setattr(pipeline.services.corpus, "stage", mock.Mock(side_effect=error))
    with pytest.raises(DropItem, match="not stored"):
        run(pipeline, item(1))
    assert crawler.stats is not None
    assert crawler.stats.get_value("newsmon/errors") == 1
    assert seen(crawler, 1) is None  # so the next run fetches it again
    assert corpus_files(tmp_path) == []
