"""AppConfig -> Scrapy Settings; run one crawl of some sources and report per source."""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings

from crawler.config import AppConfig
from crawler.crawl.extensions import counts_from_stats, source_failure
from crawler.crawl.services import SERVICES_SETTING, Services
from crawler.crawl.settings import STATIC_SETTINGS
from crawler.crawl.spiders.news import NewsSpider
from crawler.crawl.spiders.replay import ReplayPage, ReplaySpider
from crawler.sources import Source
from crawler.sources.engines import NAVER_ID_ENV, NAVER_SECRET_ENV, naver_credentials
from db.run_counts import RunCounts

logger = logging.getLogger(__name__)

CRAWL_GC_THRESHOLD = 5000  # young-generation size during a crawl (see run_crawl)


@dataclass
class SourceReport:
    """What one source's crawl did."""

    key: str
    name: str
    counts: RunCounts = field(default_factory=RunCounts)
    added_files: list[str] = field(default_factory=list)
    failed: bool = False
    reason: str | None = None
    fallback: dict[str, Any] | None = None  # entry points discovered when configured ones failed

    def as_dict(self) -> dict[str, Any]:
        """The `newsmon crawl --json` object: the counts flat beside the key and outcome."""
        return {
            "key": self.key,
            "name": self.name,
            **self.counts.as_dict(),
            "added_files": list(self.added_files),
            "failed": self.failed,
            "reason": self.reason,
            "fallback": self.fallback,
        }


def build_settings(config: AppConfig) -> Settings:
    """Scrapy settings for a crawl under this configuration."""
    crawl = config.crawl
    settings = Settings()
    settings.setdict(STATIC_SETTINGS, priority="project")
    settings.setdict(
        {
            "USER_AGENT": crawl.agent,
            "ROBOTSTXT_OBEY": crawl.obey_robots,
            "CONCURRENT_REQUESTS": crawl.concurrent_requests,
            "CONCURRENT_REQUESTS_PER_DOMAIN": crawl.concurrent_per_domain,
            "DOWNLOAD_DELAY": crawl.download_delay,
            "DOWNLOAD_TIMEOUT": crawl.timeout,
            "RETRY_TIMES": crawl.retries,
            "NEWSMON_RETRY_BACKOFF": crawl.retry_backoff,
            "DOWNLOAD_MAXSIZE": crawl.max_page_bytes,
            "DOWNLOAD_WARNSIZE": crawl.max_page_bytes // 2,
            "AUTOTHROTTLE_ENABLED": crawl.autothrottle,
            "AUTOTHROTTLE_START_DELAY": max(crawl.download_delay, 0.1),
            "LOG_FORMATTER": "crawler.crawl.logformatter.QuietDropFormatter",
            "NEWSMON_DATABASE_URL": config.database.url,
            "NEWSMON_CORPUS_DIR": str(config.corpus.dir),
            "NEWSMON_TOPIC": config.topic,
            "NEWSMON_MIN_BODY_CHARS": crawl.min_body_chars,
            "NEWSMON_EXTRACT_WORKERS": crawl.extract_workers,
            "NEWSMON_NEAR_ENABLED": config.dedup.near,
            "NEWSMON_NEAR_THRESHOLD": config.dedup.near_threshold,
            "NEWSMON_RECHECK_FIRST": next(iter(config.revisions.recheck), None),
            "NEWSMON_ARCHIVE_WARC": config.archive.warc,
            "NEWSMON_ARCHIVE_DISCOVERY": config.archive.warc_discovery,
            "NEWSMON_ARCHIVE_DIR": str(config.archive.directory(config.corpus.dir)),
            "NEWSMON_ARCHIVE_MAX_BYTES": config.archive.max_file_bytes,
        },
        priority="project",
    )
    return settings


