"""Crawlers for component tests: newsmon's setting defaults and its services extension."""

from __future__ import annotations

from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.utils.test import get_crawler

from crawler.crawl.settings import NEWSMON_DEFAULTS

SERVICES_EXTENSION = {"crawler.crawl.services.CrawlServices": 0}


def newsmon_crawler(
    settings: dict[str, Any] | None = None,
    spidercls: type[Spider] | None = None,
    *,
    services: bool = True,
) -> Crawler:
    """A configured crawler (no engine): NEWSMON_* defaults under `settings`; with `services`,
    the extension that opens the database and corpus they name."""
    extensions = SERVICES_EXTENSION if services else {}
    overrides = settings or {}
    return get_crawler(spidercls, {**NEWSMON_DEFAULTS, "EXTENSIONS": extensions, **overrides})
