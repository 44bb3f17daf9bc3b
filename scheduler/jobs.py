"""One crawl job per source: a child `newsmon crawl` with a hard timeout, then its record."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from crawler.config import AppConfig
from crawler.sources import Source
from crawler.timeutil import utc_now as utc_now  # the default clock of jobs and listeners
from db import history
from db.models import RunStatus
from db.run_counts import RunCounts
from db.session import Database

logger = logging.getLogger(__name__)

KILL_AFTER = 5.0  # seconds between SIGTERM and SIGKILL of a child's process group
Clock = Callable[[], datetime]


@dataclass(frozen=True)
class CrawlOutcome:
    """How one child crawl of one source ended."""

    key: str
    status: RunStatus
    started_at: datetime
    finished_at: datetime
    exit_code: int | None = None
    report: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None

    @property
    def duration(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()

    @property
    def counts(self) -> RunCounts:
        return RunCounts.from_report(self.report)

    @property
    def added_files(self) -> list[str]:
        return [str(name) for name in self.report.get("added_files") or []]


def crawl_command(config: AppConfig, key: str, log_format: str = "text") -> list[str]:
    """The child's command line (the `newsmon crawl` contract)."""
    command = [
        sys.executable,
        "-m",
        "newsmon",
        "crawl",
        "--source",
        key,
        "--json",
        "--log-format",
        log_format,
    ]
    if config.path is not None:
        command += ["--config", str(config.path)]
    return command


def parse_report(stdout: str, key: str) -> dict[str, Any] | None:
    """The child's JSON object for `key`, or None when stdout holds no such report."""
    try:
        reports = json.loads(stdout)
    except ValueError:
        return None
    if not isinstance(reports, list):
        return None
    for report in reports:
        if isinstance(report, dict) and report.get("key") == key:
            return report
    return None


def outcome_status(
    report: dict[str, Any] | None, exit_code: int | None, timed_out: bool
) -> tuple[RunStatus, str | None]:
    """Run status and reason from what the child printed and how it exited."""
    if timed_out:
        return "timeout", None
    if report is not None:
        failed = bool(report.get("failed")) or exit_code not in (0, None)
        reason = report.get("reason")
        return ("failed" if failed else "ok"), (str(reason) if reason else None)
    if exit_code is not None and exit_code < 0:
        return "killed", f"crawl killed by {signal.Signals(-exit_code).name}"
    return "failed", f"crawl exited with code {exit_code} without a report"


@dataclass(frozen=True)
class ChildInfo:
    """A running crawl child: its pid (and process group), source and when it was started."""

    pid: int
    source: str
    started: datetime


def command_source(command: list[str]) -> str:
    """The source a `newsmon crawl --source KEY` command line crawls ('' for none)."""
    with suppress(ValueError, IndexError):
        return command[command.index("--source") + 1]
    return ""


class ChildRegistry:
    """Running children, so a stopping daemon can wait for them, then terminate their groups."""

    def __init__(self, on_change: Callable[[list[ChildInfo]], None] | None = None) -> None:
        self.stopping = threading.Event()
        self._lock = threading.Condition()
        self._children: dict[subprocess.Popen[str], ChildInfo] = {}
        self._on_change = on_change  # told the running children (the daemon's PID file)
        self._terminated: set[int] = set()
        self._active = 0
        # Asked under the lock before every start: False once this daemon no longer leads.
        self.permit: Callable[[], bool] = lambda: True
        # Told of a start before it happens (the leader's fenced record); False: do not start.
        self.claim: Callable[[str, list[dict[str, object]]], bool] | None = None

    def spawn(self, command: list[str], key: str = "") -> subprocess.Popen[str] | None:
        """Start a child in its own session; None once the daemon is stopping or not leading."""
        # Outside the lock: the claim is a database write, bounded but not instant.
        if self.claim is not None and not self.claim(key, self.entries()):
            return None
        started = utc_now()  # before the child exists: its run row starts at or after this
        with self._lock:
            if self.stopping.is_set() or not self.permit():
                return None
            # Own session: a terminal's Ctrl-C reaches only the daemon, which decides.
            child = subprocess.Popen(
                command,
                stdout=subprocess.PIPE,
                stdin=subprocess.DEVNULL,
                text=True,
                encoding="utf-8",
                start_new_session=True,
            )
            source = key or command_source(command)
            self._children[child] = ChildInfo(child.pid, source, started)
            self._changed()
            return child

    def release(self, child: subprocess.Popen[str]) -> bool:
        """Forget a finished child; True when the daemon terminated it."""
        with self._lock:
            self._children.pop(child, None)
            self._changed()
            return child.pid in self._terminated

    def entries(self) -> list[dict[str, object]]:
        """The running children: process group, source and start (the leader row's list)."""
        with self._lock:
            children = sorted(self._children.values(), key=lambda child: str(child.pid))
        return [
            {"pid": c.pid, "source": c.source, "started_at": c.started.isoformat()}
            for c in children
        ]

    def _changed(self) -> None:
        if self._on_change is not None:
            self._on_change(list(self._children.values()))

    @contextmanager
    def active(self) -> Iterator[None]:
        """Count a job as in flight until it has recorded its outcome."""
        with self._lock:
            self._active += 1
        try:
            yield
        finally:
            with self._lock:
                self._active -= 1
                self._lock.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no job is in flight; False on timeout."""
        with self._lock:
            return self._lock.wait_for(lambda: self._active == 0, timeout)

    def stop(self, grace: float, force: threading.Event | None = None) -> None:
        """Spawn nothing more; let children finish within `grace`, then SIGTERM, then SIGKILL."""
        self.stopping.set()
        deadline = time.monotonic() + grace
        while self._alive() and time.monotonic() < deadline and not (force and force.is_set()):
            time.sleep(0.1)
        for sig, wait in ((signal.SIGTERM, KILL_AFTER), (signal.SIGKILL, 0.0)):
            alive = self._alive()
            if not alive:
                return
            logger.warning("Sending %s to %d running crawl(s)", sig.name, len(alive))
            for child in alive:
                self._terminated.add(child.pid)
                signal_group(child, sig)
            end = time.monotonic() + wait
            while self._alive() and time.monotonic() < end:
                time.sleep(0.1)

    def _alive(self) -> list[subprocess.Popen[str]]:
        with self._lock:
            return [child for child in self._children if child.poll() is None]


def signal_group(child: subprocess.Popen[str], sig: signal.Signals) -> None:
    """Signal the child's whole process group (it leads its own session)."""
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, sig)


