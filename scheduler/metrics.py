"""The daemon's Prometheus metrics, in a registry of its own, seeded from the run history.

Counters seeded from `crawl_runs` at start (they survive a restart): crawls by source and outcome,
articles added and errors by source. Process-local (they start at zero with the daemon, as
`crawl_runs` keeps only their sum or nothing): exact and near duplicates and off-topic articles,
the crawl duration histogram, alerts sent and failed deliveries. Revisions of stored articles
are counted in the database at each scrape.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from crawler.config import AppConfig
from crawler.sources import Source
from db import activity, revisions
from db.run_counts import RunCounts
from db.session import Database
from scheduler.jobs import Clock, CrawlOutcome, utc_now
from scheduler.role import Role

OUTCOMES = ("ok", "failed", "timeout", "killed")
ARTICLE_RESULTS = RunCounts.RESULTS  # result label -> the count it follows
REVISION_KINDS = ("revised", "headline", "retracted")
ALERT_KINDS = ("digest", "failure", "recovery", "silence", "layout", "retraction")
# A crawl is a child process: from a few seconds to the 15-minute timeout.
DURATION_BUCKETS = (1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 900, 1800)


class SinceCollector(Collector):
    """Gauges of seconds since each source's last success and last new article, at scrape time."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.last_success: dict[str, datetime] = {}
        self.last_article: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def note(self, source: str, success: datetime | None, article: datetime | None) -> None:
        with self._lock:
            if success is not None:
                self.last_success[source] = success
            if article is not None:
                self.last_article[source] = article

    def collect(self) -> Iterable[Metric]:
        now = self.clock()
        with self._lock:
            pairs = (
                (
                    "newsmon_seconds_since_last_success",
                    "since the source's last ok crawl",
                    dict(self.last_success),
                ),
                (
                    "newsmon_seconds_since_last_new_article",
                    "since the source's newest article was stored",
                    dict(self.last_article),
                ),
            )
        for name, text, moments in pairs:
            family = GaugeMetricFamily(name, f"Seconds {text}", labels=["source"])
            for source, moment in sorted(moments.items()):
                family.add_metric([source], max(0.0, (now - moment).total_seconds()))
            yield family


class RevisionsCollector(Collector):
    """newsmon_revisions_total{source,kind}: recorded revisions, counted in the database at
    scrape time (rows are never removed, so the count only grows, restarts included)."""

    def __init__(self, database: Database, sources: Iterable[str]) -> None:
        self.database = database
        self.sources = tuple(sources)

    def collect(self) -> Iterable[Metric]:
        with self.database.session() as session:
            totals = revisions.totals_by_source_kind(session)
        family = CounterMetricFamily(
            "newsmon_revisions", "Revisions of stored articles by source and kind",
            labels=["source", "kind"],
        )  # fmt: skip
        keys = {(source, kind) for source in self.sources for kind in REVISION_KINDS}
        for source, kind in sorted(keys | set(totals)):
            family.add_metric([source, kind], totals.get((source, kind), 0))
        yield family


