"""Run one backfill of some sources in this process (like run_crawl) and report per source."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Self

from scrapy import signals
from scrapy.crawler import Crawler, CrawlerProcess
from twisted.internet import task

from crawler.backfill.plan import Plan
from crawler.config import AppConfig
from crawler.crawl.extensions import counts_from_stats
from crawler.crawl.runner import build_settings
from crawler.crawl.services import SERVICES_SETTING, Services
from crawler.crawl.spiders.backfill import BackfillSpider
from crawler.sources import Source
from db.run_counts import RunCounts

logger = logging.getLogger(__name__)

PROGRESS_SETTING = "NEWSMON_BACKFILL_PROGRESS"  # a callable(key, Snapshot), or None
PROGRESS_SECONDS = 0.5


@dataclass(frozen=True)
class Snapshot:
    """How far one source's backfill got, for a progress bar."""

    key: str
    months: int  # months in the window
    reached: int  # of those, months some door reached
    walking: str | None  # the oldest month listed so far
    found: int
    fetched: int
    added: int
    finished: bool = False


@dataclass
class BackfillReport:
    """What one source's backfill did, per door and in all."""

    key: str
    name: str
    doors: dict[str, dict[str, int]] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)  # door -> why it did not run
    would_fetch: dict[str, dict[str, int]] = field(default_factory=dict)  # dry run: door -> month
    counts: RunCounts = field(default_factory=RunCounts)
    outside_window: int = 0
    undated: int = 0
    added_files: list[str] = field(default_factory=list)
    failed: bool = False
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The `newsmon backfill --json` object: the counts flat beside the doors."""
        fields = asdict(self)
        del fields["counts"]
        return {"key": self.key, "name": self.name, **self.counts.as_dict(), **fields}


class BackfillProgress:
    """Extension: hand a Snapshot of its spider to the progress callable twice a second."""

    def __init__(self, crawler: Crawler, report: Callable[[Snapshot], None]) -> None:
        self.crawler = crawler
        self.report = report
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        ext = cls(crawler, crawler.settings.get(PROGRESS_SETTING))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self) -> None:
        self.loop = task.LoopingCall(self.tick)
        self.loop.start(PROGRESS_SECONDS, now=True)

    def spider_closed(self) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.tick(finished=True)

    def tick(self, finished: bool = False) -> None:
        spider = self.crawler.spider
        if isinstance(spider, BackfillSpider):
            self.report(snapshot(spider, finished))


def snapshot(spider: BackfillSpider, finished: bool = False) -> Snapshot:
    months = spider.plan.window.months()
    ledger = spider.ledger
    return Snapshot(
        key=spider.source.key,
        months=len(months),
        reached=len(ledger.reached & set(months)),
        walking=ledger.walking,
        found=ledger.totals["found"],
        fetched=ledger.totals["fetched"],
        added=ledger.totals["added"],
        finished=finished,
    )


def run_backfill(
    config: AppConfig,
    sources: list[Source],
    plan: Plan,
    progress: Callable[[Snapshot], None] | None = None,
) -> list[BackfillReport]:
    """Backfill the given sources concurrently in this process; blocks (once per process)."""
    settings = build_settings(config)
    settings.set("NEWSMON_DISCOVERY_FALLBACK", False, priority="project")
    settings.set(PROGRESS_SETTING, progress, priority="project")
    extensions = dict(settings.getdict("EXTENSIONS"))
    # a backfill is recorded as its jobs, not as crawl runs the daemon would plan from
    extensions["crawler.crawl.extensions.CrawlRunRecorder"] = None
    if progress is not None:
        extensions["crawler.crawl.backfill_runner.BackfillProgress"] = 300
    settings.set("EXTENSIONS", extensions, priority="project")
    services = Services.open(settings)
    settings.set(SERVICES_SETTING, services, priority="project")
    process = CrawlerProcess(settings)
    crawlers: list[tuple[Source, Crawler]] = []
    for source in sources:
        crawler = process.create_crawler(BackfillSpider)
        crawlers.append((source, crawler))
        process.crawl(crawler, source=source, plan=plan, config=config)
    try:
        process.start()
    finally:
        services.close()
    return [_report(source, crawler) for source, crawler in crawlers]


def _report(source: Source, crawler: Crawler) -> BackfillReport:
    stats: dict[str, Any] = crawler.stats.get_stats() if crawler.stats else {}
    spider = crawler.spider
    report = BackfillReport(key=source.key, name=source.name)
    if not isinstance(spider, BackfillSpider):
        report.failed, report.reason = True, "the backfill did not start"
        return report
    report.counts = counts_from_stats(stats)
    report.outside_window = int(stats.get("newsmon/backfill/outside_window", 0))
    report.undated = int(stats.get("newsmon/backfill/undated", 0))
    report.added_files = list(stats.get("newsmon/added_files", []))
    report.skipped = dict(spider.skipped)
    for door, state in spider.ledger.doors.items():
        prefix = f"newsmon/backfill/{door}/"
        report.doors[door] = {
            "requests": state.requests,
            "pages": int(stats.get(prefix + "pages", 0)),
            "listed": int(stats.get(prefix + "listed", 0)),
            "outside_window": int(stats.get(prefix + "outside_window", 0)),
            "complete": int(state.open == 0 and not state.failed),
        }
    for door, months in spider.ledger.dry.items():
        report.would_fetch[door] = dict(sorted(months.items(), reverse=True))
    reason = stats.get("finish_reason", "finished")
    if reason not in ("finished", None):
        report.failed, report.reason = True, f"backfill stopped: {reason}"
    elif spider.discovery_errors and not any(d["pages"] for d in report.doors.values()):
        report.failed, report.reason = True, "; ".join(spider.discovery_errors[:3])
    return report
