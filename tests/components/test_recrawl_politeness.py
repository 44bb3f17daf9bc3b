"""Per-source politeness: a source's delay and concurrency become its crawler's settings."""

from __future__ import annotations

import pytest
from scrapy.crawler import Crawler
from scrapy.settings import Settings

from crawler.crawl.spiders.news import NewsSpider
from crawler.sources import Source


@pytest.mark.parametrize(
    ("overrides", "delay", "concurrency"),
    [({}, 0.25, 4), ({"download_delay": 2.0, "concurrency": 1}, 2.0, 1)],
    ids=["config-defaults", "source-overrides"],
)
def test_source_politeness_applies_to_its_crawler(
    overrides: dict[str, float], delay: float, concurrency: int
) -> None:
    # built as Crawler.crawl() does it: the spider exists before the settings freeze
    settings = Settings({"DOWNLOAD_DELAY": 0.25, "CONCURRENT_REQUESTS_PER_DOMAIN": 4})
    crawler = Crawler(NewsSpider, settings)
    source = Source(key="s", name="s", feeds=("https://s.example/rss",), **overrides)  # type: ignore[arg-type]
    NewsSpider.from_crawler(crawler, source=source)
    assert crawler.settings.getfloat("DOWNLOAD_DELAY") == delay
    assert crawler.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == concurrency
