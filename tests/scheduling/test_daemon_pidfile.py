"""The daemon's PID file: where it lives, and that only newsmon crawls are ever stopped."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from crawler.config import build_config
from scheduler.pidfile import DaemonPidFile, pid_file_path

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