def run_child(
    command: list[str], key: str, timeout: float, registry: ChildRegistry, clock: Clock = utc_now
) -> CrawlOutcome | None:
    """Run one child crawl to its end or its timeout; None when the daemon is stopping."""
    started = clock()
    child = registry.spawn(command, key)
    if child is None:
        return None
    timed_out = False
    try:
        stdout, _ = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        logger.warning("Crawl of %s exceeded its %.0fs timeout; stopping it", key, timeout)
        signal_group(child, signal.SIGTERM)
        try:
            stdout, _ = child.communicate(timeout=KILL_AFTER)
        except subprocess.TimeoutExpired:
            signal_group(child, signal.SIGKILL)
            stdout, _ = child.communicate()
    finally:
        terminated = registry.release(child)
    report = parse_report(stdout or "", key)
    status, reason = outcome_status(report, child.returncode, timed_out)
    if timed_out:
        reason = f"crawl_timeout: stopped after {timeout:g}s"
    elif terminated:
        status, reason = "killed", "daemon_shutdown"
    return CrawlOutcome(key, status, started, clock(), child.returncode, report or {}, reason)


def settle_run(database: Database, outcome: CrawlOutcome, stale_after: float) -> None:
    """Close the rows a stopped child left open; add the row a child never wrote."""
    now = outcome.finished_at
    with database.session() as session:
        if outcome.status in ("timeout", "killed") or not outcome.report:
            history.close_open_runs(
                session,
                outcome.key,
                outcome.started_at,
                outcome.status,
                outcome.reason or outcome.status,
                now,
            )
        if history.runs_since(session, outcome.key, outcome.started_at) == 0:
            history.record_run(
                session,
                outcome.key,
                outcome.started_at,
                outcome.status,
                outcome.counts.stored(),
                outcome.reason,
                now,
            )
        history.mark_stale_runs(session, now - timedelta(seconds=stale_after), "abandoned_run")


def log_outcome(outcome: CrawlOutcome) -> None:
    """The one log line per run, with its counts."""
    level = logging.INFO if outcome.status == "ok" else logging.WARNING
    logger.log(
        level,
        "Crawl %s %s in %.1fs: %s%s",
        outcome.key,
        outcome.status,
        outcome.duration,
        outcome.counts.summary(),
        f" ({outcome.reason})" if outcome.reason else "",
    )


Runner = Callable[[Source], "CrawlOutcome | None"]
AfterRun = Callable[[Source, CrawlOutcome], None]


class Guard(Protocol):
    """Asked before each crawl (a leader's term: scheduler.takeover.TermGuard)."""

    def __call__(self, key: str) -> bool: ...
    def leading(self) -> bool: ...


class CrawlJob:
    """The APScheduler job callable: crawl one source (by key), record and review the run."""

    def __init__(
        self,
        config: AppConfig,
        database: Database,
        registry: ChildRegistry,
        after_run: AfterRun,
        runner: Runner | None = None,
        log_format: str = "text",
        clock: Clock = utc_now,
        guard: Guard | None = None,
    ) -> None:
        self.config = config
        self.guard = guard
        self.database = database
        self.registry = registry
        self.after_run = after_run
        self.clock = clock
        self.log_format = log_format
        self.runner = runner or self._spawn

    def __call__(self, key: str) -> None:
        source = self.config.source(key)
        if self.guard is not None and not self.guard(key):
            return
        with self.registry.active():
            outcome = self.runner(source)
            if outcome is None:
                logger.info("Not starting %s: the daemon is stopping or no longer leads", key)
                return
            if self.guard is not None and not self.guard.leading() and outcome.status != "ok":
                # Cut short because the role went: the source is not at fault.
                outcome = replace(outcome, status="killed", reason="leader_lost")
            stale = self.config.daemon.crawl_timeout + KILL_AFTER + 60.0
            settle_run(self.database, outcome, stale)
            log_outcome(outcome)
            if outcome.status == "killed" and (
                self.registry.stopping.is_set() or outcome.reason == "leader_lost"
            ):
                return  # stopped by us: not the source's fault, no alert
            self.after_run(source, outcome)

    def _spawn(self, source: Source) -> CrawlOutcome | None:
        command = crawl_command(self.config, source.key, self.log_format)
        return run_child(
            command, source.key, self.config.daemon.crawl_timeout, self.registry, self.clock
        )
