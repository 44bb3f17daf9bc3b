"""The daemon's PID file: where it lives, and that only newsmon crawls are ever stopped."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from crawler.config import build_config
from crawler.timeutil import utc_now
from db import repository
from db.models import CrawlRun
from db.session import Database
from scheduler.jobs import ChildInfo
from scheduler.pidfile import DaemonPidFile, close_stopped_runs, pid_file_path

SOURCE = {"sources": [{"key": "a", "feeds": ["http://127.0.0.1:9/rss"]}]}


def test_pid_file_sits_beside_the_sqlite_database(tmp_path: Path) -> None:
    data = {**SOURCE, "database": {"url": f"sqlite:///{tmp_path / 'state' / 'n.db'}"}}
    config = build_config(data, where="t", env={}, path=tmp_path / "newsmon.toml")
    assert pid_file_path(config) == tmp_path / "state" / "n.db.daemon.pid"
    data = {**SOURCE, "database": {"url": "postgresql+psycopg://u@db/newsmon"}}
    config = build_config(data, where="t", env={}, path=tmp_path / "conf" / "newsmon.toml")
    assert pid_file_path(config) == tmp_path / "conf" / "newsmon.daemon.pid"


def test_claim_never_signals_a_process_that_is_not_a_newsmon_crawl(tmp_path: Path) -> None:
    path = tmp_path / "n.db.daemon.pid"
    stranger = subprocess.Popen(["sleep", "30"])  # a recycled pid, as far as the file knows
    try:
        path.write_text(json.dumps({"daemon": 999_999_999, "children": [stranger.pid]}))
        assert DaemonPidFile(path).claim() is None
        assert stranger.poll() is None
        assert json.loads(path.read_text()) == {"daemon": os.getpid(), "children": []}
    finally:
        stranger.kill()
        stranger.wait()


def test_children_are_recorded_and_a_clean_stop_removes_the_file(tmp_path: Path) -> None:
    pid_file = DaemonPidFile(tmp_path / "n.db.daemon.pid")
    assert pid_file.claim() is None
    pid_file.record_children([42, 7])
    assert json.loads(pid_file.path.read_text())["children"] == [7, 42]
    pid_file.release()
    assert not pid_file.path.exists()


def test_an_unwritable_pid_file_is_a_warning_not_a_failure(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    pid_file = DaemonPidFile(blocker / "sub" / "n.db.daemon.pid")  # a file is no folder
    assert pid_file.claim() is None
    pid_file.record_children([1])


def test_runs_of_crawls_a_killed_daemon_left_are_closed_when_they_are_stopped(
    tmp_path: Path, database: Database
) -> None:
    """The next daemon stops the leftover crawl and closes its run at once, not at a sweep."""
    path = tmp_path / "n.db.daemon.pid"
    # Looks like `newsmon crawl` to the PID-file check; leads its own group, as crawls do.
    leftover = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)", "newsmon", "crawl"],
        start_new_session=True,
    )
    try:
        started = utc_now() - timedelta(seconds=30)
        with database.session() as session:
            repository.start_run(session, "a", started + timedelta(seconds=1))  # the leftover's
            repository.start_run(session, "b", started + timedelta(seconds=2))  # a manual crawl
        runs = [{"pid": leftover.pid, "source": "a", "started": started.isoformat()}]
        left = {"daemon": 999_999_999, "children": [leftover.pid], "runs": runs}
        path.write_text(json.dumps(left))
        pid_file = DaemonPidFile(path)
        assert pid_file.claim() is None
        assert leftover.wait(timeout=10) is not None
        assert close_stopped_runs(database, pid_file.stopped, utc_now()) == 1
        with database.session() as session:
            found = {
                row.source: row.status
                for row in session.execute(select(CrawlRun.source, CrawlRun.status))
            }
            reason = session.scalar(select(CrawlRun.error_reason).where(CrawlRun.source == "a"))
        assert found == {"a": "killed", "b": "running"}
        assert reason == "daemon_died"
    finally:
        leftover.kill()
        leftover.wait()


def test_the_pid_file_names_each_child_run(tmp_path: Path) -> None:
    pid_file = DaemonPidFile(tmp_path / "n.db.daemon.pid")
    started = utc_now()
    pid_file.record_children([ChildInfo(42, "a", started)])
    data = json.loads(pid_file.path.read_text())
    assert data["children"] == [42]
    assert data["runs"] == [{"pid": 42, "source": "a", "started": started.isoformat()}]
