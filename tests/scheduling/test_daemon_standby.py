"""Two real `newsmon daemon` processes on one PostgreSQL and one corpus: one leads, one waits.

Each daemon has its own config (same database and corpus) with its own User-Agent, so the
fixture site's request log tells which daemon asked for what, and when.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select, text

from db import leadership
from db.models import Article, CrawlRun
from db.session import Database, open_database
from scheduler.pidfile import process_alive
from tests.fixture_server import FixtureSite, Page, serve
from tests.scheduling.daemon_harness import (
    FEED,
    LoggedSite,
    corpus_texts,
    crawls_running,
    kill_tree,
    make_article,
    publish,
    run_newsmon,
    running_daemon,
    wait_until,
    write_config,
)

pytestmark = pytest.mark.integration
FAILOVER = 8.0  # [daemon] failover of these daemons
CRAWL_BUDGET = 25.0  # a poll plus one child crawl (Scrapy start-up) on a busy machine
BOUND = FAILOVER + CRAWL_BUDGET


@dataclass
class Daemon:
    name: str
    config: Path
    log: Path
    process: subprocess.Popen[bytes]

    @property
    def pid(self) -> int:
        return self.process.pid

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def status_url(self) -> str:
        found = re.search(r"Status page on (http://127\.0\.0\.1:\d+)/", self.text())
        assert found, self.text()
        return found[1]


class Pair:
    """Daemons `a` and `b` on one database and corpus, and the fixture site they poll."""

    def __init__(self, tmp: Path, url: str, site: LoggedSite) -> None:
        self.tmp, self.url, self.site = tmp, url, site
        self.daemons: dict[str, Daemon] = {}
        self.database: Database = open_database(url)

    def start(self, stack: ExitStack, name: str) -> Daemon:
        home = self.tmp / name
        home.mkdir(exist_ok=True)
        config = write_config(
            home,
            {"alpha": self.site.url(FEED)},
            database_url=self.url,
            corpus=self.tmp / "corpus",
            user_agent=f"newsmon-{name}",
            failover=f"{FAILOVER:g}s",
        )
        log = home / "daemon.log"
        process = stack.enter_context(running_daemon(config, log))
        self.daemons[name] = Daemon(name, config, log, process)
        return self.daemons[name]

    def leader(self) -> Daemon | None:
        """The daemon the database names as active (its lock held), if any."""
        with self.database.session() as session:
            row, held = leadership.current(session)
        if row is None or not held or not row.holder:
            return None
        return next((d for d in self.daemons.values() if d.pid == row.pid), None)

    def other(self, daemon: Daemon) -> Daemon:
        return next(d for d in self.daemons.values() if d is not daemon)

    def copies(self, headline: str) -> tuple[int, int]:
        """Corpus files and article rows holding this headline."""
        files = sum(
            1
            for data in corpus_texts(self.tmp / "corpus").values()
            if data.startswith(headline.encode())
        )
        with self.database.session() as session:
            rows = session.scalar(select(func.count()).where(Article.headline == headline))
        return files, int(rows or 0)

    def running_runs(self) -> int:
        with self.database.session() as session:
            count = session.scalar(select(func.count()).where(CrawlRun.status == "running"))
        return int(count or 0)


@contextmanager
def pair(tmp_path: Path, url: str) -> Iterator[tuple[Pair, ExitStack]]:
    with serve(LoggedSite()) as site, ExitStack() as stack:
        assert isinstance(site, LoggedSite)
        publish(site, [make_article(1)])
        both = Pair(tmp_path, url, site)
        try:
            yield both, stack
        finally:
            both.database.close()


def _started_with_one_leader(both: Pair, stack: ExitStack) -> Daemon:
    """Start a and b together; wait for the first article; the leader (the other stands by)."""
    a, b = both.start(stack, "a"), both.start(stack, "b")
    headline = make_article(1).headline
    assert wait_until(lambda: both.copies(headline)[0] == 1, BOUND), a.text() + b.text()
    leader = both.leader()
    assert leader is not None, a.text() + b.text()
    standby = both.other(leader)
    assert both.site.times(f"newsmon-{leader.name}")
    assert not both.site.times(f"newsmon-{standby.name}"), "a standby sent requests"
    assert "Standby" in standby.text() and "Now the active daemon" not in standby.text()
    return leader


def _publish_second(both: Pair) -> str:
    publish(both.site, [make_article(1), make_article(2)])
    return make_article(2).headline


def _never_both(both: Pair, first: Daemon, second: Daemon) -> None:
    """Every request of the first leader came before the second leader's first one."""
    old = both.site.times(f"newsmon-{first.name}")
    new = both.site.times(f"newsmon-{second.name}")
    assert old and new and max(old) < min(new), (old[-3:], new[:3])


def _stop_cleanly(both: Pair, daemon: Daemon) -> None:
    daemon.process.send_signal(signal.SIGTERM)
    assert daemon.process.wait(timeout=30) == 0, daemon.text()


