"""The daemon: one APScheduler job per source, first runs from history, clean stop on signals."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.executors.base import BaseExecutor
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from crawler.config import AppConfig
from crawler.sources import Source
from db import history
from db.session import Database, open_database
from scheduler import timing
from scheduler.alerts import AlertSender, NullSender, make_sender
from scheduler.jobs import KILL_AFTER, AfterRun, ChildRegistry, CrawlJob, CrawlOutcome, utc_now
from scheduler.leader import is_postgresql
from scheduler.monitor import RunMonitor, install_listeners
from scheduler.monitoring import Monitoring
from scheduler.pidfile import DaemonPidFile, close_stopped_runs, pid_file_path
from scheduler.role import Role
from scheduler.signals import StopSignal
from scheduler.standby import stand_by
from scheduler.takeover import TermGuard

logger = logging.getLogger(__name__)

# Crontab lines are read as Korean wall-clock time: the outlets publish on it.
# Each crawl is a Scrapy process of its own (~100 MB); this caps how many run at once.
MAX_PARALLEL_CRAWLS = 8
EXIT_OK, EXIT_CONFIG = 0, 2
RECHECK_JOB = "revisions"
RECHECK_EVERY = 60.0  # seconds between looks at the re-check queue (the due_at index answers)
LOSS_CHECK = 0.2  # seconds between a leader's looks at its role (a clock check, no query)


@dataclass(frozen=True)
class JobSpec:
    """One scheduled job: which source, on which trigger, first run when."""

    job_id: str
    key: str
    trigger: BaseTrigger
    first_run: datetime


def job_id(key: str) -> str:
    """The APScheduler job id of a source."""
    return f"crawl:{key}"


def make_trigger(source: Source, interval: float | None = None) -> BaseTrigger:
    """IntervalTrigger for `every`, CronTrigger for `cron`; both with a bounded jitter."""
    if source.cron:
        trigger = CronTrigger.from_crontab(source.cron, timezone=timing.CRON_TIMEZONE)
        trigger.jitter = timing.jitter_for(cron_gap(trigger, utc_now()))
        return trigger
    seconds = interval or source.interval_seconds
    return IntervalTrigger(seconds=seconds, jitter=timing.jitter_for(seconds), timezone=UTC)


def cron_gap(trigger: CronTrigger, now: datetime) -> float:
    """Seconds between the next two fire times of a crontab (its effective interval)."""
    first = trigger.get_next_fire_time(None, now)
    second = trigger.get_next_fire_time(first, first + timedelta(seconds=1))
    return float((second - first).total_seconds())


def plan(
    sources: tuple[Source, ...], last_starts: Mapping[str, datetime | None], now: datetime
) -> list[JobSpec]:
    """The jobs of the enabled sources, each first run following its run history."""
    return [
        JobSpec(
            job_id(s.key),
            s.key,
            make_trigger(s),
            timing.first_run_at(now, last_starts.get(s.key), timing.next_after(s)),
        )
        for s in sources
        if s.enabled
    ]


def build_scheduler(
    specs: list[JobSpec],
    job: Callable[[str], None],
    misfire_grace: float,
    scheduler: BaseScheduler | None = None,
    executor: BaseExecutor | None = None,
) -> BaseScheduler:
    """A not-yet-started scheduler (in-memory job store) holding one job per spec."""
    scheduler = scheduler or BackgroundScheduler()
    scheduler.configure(
        timezone=UTC,
        executors={
            "default": executor or ThreadPoolExecutor(max(1, min(len(specs), MAX_PARALLEL_CRAWLS)))
        },
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": max(1, round(misfire_grace)),
        },
    )
    for spec in specs:
        scheduler.add_job(
            job,
            trigger=spec.trigger,
            args=[spec.key],
            id=spec.job_id,
            name=spec.key,
            next_run_time=spec.first_run,
        )
    install_listeners(scheduler)
    return scheduler


class Rescheduler:
    """Adaptive polling: move an interval job to its new interval when it changes by >10%."""

    def __init__(self, scheduler: BaseScheduler) -> None:
        self.scheduler = scheduler
        self.current: dict[str, float] = {}

    def __call__(self, source: Source, gap: float | None) -> None:
        if source.cron:
            return
        configured = source.interval_seconds
        wanted = timing.adaptive_interval(configured, gap)
        current = self.current.get(source.key, configured)
        if abs(wanted - current) <= current * 0.1:
            return
        self.current[source.key] = wanted
        logger.info(
            "Polling %s every %.0fs (configured %.0fs, usual gap %s)",
            source.key,
            wanted,
            configured,
            f"{gap:.0f}s" if gap else "unknown",
        )
        self.scheduler.reschedule_job(job_id(source.key), trigger=make_trigger(source, wanted))


def prepare_history(
    database: Database, config: AppConfig, now: datetime
) -> dict[str, datetime | None]:
    """Close runs a dead daemon left 'running'; return each source's last start."""
    cutoff = now - timedelta(seconds=config.daemon.crawl_timeout)
    with database.session() as session:
        killed = history.mark_stale_runs(session, cutoff, "daemon_died")
        starts = {s.key: history.last_started(session, s.key) for s in config.sources}
    if killed:
        logger.warning("Marked %d run(s) left running by a previous daemon as killed", killed)
    return starts


