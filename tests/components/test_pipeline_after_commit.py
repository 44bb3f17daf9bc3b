"""A committed article is `added` whatever fails after its commit (the near-duplicate index)."""

from __future__ import annotations

import errno
import logging
from pathlib import Path
from unittest import mock

import pytest
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from corpus_folder.staging import CorpusWriteError
from crawler.crawl.pipelines import CorpusPipeline
from crawler.crawl.services import services_of
from tests.components.test_components import BODY, corpus_files, crawler, item, run, seen

__all__ = ["crawler"]  # the fixture, shared with the other component tests


def test_a_near_index_failure_after_the_commit_still_counts_the_article_added(
    crawler: Crawler, tmp_path: Path
) -> None:
    pipeline = CorpusPipeline.from_crawler(crawler)
    near = services_of(crawler).near
    assert near is not None
    full = OSError(errno.ENOSPC, "No space left on device")
    with mock.patch.object(near, "add", side_effect=full):
        assert run(pipeline, item(1)).url.endswith("idxno=1")
    assert crawler.stats is not None
    stats = crawler.stats.get_stats()
    (name,) = corpus_files(tmp_path)
    assert stats["newsmon/added"] == 1 and stats["newsmon/added_files"] == [name]
    assert (stats["newsmon/errors"], stats["newsmon/errors/near_index"]) == (1, 1)
    assert getattr(seen(crawler, 1), "status", None) == "added"
    distinct = ("광주 도심 버스 노선이 개편된다.", "시는 노선 12개를 줄이고 급행을 늘린다.") * 2
    run(pipeline, item(2, headline="광주 버스 노선 개편", body=(*distinct, *BODY[3:])))
    assert crawler.stats.get_value("newsmon/added") == 2


def test_a_full_disk_is_one_log_line_per_article_without_a_traceback(
    crawler: Crawler, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    pipeline = CorpusPipeline.from_crawler(crawler)
    full = CorpusWriteError(errno.ENOSPC, "No space left on device", str(tmp_path / "corpus"))
    with (
        mock.patch.object(CorpusPipeline, "_store", side_effect=full),
        caplog.at_level(logging.ERROR, logger="crawler.crawl.pipelines"),
    ):
        for number in (1, 2):
            with pytest.raises(DropItem, match="corpus_disk_full"):
                run(pipeline, item(number))
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 2
    assert all(r.exc_info is None and "No space left" in r.getMessage() for r in errors)
    assert corpus_files(tmp_path) == []
