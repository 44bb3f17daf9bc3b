"""A new leader's first steps, and the check before each of its crawls.

The previous leader's crawls are stopped when they run on this machine (their process
groups are in the `daemon_leader` row); on another machine they cannot be reached, so each
of their sources waits until its run ends or is older than the crawl timeout allows.
"""

from __future__ import annotations

import logging
import threading
import time
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


def take_over(
    previous: Previous,
    me: Identity,
    database: Database,
    leadership: Leadership,
    stop: threading.Event,
) -> None:
    """Stop what the previous leader left here; wait out its belief that it still leads."""
    if not previous.holder:
        logger.info("Now the active daemon (token %d)", leadership.token)
        return
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
    if here:
        _stop_children(previous, database)
    elif previous.children:
        logger.warning(
            "%d crawl(s) of the previous leader run on %s: their sources wait for those runs",
            len(previous.children),
            previous.host,
        )
    if here and not is_newsmon(previous.pid, b"daemon"):
        return  # it is gone: nobody else believes it leads
    wait = trusted_until - time.monotonic()
    if wait > 0:
        logger.info("Waiting %.1fs before the first crawl: the previous leader may be hung", wait)
        stop.wait(wait)


def _stop_children(previous: Previous, database: Database) -> None:
    """SIGTERM, then SIGKILL, the previous leader's crawl groups here; close their runs."""
    children = [(c.get("pid"), c.get("source"), c.get("started_at")) for c in previous.children]
    groups = [pid for pid, _, _ in children if isinstance(pid, int) and is_newsmon(pid, b"crawl")]
    if groups:
        stop_groups(groups)
    now = utc_now()
    with database.session() as session:
        for _, source, started in children:
            if isinstance(source, str) and isinstance(started, str):
                history.close_open_runs(
                    session,
                    source,
                    datetime.fromisoformat(started) - timedelta(seconds=1),
                    "killed",
                    LEADER_LOST,
                    now,
                )


class TermGuard:
    """Asked before each job of a leader's term: still leading, and no run of the source that
    an earlier leader began is still going (unless it is past any crawl's time limit)."""

    def __init__(
        self, leadership: Leadership, database: Database, config: AppConfig, began: datetime
    ) -> None:
        self.leadership = leadership
        self.database = database
        self.began = began
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
        if left is None:
            return True
        logger.info(
            "Not crawling %s yet: its run begun %s under the previous leader has not ended",
            key,
            left.started_at.isoformat(timespec="seconds"),
        )
        return False
