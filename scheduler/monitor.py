"""Job errors and misses -> logs; each finished run -> run-history review -> alerts."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    JobExecutionEvent,
    JobSubmissionEvent,
)
from apscheduler.schedulers.base import BaseScheduler

from crawler.config import AppConfig
from crawler.sources import Source
from db import history, revisions
from db.session import Database
from scheduler import alerts, timing
from scheduler.alerts import AlertSender, DigestItem, NullSender
from scheduler.jobs import Clock, CrawlOutcome, utc_now

logger = logging.getLogger(__name__)

LAYOUT_MIN_FETCHED = 3  # fewer fetched pages without a body are not evidence of a new layout


def on_job_error(event: JobExecutionEvent) -> None:
    """A job raised: one line (APScheduler logs the traceback); the other jobs go on."""
    logger.error("Job %s failed: %r; the schedule goes on", event.job_id, event.exception)


def on_job_missed(event: JobExecutionEvent) -> None:
    """A run could not start within the misfire grace time (the daemon was busy or asleep)."""
    logger.warning("Job %s missed its run at %s", event.job_id, event.scheduled_run_time)


def on_max_instances(event: JobSubmissionEvent) -> None:
    """The previous crawl of this source is still running, so this run is skipped."""
    logger.info(
        "Job %s still running; skipped the run due at %s",
        event.job_id,
        event.scheduled_run_times[0] if event.scheduled_run_times else "?",
    )


def install_listeners(scheduler: BaseScheduler) -> None:
    """Wire the log listeners into a scheduler."""
    scheduler.add_listener(on_job_error, EVENT_JOB_ERROR)
    scheduler.add_listener(on_job_missed, EVENT_JOB_MISSED)
    scheduler.add_listener(on_max_instances, EVENT_JOB_MAX_INSTANCES)


@dataclass(frozen=True)
class Review:
    """What the run history says about a source right after one of its runs."""

    streak: int
    streak_before: int
    gap: float | None
    last_added: datetime | None
    previous_run: datetime | None
    digest: list[DigestItem]
    previous_found: tuple[str, ...] = ()  # entry points the run before this one discovered


class RunMonitor:
    """After each run: alerts for new articles, failure streaks, recovery, silence, layout."""

    def __init__(
        self,
        config: AppConfig,
        database: Database,
        sender: AlertSender | NullSender,
        clock: Clock = utc_now,
        on_gap: Callable[[Source, float | None], None] | None = None,
    ) -> None:
        self.alerts = config.alerts
        self.database = database
        self.sender = sender
        self.clock = clock
        self.on_gap = on_gap
        self._layout_broken: set[str] = set()
        self._moved: dict[str, tuple[str, ...]] = {}  # source -> entry points already alerted

    def __call__(self, source: Source, outcome: CrawlOutcome) -> None:
        review = self.review(source.key, outcome)
        self.alert(source, outcome, review)
        if self.on_gap is not None:
            self.on_gap(source, review.gap)

    def review(self, key: str, outcome: CrawlOutcome) -> Review:
        """Read what the alerts need from the run history (one short session)."""
        with self.database.session() as session:
            articles = history.articles_by_files(session, outcome.added_files)
            times = history.adding_run_times(session, key)
            return Review(
                streak=history.failure_streak(session, key),
                streak_before=history.failure_streak(session, key, before=outcome.started_at),
                gap=timing.usual_gap(times),
                last_added=times[-1] if times else None,
                previous_run=history.previous_run_start(session, key, outcome.started_at),
                digest=[DigestItem(a.headline, a.url, a.file_name) for a in articles],
                previous_found=_found_urls(
                    history.previous_fallback(session, key, outcome.started_at)
                ),
            )

    def alert(self, source: Source, outcome: CrawlOutcome, review: Review) -> None:
        """Send the alerts this run calls for (each condition fires once, not every run)."""
        threshold = self.alerts.failures_before_alert
        if review.digest:
            self.sender.send(alerts.digest_message(source.name, review.digest), "digest")
        self._check_entry_points(source, outcome, review.previous_found)
        if outcome.status != "ok":
            if review.streak == threshold:
                self.sender.send(
                    alerts.failure_message(source.name, source.key, review.streak, outcome.reason),
                    "failure",
                )
            return
        if review.streak_before >= threshold:
            self.sender.send(
                alerts.recovery_message(source.name, source.key, review.streak_before), "recovery"
            )
        self._check_layout(source, outcome)
        limit = timing.silence_threshold(review.last_added, review.gap, self.alerts.silent_factor)
        if (
            review.last_added is not None
            and review.gap is not None
            and timing.silence_crossed(limit, review.previous_run, self.clock())
        ):
            self.sender.send(
                alerts.silence_message(source.name, source.key, review.last_added, review.gap),
                "silence",
            )

    def _check_entry_points(
        self, source: Source, outcome: CrawlOutcome, previous: tuple[str, ...] = ()
    ) -> None:
        """The layout-change alert: sent once per set of found URLs, not at every run (nor
        again after a restart when the run before found the same)."""
        fallback = outcome.report.get("fallback")
        if not isinstance(fallback, dict):
            if outcome.status == "ok":
                self._moved.pop(source.key, None)  # the configured URLs work again
            return
        found = _found_urls(fallback)
        if found and found != previous and self._moved.get(source.key) != found:
            self._moved[source.key] = found
            old = [str(url) for url in fallback.get("old") or []]
            message = alerts.entry_points_message(source.name, source.key, old, found)
            self.sender.send(message, "layout")

    def _check_layout(self, source: Source, outcome: CrawlOutcome) -> None:
        fetched, no_body = outcome.counts.fetched, outcome.counts.no_body
        if fetched >= LAYOUT_MIN_FETCHED and no_body >= fetched:
            if source.key not in self._layout_broken:
                self._layout_broken.add(source.key)
                self.sender.send(alerts.layout_message(source.name, source.key, fetched), "layout")
        elif fetched > no_body:
            self._layout_broken.discard(source.key)


def _found_urls(fallback: object) -> tuple[str, ...]:
    """The found URLs of a fallback record (a dict, or its JSON text from crawl_runs)."""
    if isinstance(fallback, str):
        try:
            fallback = json.loads(fallback)
        except ValueError:
            return ()
    if not isinstance(fallback, dict):
        return ()
    items = fallback.get("found") or []
    return tuple(str(item.get("url")) for item in items if isinstance(item, dict))


def alert_retractions(
    config: AppConfig, database: Database, sender: AlertSender | NullSender, since: datetime
) -> int:
    """One alert per outlet for the retractions found since `since` ([alerts] retractions)."""
    if not config.alerts.retractions:
        return 0
    with database.session() as session:
        rows = revisions.retractions_since(session, since)
        files = [row.file_name for row in rows]
        names = {a.file_name: a.headline for a in history.articles_by_files(session, files)}
    outlets = {source.key: source.name for source in config.sources}
    by_source: dict[str, list[tuple[DigestItem, str]]] = {}
    for row in rows:
        item = DigestItem(names.get(row.file_name, row.file_name), row.url, row.file_name)
        outlet = outlets.get(row.source or "", row.source or "-")
        by_source.setdefault(outlet, []).append((item, row.revision.detail or "retracted"))
    for outlet, items in by_source.items():
        sender.send(alerts.retraction_message(outlet, items), "retraction")
    return len(rows)
