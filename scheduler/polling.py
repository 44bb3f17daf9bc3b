"""The daemon's runner: poll a source in-process, start a crawl process only for news."""

from __future__ import annotations

import logging
import os
import tempfile
import threading
import time

from crawler.config import AppConfig
from crawler.sources import Source
from db.models import RunStatus
from scheduler.jobs import (
    KILL_AFTER,
    ChildRegistry,
    Clock,
    CrawlOutcome,
    crawl_command,
    run_child,
    utc_now,
)
from scheduler.poll import Poll, Poller

logger = logging.getLogger(__name__)

WAIT_STEP = 0.2  # seconds between looks at the stop flag while a poll runs


class PollingRunner:
    """A CrawlJob runner: an idle poll costs its conditional GETs and no process.

    Sources with unknown article URLs get a child `newsmon crawl --urls-from FILE` fetching
    exactly those; sources the poll cannot answer (Poll.full_crawl) get the usual full child
    crawl. Either child keeps the daemon's isolation: own session, timeout, SIGTERM on stop.
    """

    def __init__(
        self,
        config: AppConfig,
        poller: Poller,
        registry: ChildRegistry,
        log_format: str = "text",
        clock: Clock = utc_now,
    ) -> None:
        self.config = config
        self.poller = poller
        self.registry = registry
        self.log_format = log_format
        self.clock = clock

    def __call__(self, source: Source) -> CrawlOutcome | None:
        if self.registry.stopping.is_set():
            return None
        started = self.clock()
        polled = self._poll(source)
        if isinstance(polled, BaseException):  # the database or a bug: this run fails
            return CrawlOutcome(
                source.key,
                "failed",
                started,
                self.clock(),
                reason=f"poll_failed: {type(polled).__name__}: {polled}",
            )
        if isinstance(polled, str):
            status: RunStatus = "killed" if polled == "daemon_shutdown" else "timeout"
            return CrawlOutcome(source.key, status, started, self.clock(), reason=polled)
        poll = polled
        if poll.idle:
            self.poller.commit(poll)
            status = "ok" if poll.failure is None else "failed"
            return CrawlOutcome(
                source.key, status, started, self.clock(), report=poll.report(), reason=poll.failure
            )
        command = crawl_command(self.config, source.key, self.log_format)
        if poll.full_crawl is not None:
            logger.info("Polling %s: %s; crawling it whole", source.key, poll.full_crawl)
            return self._run(command, source.key)
        logger.info(
            "Polling %s: %d new of %d article links; fetching them",
            source.key,
            len(poll.new_urls),
            poll.counts.discovered,
        )
        return self._fetch_new(command, poll)

    def _poll(self, source: Source) -> Poll | BaseException | str:
        """The poll, in a thread of its own so that a hung site cannot hold this job past
        `crawl_timeout`, nor the daemon's stop: the reason string when it was given up."""
        answer: list[Poll | BaseException] = []
        done = threading.Event()

        def work() -> None:
            try:
                answer.append(self.poller.poll(source))
            except Exception as exc:
                logger.exception("Polling %s failed", source.key)
                answer.append(exc)
            finally:
                done.set()

        # A daemon thread: one left behind on a hung socket never delays the daemon's exit.
        threading.Thread(target=work, name=f"poll-{source.key}", daemon=True).start()
        timeout = self.config.daemon.crawl_timeout
        deadline = time.monotonic() + timeout
        while not done.wait(WAIT_STEP):
            if self.registry.stopping.is_set():
                grace = min(self.config.daemon.stop_grace, KILL_AFTER)
                return answer[0] if done.wait(grace) else "daemon_shutdown"
            if time.monotonic() > deadline:
                logger.warning(
                    "Poll of %s exceeded its %.0fs timeout; giving it up", source.key, timeout
                )
                return f"crawl_timeout: poll given up after {timeout:g}s"
        return answer[0]

    def _fetch_new(self, command: list[str], poll: Poll) -> CrawlOutcome | None:
        handle, path = tempfile.mkstemp(prefix=f"newsmon-{poll.key}-", suffix=".urls")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write("".join(f"{url}\n" for url in poll.new_urls))
            outcome = self._run([*command, "--urls-from", path], poll.key)
        finally:
            os.unlink(path)
        if outcome is not None and outcome.status == "ok":
            self.poller.commit(poll)  # a failed fetch leaves the pages to be read again
        return outcome

    def _run(self, command: list[str], key: str) -> CrawlOutcome | None:
        return run_child(command, key, self.config.daemon.crawl_timeout, self.registry, self.clock)