def run_daemon(config: AppConfig, log_format: str = "text") -> int:
    """Schedule (or stand by, with PostgreSQL) until SIGTERM/SIGINT; 0 after a clean stop."""
    enabled = [s for s in config.sources if s.enabled]
    if not enabled:
        logger.error("No enabled source to schedule")
        return EXIT_CONFIG
    monitoring = Monitoring(config)  # refuses a bad listen/listen_token before anything starts
    shared = is_postgresql(config.database.url)
    pid_file = None if shared else DaemonPidFile(pid_file_path(config))
    refused = pid_file.claim() if pid_file else None  # stops a SIGKILLed predecessor's crawls
    if refused is not None:
        logger.error(
            "Not starting: %s (with SQLite one daemon runs per database; "
            "a standby daemon needs PostgreSQL)",
            refused,
        )
        return EXIT_CONFIG
    database = open_database(config.database.url)
    if pid_file is not None:
        close_stopped_runs(database, pid_file.stopped, utc_now())
    sender = make_sender(config.alerts.webhook_url, config.alerts.timeout)
    role = Role(shared, leading=not shared)
    stop = StopSignal()
    stop.install()
    try:
        monitoring.start(database, role, sender)
        term = Term(config, database, sender, monitoring, role, stop, log_format)
        if shared:
            stand_by(config, database, role, stop.requested, term.lead)
        else:
            on_change = pid_file.record_children if pid_file else None
            term.lead(ChildRegistry(on_change=on_change), None)
    finally:
        stop.restore()
        monitoring.stop()
        sender.close(timeout=min(config.alerts.timeout, 5.0))
        database.close()
        if pid_file is not None:
            pid_file.release()
    logger.info("Daemon stopped")
    return EXIT_OK


@dataclass
class Term:
    """One spell of scheduling: from history to a clean stop, or to the loss of the role."""

    config: AppConfig
    database: Database
    sender: AlertSender | NullSender
    monitoring: Monitoring
    role: Role
    stop: StopSignal
    log_format: str

    def lead(self, registry: ChildRegistry, guard: TermGuard | None) -> None:
        config = self.config
        if guard is not None:  # a standby now leading: count what others ran meanwhile
            self.monitoring.metrics.seed(self.database)
        specs = plan(config.sources, prepare_history(self.database, config, utc_now()), utc_now())
        scheduler = _scheduler(
            config,
            self.database,
            registry,
            self.sender,
            specs,
            self.log_format,
            self.monitoring.observe,
            guard,
        )
        self.role.scheduler = scheduler
        scheduler.start()
        _log_plan(specs)
        lost = self._wait(guard)
        scheduler.shutdown(wait=False)
        if lost:
            logger.error("No longer the active daemon: stopping its crawls at once")
            registry.stop(0.0)
        else:
            logger.info(
                "Stopping: no new crawls; waiting up to %.0fs for running ones",
                config.daemon.stop_grace,
            )
            registry.stop(config.daemon.stop_grace, self.stop.forced)
        if not registry.wait_idle(KILL_AFTER):
            logger.warning("Some crawl results were not recorded before exit")
        self.role.scheduler = None

    def _wait(self, guard: TermGuard | None) -> bool:
        """Until a stop is asked (False) or the role is lost (True)."""
        while not self.stop.requested.wait(LOSS_CHECK):
            if guard is not None and not guard.leading():
                return True
        return False


def _scheduler(
    config: AppConfig,
    database: Database,
    registry: ChildRegistry,
    sender: AlertSender | NullSender,
    specs: list[JobSpec],
    log_format: str,
    observe: AfterRun | None = None,
    guard: TermGuard | None = None,
) -> BaseScheduler:
    monitor = RunMonitor(config, database, sender)

    def after_run(source: Source, outcome: CrawlOutcome) -> None:
        if observe is not None:
            observe(source, outcome)
        monitor(source, outcome)

    runner = None
    if config.daemon.poll:
        from scheduler.poll import Poller
        from scheduler.polling import PollingRunner

        poller = Poller(config, database)
        if guard is not None:
            poller.permit = guard.leading
        runner = PollingRunner(config, poller, registry, log_format)
    job = CrawlJob(
        config, database, registry, after_run, runner=runner, log_format=log_format, guard=guard
    )
    scheduler = build_scheduler(specs, job, config.daemon.misfire_grace)
    monitor.on_gap = Rescheduler(scheduler)
    if config.revisions.recheck:
        add_recheck_job(scheduler, config, database, registry.stopping, sender)
    return scheduler


def add_recheck_job(
    scheduler: BaseScheduler,
    config: AppConfig,
    database: Database,
    stop: threading.Event,
    sender: AlertSender | NullSender,
) -> None:
    """Re-checks of stored articles every minute, on a thread of their own (never a crawl's):
    each run takes what is due and spreads it per host at the host's delay."""
    from corpus_folder.store import CorpusStore
    from scheduler.monitor import alert_retractions
    from scheduler.recheck import Rechecker

    checker = Rechecker(config, database, CorpusStore(config.corpus.dir, database), stop=stop)

    def recheck() -> None:
        started = utc_now()
        if checker.run().retracted:
            alert_retractions(config, database, sender, started)

    scheduler.add_executor(ThreadPoolExecutor(1), alias=RECHECK_JOB)
    scheduler.add_job(
        recheck,
        trigger=IntervalTrigger(seconds=RECHECK_EVERY, timezone=UTC),
        id=RECHECK_JOB,
        name=RECHECK_JOB,
        executor=RECHECK_JOB,
        next_run_time=utc_now() + timedelta(seconds=RECHECK_EVERY),
    )


def _log_plan(specs: list[JobSpec]) -> None:
    logger.info("Daemon started: %d source(s) scheduled", len(specs))
    for spec in specs:
        logger.info(
            "  %s: %s, first run %s",
            spec.key,
            spec.trigger,
            spec.first_run.isoformat(timespec="seconds"),
        )
