"""Extensions: the crawl-run recorder (stats -> crawl_runs row) and per-source progress lines."""

from __future__ import annotations

import json
import logging
from typing import Any, Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from twisted.internet import task

from crawler.crawl.services import services_of
from crawler.crawl.spiders.news import NewsSpider
from crawler.discovery.step import discovery_failure
from crawler.timeutil import utc_now
from db import repository
from db.models import CrawlRun
from db.run_counts import RunCounts

logger = logging.getLogger(__name__)


def counts_from_stats(stats: dict[str, Any]) -> RunCounts:
    """The per-source counts a user sees, from a crawler's stats."""

    def stat(key: str) -> int:
        return int(stats.get(f"newsmon/{key}", 0))

    refused = {k: int(v) for k, v in stats.items() if k.startswith("newsmon/refused/")}
    off_scope = refused.pop("newsmon/refused/off_scope", 0)
    return RunCounts(
        discovered=stat("discovered"),
        fetched=stat("fetched"),
        on_topic=stat("on_topic"),
        duplicates=stat("duplicate/exact") + stat("duplicate/near"),
        added=stat("added"),
        errors=stat("errors"),
        skipped_known=stat("skipped/known"),
        # A body under the minimum is counted apart in stats, but to users it is no body too.
        no_body=stat("dropped/no_body") + stat("dropped/short_body"),
        exact_duplicates=stat("duplicate/exact"),
        near_duplicates=stat("duplicate/near"),
        off_topic=stat("dropped/off_topic"),
        off_scope=off_scope,
        refused=sum(refused.values()),  # too large, redirect loops (stats name each)
    )


def source_failure(stats: dict[str, Any], errors: list[str]) -> str | None:
    """Why a source failed, or None: every discovery URL failed, or the crawl did not finish."""
    reason = stats.get("finish_reason", "finished")
    if reason not in ("finished", None):
        return f"crawl stopped: {reason}"
    return discovery_failure(int(stats.get("newsmon/discovery/ok", 0)), errors)


class CrawlRunRecorder:
    """Write a crawl_runs row when a source's crawl starts, and its counts when it ends."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.run_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    async def spider_opened(self, spider: Spider) -> None:
        if not isinstance(spider, NewsSpider):
            return  # a replay of captured pages (ingest, recheck) is no crawl of a source
        # on the writer pool, like every database call of the crawl: the reactor never waits
        self.run_id = await services_of(self.crawler).run(self._start, spider.source.key)

    def _start(self, source: str) -> int:
        with services_of(self.crawler).database.session() as session:
            run = repository.start_run(session, source, utc_now())
            session.flush()
            return run.id

    async def spider_closed(self, spider: Spider, reason: str) -> None:
        if not isinstance(spider, NewsSpider):
            return
        await services_of(self.crawler).run(self._finish, spider, reason)

    def _finish(self, spider: NewsSpider, reason: str) -> None:
        assert self.crawler.stats is not None
        stats = self.crawler.stats.get_stats()
        failure = source_failure({**stats, "finish_reason": reason}, spider.discovery_errors)
        with services_of(self.crawler).database.session() as session:
            run = session.get(CrawlRun, self.run_id) if self.run_id else None
            if run is None:
                return
            run = repository.finish_run(
                session,
                run,
                # a signal stopped it (a daemon stopping or restarting): not the source's fault
                status="killed" if reason == "shutdown" else ("failed" if failure else "ok"),
                counts=counts_from_stats(stats).stored(),
                error_reason=failure,
                added_files=stats.get("newsmon/added_files", []),
                finished_at=utc_now(),
            )
            fallback = spider.fallback.record()
            if fallback is not None:
                run.fallback = json.dumps(fallback, ensure_ascii=False)
                session.flush()


class ProgressLogger:
    """Log one progress line per source every NEWSMON_PROGRESS_INTERVAL seconds, and at the end."""

    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        ext = cls(crawler, crawler.settings.getfloat("NEWSMON_PROGRESS_INTERVAL"))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        if self.interval > 0:
            self.loop = task.LoopingCall(self.log, spider)
            self.loop.start(self.interval, now=False)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.log(spider, final=True)

    def log(self, spider: Spider, final: bool = False) -> None:
        assert self.crawler.stats is not None
        counts = counts_from_stats(self.crawler.stats.get_stats())
        logger.info(
            "%s%s: %s",
            spider.source.key if isinstance(spider, NewsSpider) else spider.name,
            " done" if final else "",
            counts.summary(),
        )