@dataclass(frozen=True)
class Replay:
    """Captured pages to run through the pipeline beside (or instead of) the crawls.

    `connect(crawler)` lets the caller follow the items (the ingest cursor).
    """

    pages: Iterable[ReplayPage]
    label: str
    connect: Callable[[Crawler], None] | None = None


def run_crawl(
    config: AppConfig,
    sources: list[Source] | None = None,
    urls: Mapping[str, Sequence[str]] | None = None,
    replay: Replay | None = None,
) -> list[SourceReport]:
    """Crawl the given sources (default: all enabled) concurrently in this process; blocks.

    With ``urls`` (source key -> article URLs), each source fetches exactly those pages, known
    or not, and discovers nothing. Scrapy's reactor cannot restart, so this runs once per process.
    """
    chosen = sources if sources is not None else [s for s in config.sources if s.enabled]
    if urls is not None:  # a source without URLs must not fall back to discovery
        chosen = [s for s in chosen if urls.get(s.key)]
    if config.search.naver and naver_credentials(os.environ) is None:
        # Said once per crawl (not at every config load): the reason one source is missing.
        logger.info(
            "Naver news search skipped: set %s and %s to use it", NAVER_ID_ENV, NAVER_SECRET_ENV
        )
    settings = build_settings(config)
    # One set for all the crawlers of this process (one corpus lock, one near index), opened
    # now: migrations and corpus indexing before anything is fetched.
    services = Services.open(settings)
    settings.set(SERVICES_SETTING, services, priority="project")
    process = CrawlerProcess(settings)
    crawlers: list[tuple[Source, Crawler]] = []
    for source in chosen:
        crawler = process.create_crawler(NewsSpider)
        crawlers.append((source, crawler))
        explicit = {"urls": tuple(urls.get(source.key, ()))} if urls is not None else {}
        process.crawl(crawler, source=source, **explicit)
    replayer = None
    if replay is not None:
        replayer = process.create_crawler(ReplaySpider)
        if replay.connect is not None:
            replay.connect(replayer)
        process.crawl(replayer, pages=replay.pages, label=replay.label)
    # What exists now (modules, classes, settings, the near index) lives until the process
    # ends: frozen, it is left out of every full garbage collection during the crawl.
    gc.freeze()
    # Each response makes thousands of short-lived objects: at Python's default young
    # generation (700) a 250-article crawl ran ~570 collections, ~0.1 s more than at this size.
    threshold = gc.get_threshold()
    gc.set_threshold(CRAWL_GC_THRESHOLD, *threshold[1:])
    try:
        process.start()
    finally:
        gc.set_threshold(*threshold)
        services.close()
    reports = [_report(source, crawler) for source, crawler in crawlers]
    if replay is not None and replayer is not None:
        reports.append(_replay_report(replay.label, replayer))
    return reports


def _replay_report(label: str, crawler: Crawler) -> SourceReport:
    stats: dict[str, Any] = crawler.stats.get_stats() if crawler.stats else {}
    reason = stats.get("finish_reason", "finished")
    failed = reason not in ("finished", None)
    return SourceReport(
        key=label, name=label, added_files=list(stats.get("newsmon/added_files", [])),
        failed=failed, reason=f"stopped: {reason}" if failed else None, fallback=None,
        counts=counts_from_stats(stats),
    )  # fmt: skip


def _report(source: Source, crawler: Crawler) -> SourceReport:
    stats: dict[str, Any] = crawler.stats.get_stats() if crawler.stats else {}
    spider = crawler.spider
    errors = spider.discovery_errors if isinstance(spider, NewsSpider) else []
    if spider is None:
        errors = ["the crawl did not start"]
    counts = counts_from_stats(stats)
    reason = source_failure(stats, errors) if spider is not None else errors[0]
    return SourceReport(
        key=source.key,
        name=source.name,
        added_files=list(stats.get("newsmon/added_files", [])),
        failed=reason is not None,
        reason=reason,
        fallback=spider.fallback.record() if isinstance(spider, NewsSpider) else None,
        counts=counts,
    )
