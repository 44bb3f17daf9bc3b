"""The topic filter pipeline remembers what an off-topic rejection rested on."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.crawl.items import ArticleItem
from crawler.crawl.pipelines import TopicFilterPipeline
from crawler.crawl.services import services_of
from crawler.parsers.base import Extracted
from crawler.topic import DEFAULT_TOPIC, Topic
from tests import queries
from tests.crawlers import newsmon_crawler

URL = "https://news.example.kr/news/articleView.html?idxno="
AVIAN = (
    "광주 광산구 오리농가에서 고병원성 조류인플루엔자(AI)가 확진됐다.",
    "광주시는 오리 1만마리를 살처분하고 반경 10㎞를 방역대로 설정했다.",
    "방역대 안의 가금농가에는 이동제한 명령이 내려졌다.",
)


def crawler_for(database_url: str, tmp_path: Path, topic: Topic) -> Crawler:
    crawler = newsmon_crawler(
        {
            "NEWSMON_DATABASE_URL": database_url,
            "NEWSMON_CORPUS_DIR": str(tmp_path / "corpus"),
            "NEWSMON_TOPIC": topic,
            "NEWSMON_EXTRACT_WORKERS": 0,
        }
    )
    OPENED.append(crawler)
    return crawler


OPENED: list[Crawler] = []


@pytest.fixture
def closing() -> Iterator[None]:
    yield
    while OPENED:
        services_of(OPENED.pop()).close()


def reject(crawler: Crawler, number: int, headline: str, body: tuple[str, ...]) -> None:
    article = ArticleItem(
        source="example",
        url=f"{URL}{number}",
        canonical_url=f"{URL}{number}",
        fetched_at=datetime.now(UTC),
        extracted=Extracted(headline, body, None, None, "test"),
    )
    with pytest.raises(DropItem, match="off topic"):
        asyncio.run(TopicFilterPipeline.from_crawler(crawler).process_item(article))


@pytest.mark.usefixtures("closing")
def test_evidence_rejection_keeps_headline_score_and_missing(
    database_url: str, tmp_path: Path
) -> None:
    crawler = crawler_for(database_url, tmp_path, DEFAULT_TOPIC)
    reject(crawler, 1, "광주 오리농가 고병원성 AI 확진", AVIAN)
    with services_of(crawler).database.session() as session:
        row = queries.seen_url(session, f"{URL}1")
        assert row is not None and row.status == "off_topic"
        assert row.headline == "광주 오리농가 고병원성 AI 확진"
        assert row.topic_score == 0.0
        assert row.topic_missing is not None
        assert row.topic_missing.splitlines() == [
            "AI evidence 0 < 2",
            "no sentence names Gwangju and AI together",
        ]


@pytest.mark.usefixtures("closing")
def test_term_list_rejection_keeps_its_reason(database_url: str, tmp_path: Path) -> None:
    topic = Topic(all=("광주",), any=("로봇",))
    crawler = crawler_for(database_url, tmp_path, topic)
    reject(crawler, 2, "광주 오리농가 고병원성 AI 확진", AVIAN)
    with services_of(crawler).database.session() as session:
        row = queries.seen_url(session, f"{URL}2")
        assert row is not None and row.topic_missing == "missing_any"
