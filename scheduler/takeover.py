"""A new leader's first steps, and the check before each of its crawls.

The previous leader's crawls are stopped when they run on this machine (their process
groups are in the `daemon_leader` row); on another machine they cannot be reached, so each
of their sources waits until its run ends or is older than the crawl timeout allows.
"""

from __future__ import annotations

import logging
import threading
import time
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta

from crawler.config import AppConfig
from db import history
from db.leadership import Previous
from db.session import Database
from scheduler.jobs import KILL_AFTER, utc_now
from scheduler.leader import Identity, Leadership
from scheduler.pidfile import is_newsmon, stop_groups

logger = logging.getLogger(__name__)

LEADER_LOST = "leader_lost"


@dataclass(frozen=True)
class Left:
    """One crawl in the previous leader's list (pid None: recorded, maybe never started)."""

    pid: int | None
    source: str
    started_at: datetime


def left_crawls(previous: Previous) -> list[Left]:
    found = []
    for entry in previous.children:
        pid, source, started = entry.get("pid"), entry.get("source"), entry.get("started_at")
        if isinstance(source, str) and isinstance(started, str):
            with suppress(ValueError):
                when = datetime.fromisoformat(started)
                found.append(Left(pid if isinstance(pid, int) else None, source, when))
    return found


def take_over(
    previous: Previous,
    me: Identity,
    database: Database,
    leadership: Leadership,
    stop: threading.Event,
) -> dict[str, datetime]:
    """Stop what the previous leader left here; wait out its belief that it still leads.

    Returns the sources whose crawl could not be stopped from here (another machine, or a
    start that was recorded but may not have happened yet), with when it was recorded.
    """
    if not previous.holder:
        logger.info("Now the active daemon (token %d)", leadership.token)
        return {}
    logger.warning(
        "Now the active daemon (token %d), taking over from %s (pid %d, leading since %s)",
        leadership.token,
        previous.host,
        previous.pid,
        previous.since.isoformat(timespec="seconds") if previous.since else "?",
    )
    # The previous leader's trust runs out `validity` after the lock changed hands at the
    # latest; stopping its crawls (up to 5 s) counts towards that wait.
    trusted_until = time.monotonic() + leadership.timings.validity
    here = me.same_machine(previous)
    crawls = left_crawls(previous)
    reachable = [c for c in crawls if here and c.pid is not None]
    if reachable:
        _stop(reachable, database)
    pending: dict[str, datetime] = {}
    for crawl in crawls:
        if crawl not in reachable:
            pending[crawl.source] = min(
                crawl.started_at, pending.get(crawl.source, crawl.started_at)
            )
    if pending:
        logger.warning(
            "Crawls of the previous leader out of reach (%s): they wait for those runs",
            ", ".join(sorted(pending)),
        )
    if here and not is_newsmon(previous.pid, b"daemon"):
        return pending  # it is gone: nobody else believes it leads
    wait = trusted_until - time.monotonic()
    if wait > 0:
        logger.info("Waiting %.1fs before the first crawl: the previous leader may be hung", wait)
        stop.wait(wait)
    return pending


def _stop(crawls: list[Left], database: Database) -> None:
    """SIGTERM, then SIGKILL, the previous leader's crawl groups here; close their runs."""
    stop_groups(c.pid for c in crawls if c.pid is not None and is_newsmon(c.pid, b"crawl"))
    now = utc_now()
    with database.session() as session:
        for crawl in crawls:
            # the child opened its run after the daemon recorded it (a second of clock slack)
            since = crawl.started_at - timedelta(seconds=1)
            history.close_open_runs(session, crawl.source, since, "killed", LEADER_LOST, now)


class TermGuard:
    """Asked before each job of a leader's term: still leading; no run of the source that an
    earlier leader began still going, and no crawl it recorded out of reach still unsettled
    (either unless past any crawl's time limit)."""

    def __init__(
        self,
        leadership: Leadership,
        database: Database,
        config: AppConfig,
        began: datetime,
        pending: dict[str, datetime] | None = None,
    ) -> None:
        self.leadership = leadership
        self.database = database
        self.began = began
        self.pending = dict(pending or {})
        self.limit = timedelta(seconds=config.daemon.crawl_timeout + KILL_AFTER)

    def leading(self) -> bool:
        return self.leadership.valid()

    def __call__(self, key: str) -> bool:
        if not self.leadership.valid():
            logger.warning("Not crawling %s: this daemon is no longer the active one", key)
            return False
        now = utc_now()
        with self.database.session() as session:
            left = history.running_before(session, key, self.began)
            if left is not None and left.started_at < now - self.limit:
                logger.warning(
                    "Closing the run of %s begun %s: past the crawl time limit, out of reach",
                    key,
                    left.started_at.isoformat(timespec="seconds"),
                )
                history.abandon_run(session, left, "abandoned_run", now)
                left = history.running_before(session, key, self.began)
            recorded = self.pending.get(key)
            if recorded is not None and (
                recorded < now - self.limit or history.settled_since(session, key, recorded)
            ):
                del self.pending[key]
                recorded = None
        if left is None and recorded is None:
            return True
        since = left.started_at if left is not None else recorded
        logger.info(
            "Not crawling %s yet: its crawl begun %s under the previous leader has not ended",
            key,
            since.isoformat(timespec="seconds") if since else "?",
        )
        return False