class DaemonMetrics:
    """What the daemon counts; `observe` after each crawl, `alert_delivered` after each alert."""

    def __init__(
        self,
        config: AppConfig,
        clock: Clock = utc_now,
        corpus_files: Callable[[], int] | None = None,
    ) -> None:
        self.config = config
        # The *_created series double the output and say nothing the uptime does not.
        disable_created_metrics()  # type: ignore[no-untyped-call]
        self.registry = CollectorRegistry(auto_describe=True)
        self._corpus_files = corpus_files
        self._revisions: RevisionsCollector | None = None
        started = time.monotonic()
        self.crawls = Counter(
            "newsmon_crawls",
            "Finished crawls by source and outcome",
            ["source", "outcome"],
            registry=self.registry,
        )
        self.articles = Counter(
            "newsmon_articles",
            "Articles by source and what became of them",
            ["source", "result"],
            registry=self.registry,
        )
        self.duration = Histogram(
            "newsmon_crawl_duration_seconds",
            "Crawl duration by source",
            ["source"],
            buckets=DURATION_BUCKETS,
            registry=self.registry,
        )
        self.corpus = Gauge(
            "newsmon_corpus_files", "Files in the corpus folder", registry=self.registry
        )
        self.alerts = Counter(
            "newsmon_alerts_sent",
            "Alerts delivered to the webhook by kind",
            ["kind"],
            registry=self.registry,
        )
        self.alert_failures = Counter(
            "newsmon_alert_deliveries_failed",
            "Alerts given up on after their retries, by kind",
            ["kind"],
            registry=self.registry,
        )
        uptime = Gauge(
            "newsmon_uptime_seconds", "Seconds since the daemon started", registry=self.registry
        )
        uptime.set_function(lambda: time.monotonic() - started)
        self.leader = Gauge(
            "newsmon_leader",
            "1 while this daemon schedules the crawls, 0 while it stands by",
            registry=self.registry,
        )
        self.since = SinceCollector(clock)
        self.registry.register(self.since)
        self._zero(config.sources)

    def _zero(self, sources: Iterable[Source]) -> None:
        """Every known series exists from the start, so rates and alerts see the first event."""
        for source in sources:
            for outcome in OUTCOMES:
                self.crawls.labels(source.key, outcome)
            for result in ARTICLE_RESULTS:
                self.articles.labels(source.key, result)
            self.duration.labels(source.key)
        for kind in ALERT_KINDS:
            self.alerts.labels(kind)
            self.alert_failures.labels(kind)

    def seed(self, database: Database) -> None:
        """Counters the run history knows, and the latest times, from one short session."""
        with database.session() as session:
            totals = activity.run_totals(session)
            successes = activity.last_success_ends(session)
            articles = activity.last_article_times(session)
        # Topped up to the history, never counted twice: a standby seeds again when it leads.
        for row in totals:
            crawls = {"source": row.source, "outcome": row.status}
            self._top_up(self.crawls, "newsmon_crawls", row.runs, crawls)
            for result, count in (("added", row.added), ("error", row.errors)):
                labels = {"source": row.source, "result": result}
                self._top_up(self.articles, "newsmon_articles", count, labels)
        for source in {*successes, *articles}:
            self.since.note(source, successes.get(source), articles.get(source))
        if self.config.revisions.recheck and self._revisions is None:
            self._revisions = RevisionsCollector(database, (s.key for s in self.config.sources))
            self.registry.register(self._revisions)
        self.refresh_corpus()

    def _top_up(self, counter: Counter, name: str, total: int, labels: dict[str, str]) -> None:
        counted = self.registry.get_sample_value(f"{name}_total", labels) or 0.0
        if total > counted:
            counter.labels(**labels).inc(total - counted)

    def observe(self, source: Source, outcome: CrawlOutcome) -> None:
        """Count one finished crawl (called in the job's thread, after its run is recorded)."""
        self.crawls.labels(source.key, outcome.status).inc()
        for result, value in outcome.counts.results().items():
            if value > 0:
                self.articles.labels(source.key, result).inc(value)
        self.duration.labels(source.key).observe(max(0.0, outcome.duration))
        ok = outcome.status == "ok"
        self.since.note(
            source.key,
            outcome.finished_at if ok else None,
            outcome.finished_at if outcome.counts.added > 0 else None,
        )
        self.refresh_corpus()

    def track_role(self, role: Role) -> None:
        """`newsmon_leader` follows the role at every scrape."""
        self.leader.set_function(lambda: 1.0 if role.leading else 0.0)

    def alert_delivered(self, kind: str, delivered: bool) -> None:
        """One alert delivered, or given up on (called in the alert worker's thread)."""
        (self.alerts if delivered else self.alert_failures).labels(kind).inc()

    def refresh_corpus(self) -> None:
        if self._corpus_files is not None:
            self.corpus.set(self._corpus_files())