def test_sigkill_of_the_leader_hands_over_within_the_bound(
    postgres_schema_url: str, tmp_path: Path
) -> None:
    with pair(tmp_path, postgres_schema_url) as (both, stack):
        leader = _started_with_one_leader(both, stack)
        standby = both.other(leader)
        health = httpx.get(standby.status_url() + "/healthz", timeout=10)
        assert health.status_code == 200 and health.json() == {"status": "standby"}
        assert "newsmon_leader 0.0" in httpx.get(standby.status_url() + "/metrics").text
        assert "newsmon_leader 1.0" in httpx.get(leader.status_url() + "/metrics").text
        status = run_newsmon("status", "--config", str(standby.config), cwd=tmp_path)
        assert f"Active daemon: {os.uname().nodename}, pid {leader.pid}," in status.stdout
        headline = _publish_second(both)
        kill_tree(leader.pid)  # a power cut: the daemon and its crawls
        killed = time.monotonic()
        assert wait_until(lambda: both.copies(headline)[0] == 1, BOUND), standby.text()
        took = time.monotonic() - killed
        assert both.leader() is standby
        assert "taking over from" in standby.text()
        time.sleep(2 * 2.0)  # two more polls of the new leader: still one copy
        assert both.copies(headline) == (1, 1)
        _never_both(both, leader, standby)
        _stop_cleanly(both, standby)
        assert both.running_runs() == 0
    assert took < BOUND


def _hung_or_cut(tmp_path: Path, url: str, cut: bool) -> None:
    with pair(tmp_path, url) as (both, stack):
        leader = _started_with_one_leader(both, stack)
        standby = both.other(leader)
        headline = _publish_second(both)
        if cut:
            _terminate_backend(both, leader)
        else:
            os.kill(leader.pid, signal.SIGSTOP)
        failed = time.monotonic()
        try:
            assert wait_until(lambda: both.copies(headline)[0] == 1, BOUND), standby.text()
            took = time.monotonic() - failed
            assert both.leader() is standby, standby.text()
        finally:
            os.kill(leader.pid, signal.SIGCONT)
        assert wait_until(lambda: "No longer the active daemon" in leader.text(), 10), leader.text()
        assert wait_until(lambda: "Standing by again" in leader.text(), 10), leader.text()
        time.sleep(2 * 2.0)  # two more intervals: the old leader sends nothing
        assert both.leader() is standby
        _never_both(both, leader, standby)
        assert both.copies(headline) == (1, 1)
        health = httpx.get(leader.status_url() + "/healthz", timeout=10)
        assert health.json() == {"status": "standby"}
        _stop_cleanly(both, standby)
        _stop_cleanly(both, leader)
        assert both.running_runs() == 0
    assert took < BOUND


def _terminate_backend(both: Pair, leader: Daemon) -> None:
    """Cut the leader's lock connection from the server side."""
    name = f"newsmon daemon {os.uname().nodename}:{leader.pid}"[:63]
    with both.database.session() as session:
        ended = session.scalar(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE application_name = :name"
            ),
            {"name": name},
        )
    assert ended == 1


def test_a_hung_leader_is_replaced_and_stands_by_when_resumed(
    postgres_schema_url: str, tmp_path: Path
) -> None:
    _hung_or_cut(tmp_path, postgres_schema_url, cut=False)


def test_a_leader_cut_from_the_database_is_replaced(
    postgres_schema_url: str, tmp_path: Path
) -> None:
    _hung_or_cut(tmp_path, postgres_schema_url, cut=True)


def test_sqlite_keeps_one_daemon_and_says_why(tmp_path: Path) -> None:
    with serve(FixtureSite()) as site:
        publish(site, [make_article(1)])
        config = write_config(tmp_path, {"alpha": site.url(FEED)})
        with running_daemon(config, tmp_path / "first.log"):
            assert wait_until(lambda: (tmp_path / "newsmon.db.daemon.pid").exists(), 20)
            second = run_newsmon("daemon", "--config", str(config), cwd=tmp_path)
    assert second.returncode == 2
    assert "a standby daemon needs PostgreSQL" in second.stderr


class SlowOnce(LoggedSite):
    """The first request for `slow` hangs for a minute (the crawl that asked is stuck)."""

    def __init__(self, slow: str) -> None:
        super().__init__()
        self.slow = slow
        self.slowed = False

    def answer(self, path: str, headers: dict[str, str]) -> tuple[Page, list[tuple[str, str]]]:
        page, extra = super().answer(path, headers)
        with self.lock:
            if path != self.slow or self.slowed:
                return page, extra
            self.slowed = True
        return replace(page, delay=60.0), extra


def _runs(both: Pair) -> list[tuple[str, str | None]]:
    with both.database.session() as session:
        rows = session.execute(
            select(CrawlRun.status, CrawlRun.error_reason).order_by(CrawlRun.started_at)
        ).all()
    return [(row[0], row[1]) for row in rows]


def test_the_crawl_of_a_hung_leader_is_stopped_by_its_successor(
    postgres_schema_url: str, tmp_path: Path
) -> None:
    second = make_article(2)
    with serve(SlowOnce(second.path)) as site, ExitStack() as stack:
        assert isinstance(site, SlowOnce)
        publish(site, [make_article(1)])
        both = Pair(tmp_path, postgres_schema_url, site)
        try:
            leader = _started_with_one_leader(both, stack)
            standby = both.other(leader)
            publish(site, [make_article(1), second])
            assert wait_until(lambda: site.slowed, BOUND)  # the leader's crawl now hangs
            stuck = crawls_running(leader.config)
            assert len(stuck) == 1
            os.kill(leader.pid, signal.SIGSTOP)
            try:
                assert wait_until(lambda: both.copies(second.headline)[0] == 1, BOUND), (
                    standby.text()
                )
                assert not process_alive(stuck[0])  # stopped by the new leader, same machine
            finally:
                os.kill(leader.pid, signal.SIGCONT)
            assert wait_until(lambda: "Standing by again" in leader.text(), 10), leader.text()
            _stop_cleanly(both, standby)
            _stop_cleanly(both, leader)
            statuses = _runs(both)
            assert ("running", None) not in statuses
            assert any(status == "killed" for status, _ in statuses), statuses
            assert both.copies(second.headline) == (1, 1)
        finally:
            both.database.close()
