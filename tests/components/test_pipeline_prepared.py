"""Items carrying their corpus text and fingerprint from extraction are stored like any other."""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.crawl.items import ArticleItem
from crawler.crawl.pipelines import CorpusPipeline
from crawler.neardup import Fingerprint
from crawler.text import normalize_text
from tests.components.test_components import BODY, corpus_files, crawler, item, run, seen

__all__ = ["crawler"]  # the fixture, shared with the other component tests


def prepared(article: ArticleItem) -> ArticleItem:
    """The item as the spider builds it from an extraction worker's answer."""
    assert article.extracted is not None
    text = normalize_text(article.extracted.text)
    return dataclasses.replace(article, text=text, fingerprint=Fingerprint.of(text))


def test_prepared_items_are_stored_indexed_and_checked(crawler: Crawler, tmp_path: Path) -> None:
    pipeline = CorpusPipeline.from_crawler(crawler)
    run(pipeline, prepared(item(1)))
    (name,) = corpus_files(tmp_path)
    assert (tmp_path / "corpus" / name).read_text() == "\n".join(("광주 AI 실증 공모", *BODY))
    with pytest.raises(DropItem, match="duplicate of 000_"):
        run(pipeline, prepared(item(2)))
    near_copy = item(3, body=(*BODY[:3], "/김철수 기자 kim@example.kr"))
    with pytest.raises(DropItem, match=f"near duplicate of {name}"):
        run(pipeline, prepared(near_copy))  # the fingerprint it was indexed under
    with pytest.raises(DropItem, match=f"near duplicate of {name}"):
        run(pipeline, dataclasses.replace(near_copy, url=near_copy.url + "&amp"))  # the text
    assert [getattr(seen(crawler, n), "status", None) for n in (1, 2, 3)] == [
        "added",
        "duplicate",
        "near_duplicate",
    ]


def test_concurrent_writers_list_every_added_file(crawler: Crawler, tmp_path: Path) -> None:
    pipeline = CorpusPipeline.from_crawler(crawler)
    articles = [
        prepared(item(n, headline=f"광주 AI 기사 {n}", body=(f"{n}번째 기사 본문 {n * 7919}",) * 8))
        for n in range(12)
    ]
    with ThreadPoolExecutor(4) as writers:  # as the crawl's writer threads run _store
        list(writers.map(pipeline._store, articles))
    assert crawler.stats is not None
    assert sorted(crawler.stats.get_value("newsmon/added_files")) == corpus_files(tmp_path)
    assert len(corpus_files(tmp_path)) == 12
