"""The daemon's PID file: who runs the schedule, and which crawl process groups it started.

A SIGKILLed daemon cannot stop its crawls (each leads its own session, so they outlive it).
The next daemon reads the file, stops those groups, and refuses to start while the previous
daemon still lives: two schedulers on one database would crawl every source twice.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import time
from collections.abc import Iterable
from contextlib import suppress
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from crawler.config import AppConfig
from db import history
from db.session import Database, sqlite_file
from scheduler.jobs import ChildInfo

logger = logging.getLogger(__name__)

PID_SUFFIX = ".daemon.pid"
STOP_WAIT = 5.0  # seconds between SIGTERM and SIGKILL of a leftover crawl group


def pid_file_path(config: AppConfig) -> Path:
    """Beside the SQLite file; for a database server, beside the config file (or here)."""
    url = make_url(config.database.url)
    database = sqlite_file(url) if url.get_backend_name() == "sqlite" else None
    if database is not None:
        return database.with_name(database.name + PID_SUFFIX)
    folder = config.path.parent if config.path is not None else Path.cwd()
    return folder / f"newsmon{PID_SUFFIX}"


class DaemonPidFile:
    """This daemon's pid and its running crawls' process groups, rewritten on every change."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._children: list[int] = []
        self._runs: list[ChildInfo] = []
        self._warned = False
        # The runs of crawls that claim() stopped: their rows are closed once a database is open.
        self.stopped: list[ChildInfo] = []

    def claim(self) -> str | None:
        """Take over from a dead daemon (stopping its crawls); a reason when one still runs."""
        previous = self._read()
        daemon = previous.get("daemon")
        if isinstance(daemon, int) and daemon != os.getpid() and is_newsmon(daemon, b"daemon"):
            return f"another newsmon daemon (pid {daemon}) already runs with {self.path}"
        children = previous.get("children")
        leftovers = (
            [pid for pid in children if isinstance(pid, int)] if isinstance(children, list) else []
        )
        stopped = set(stop_groups(pid for pid in leftovers if is_newsmon(pid, b"crawl")))
        self.stopped = [run for run in _read_runs(previous) if run.pid in stopped]
        self._write()
        return None

    def record_children(self, children: Iterable[int | ChildInfo]) -> None:
        """The crawl children now running (each the leader of its own process group)."""
        listed = list(children)
        self._runs = [child for child in listed if isinstance(child, ChildInfo)]
        self._children = sorted(c.pid if isinstance(c, ChildInfo) else c for c in listed)
        self._write()

    def release(self) -> None:
        """A clean stop: nothing is left running."""
        with suppress(OSError):
            self.path.unlink(missing_ok=True)

    def _read(self) -> dict[str, object]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _write(self) -> None:
        runs = [
            {"pid": run.pid, "source": run.source, "started": run.started.isoformat()}
            for run in self._runs
        ]
        data: dict[str, object] = {"daemon": os.getpid(), "children": self._children}
        if runs:
            data["runs"] = runs
        payload = json.dumps(data)
        temporary = self.path.with_name(self.path.name + ".tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(payload, encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError as exc:
            # Only a later restart's cleanup needs the file: a warning, never a stopped daemon.
            if not self._warned:
                logger.warning("Cannot write the daemon PID file %s: %s", self.path, exc)
                self._warned = True


def _read_runs(data: dict[str, object]) -> list[ChildInfo]:
    """The children's runs a PID file names (none in a file of an earlier version)."""
    runs = data.get("runs")
    found: list[ChildInfo] = []
    for run in runs if isinstance(runs, list) else []:
        with suppress(KeyError, TypeError, ValueError):
            started = datetime.fromisoformat(run["started"])
            found.append(ChildInfo(int(run["pid"]), str(run["source"]), started))
    return found


def close_stopped_runs(database: Database, stopped: list[ChildInfo], now: datetime) -> int:
    """Close as killed the run rows of the crawls claim() stopped (they could not close them)."""
    closed = 0
    with database.session() as session:
        for run in stopped:
            if run.source:
                closed += history.close_open_runs(
                    session, run.source, run.started, "killed", "daemon_died", now
                )
    if closed:
        logger.warning("Closed %d run(s) of stopped crawls left by a previous daemon", closed)
    return closed


def stop_groups(leaders: Iterable[int]) -> list[int]:
    """SIGTERM each process group, then SIGKILL what is left after STOP_WAIT; returns them."""
    groups = list(leaders)
    for group in groups:
        logger.warning("Stopping crawl process group %d left by a previous daemon", group)
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(group, signal.SIGTERM)
    deadline = time.monotonic() + STOP_WAIT
    while any(process_alive(group) for group in groups) and time.monotonic() < deadline:
        time.sleep(0.1)
    for group in groups:
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(group, signal.SIGKILL)
    return groups


def process_alive(pid: int) -> bool:
    """The process exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1][0]
    except (OSError, IndexError):
        return False
    return state not in "ZX"


def is_newsmon(pid: int, command: bytes) -> bool:
    """The pid runs `newsmon <command>` (not a recycled pid of something else)."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return process_alive(pid) and b"newsmon" in b" ".join(argv) and command in argv
