"""Processes: a killed crawl leaves no extraction worker; a killed daemon leaves no crawl."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from contextlib import suppress
from pathlib import Path

import pytest

from scheduler.pidfile import process_alive
from tests.fixture_server import FixtureSite, serve
from tests.integration.invariants import assert_corpus_invariants
from tests.scheduling.daemon_harness import (
    FEED,
    children_of,
    clean_env,
    crawls_running,
    make_article,
    publish,
    running_daemon,
    wait_until,
    write_config,
)

pytestmark = pytest.mark.integration
ARTICLES = [make_article(n) for n in range(1, 41)]


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        for child in children_of(todo.pop()):
            found.append(child)
            todo.append(child)
    return found


def _workers(pid: int) -> list[int]:
    """Extraction workers and resource trackers started by `pid` (multiprocessing children)."""
    return [
        child
        for child in _descendants(pid)
        if b"multiprocessing" in Path(f"/proc/{child}/cmdline").read_bytes()
    ]


def _eof_within(fd: int, seconds: float) -> bool:
    """The pipe's writers are all gone within `seconds` (what it holds is read and dropped)."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        if select.select([fd], [], [], left)[0] and os.read(fd, 65536) == b"":
            return True
    return False


def _with_workers(config: Path) -> None:
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("[crawl]\n", "[crawl]\nextract_workers = 1\n"), "utf-8")


def _log(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


def test_sigkilled_crawl_leaves_no_extraction_worker(tmp_path: Path) -> None:
    with serve(FixtureSite()) as site:
        publish(site, ARTICLES, delay=0.3)  # slow pages: the kill lands mid-crawl
        config = write_config(tmp_path, {"alpha": site.url(FEED)})
        _with_workers(config)
        crawl = subprocess.Popen(
            [sys.executable, "-m", "newsmon", "crawl", "--config", str(config)],
            cwd=tmp_path, env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        workers: list[int] = []
        try:
            assert wait_until(lambda: len(_workers(crawl.pid)) >= 2, 60), "no worker started"
            workers = _workers(crawl.pid)
            crawl.send_signal(signal.SIGKILL)
            crawl.wait(timeout=10)
            # nothing holds the crawl's stdout any more: EOF comes at once
            assert crawl.stdout is not None
            assert _eof_within(crawl.stdout.fileno(), 5.0), "an orphan holds the crawl's stdout"
            assert wait_until(lambda: not any(process_alive(pid) for pid in workers), 10), workers
        finally:
            for pid in {*workers, *_descendants(crawl.pid)}:  # orphans are no one's children
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
    assert_corpus_invariants_after_repair(tmp_path, config)


def assert_corpus_invariants_after_repair(workdir: Path, config: Path) -> None:
    # A SIGKILL may land between a file's rename and its commit: the next use indexes it.
    repair = subprocess.run(
        [sys.executable, "-m", "newsmon", "corpus", "verify", "--repair", "--config", str(config)],
        cwd=workdir, env=clean_env(), capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert repair.returncode == 0, repair.stdout + repair.stderr
    assert "missing files" not in repair.stdout
    assert_corpus_invariants(workdir, config)


def test_daemon_records_a_killed_crawl_at_once_not_at_its_timeout(tmp_path: Path) -> None:
    log = tmp_path / "daemon.log"
    with serve(FixtureSite()) as site:
        publish(site, ARTICLES, delay=0.3)
        config = write_config(tmp_path, {"alpha": site.url(FEED)}, every="1h", crawl_timeout="90s")
        _with_workers(config)
        with running_daemon(config, log) as daemon:
            assert wait_until(lambda: bool(crawls_running(config)), 30), _log(log)
            (crawl,) = crawls_running(config)
            assert wait_until(lambda: len(_workers(crawl)) >= 2, 60), _log(log)
            os.kill(crawl, signal.SIGKILL)  # the crawl alone, not its group
            killed = time.monotonic()
            assert wait_until(lambda: "Crawl alpha killed" in _log(log), 20), _log(log)
            assert time.monotonic() - killed < 20  # far from the 90 s timeout
            assert daemon.poll() is None
    assert_corpus_invariants_after_repair(tmp_path, config)


def test_restarted_daemon_stops_the_crawls_of_a_killed_one(tmp_path: Path) -> None:
    log = tmp_path / "daemon.log"
    with serve(FixtureSite()) as site:
        publish(site, ARTICLES, delay=0.3)
        config = write_config(tmp_path, {"alpha": site.url(FEED)}, every="1h", crawl_timeout="90s")
        with running_daemon(config, log) as first:
            assert wait_until(lambda: bool(crawls_running(config)), 30), _log(log)
            (orphan,) = crawls_running(config)
            pid_file = tmp_path / "newsmon.db.daemon.pid"
            assert json.loads(pid_file.read_text())["children"] == [orphan]
            os.kill(first.pid, signal.SIGKILL)  # the daemon alone: its crawl lives on
            first.wait(timeout=10)
            assert process_alive(orphan)
        with running_daemon(config, log):
            assert wait_until(lambda: not process_alive(orphan), 15), _log(log)
            assert f"Stopping crawl process group {orphan}" in _log(log)
            # the new daemon starts its own crawl and finishes it
            assert wait_until(lambda: "Crawl alpha ok" in _log(log), 90), _log(log)
    assert_corpus_invariants_after_repair(tmp_path, config)


def test_second_daemon_on_the_same_database_refuses_to_start(tmp_path: Path) -> None:
    log = tmp_path / "daemon.log"
    with serve(FixtureSite()) as site:
        publish(site, ARTICLES[:1])
        config = write_config(tmp_path, {"alpha": site.url(FEED)}, every="1h")
        with running_daemon(config, log):
            assert wait_until(lambda: "Daemon started" in _log(log), 30), _log(log)
            second = subprocess.run(
                [sys.executable, "-m", "newsmon", "daemon", "--config", str(config)],
                cwd=tmp_path, env=clean_env(), capture_output=True, text=True, timeout=60,
                check=False,
            )  # fmt: skip
    assert second.returncode == 2
    assert "another newsmon daemon" in second.stderr


def _group_members(group: int) -> list[int]:
    """Live processes (not zombies) whose process group is `group`."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with suppress(OSError, IndexError):
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if fields[0] != "Z" and int(fields[2]) == group:
                members.append(int(entry.name))
    return members


def _exited(pid: int) -> bool:
    """The child has exited (left unreaped)."""
    found = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    return found is not None and found.si_pid == pid


def test_no_process_of_a_crawl_outlives_it(tmp_path: Path) -> None:
    with serve(FixtureSite()) as site:
        publish(site, ARTICLES[:5])
        config = write_config(tmp_path, {"alpha": site.url(FEED)})
        _with_workers(config)
        crawl = subprocess.Popen(
            [sys.executable, "-m", "newsmon", "crawl", "--config", str(config)],
            cwd=tmp_path, env=clean_env(), stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        try:
            # Wait for the exit without reaping: the crawl stays a zombie, so its group is
            # looked at the moment it ended, before an orphan could finish on its own.
            deadline = time.monotonic() + 120
            while not _exited(crawl.pid):
                assert time.monotonic() < deadline, "the crawl did not end"
                time.sleep(0.001)
            # the extraction worker and multiprocessing's resource tracker are in its group
            assert [pid for pid in _group_members(crawl.pid) if pid != crawl.pid] == []
            assert crawl.wait(timeout=5) == 0
        finally:
            with suppress(ProcessLookupError):
                os.killpg(crawl.pid, signal.SIGKILL)
