"""Failover of the active daemon to a standby, and what a standby costs while it waits.

Run from the repository root (PostgreSQL at NEWSMON_TEST_POSTGRES_URL, default the test
server): ``python -m bench.failover [--kills 10] [--failover 30s] [--mode kill|hang]
[--idle 30]``. A database of its own is created and dropped, so the server's counters are
this benchmark's alone.

1. Idle standby: the benchmark holds the leader lock itself; one daemon stands by for
   ``--idle`` seconds. Prints its CPU seconds per minute and its database load (transactions
   per second of the benchmark's database, each of its statements being one).
2. Failover: two daemons poll one fixture site every 2 s. ``--kills`` times, the active one
   is SIGKILLed with its crawls (``--mode hang``: SIGSTOPped, resumed after the takeover);
   prints the time to the new leader's row (takeover) and to its first request to the site
   (schedule resumed), median and worst. The killed one is started again as the standby.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # running as a plain script puts bench/, not the repo, on the path
    sys.path.insert(0, str(REPO))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.idle import cpu_seconds  # noqa: E402
from crawler.durations import parse_duration  # noqa: E402
from db import leadership  # noqa: E402
from db.session import Database, open_database  # noqa: E402
from tests.fixture_server import serve  # noqa: E402
from tests.scheduling.daemon_harness import (  # noqa: E402
    FEED,
    LoggedSite,
    kill_tree,
    make_article,
    publish,
    running_daemon,
    wait_until,
    write_config,
)

ADMIN_URL = os.environ.get(
    "NEWSMON_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@contextmanager
def scratch_database() -> Iterator[str]:
    """A new database on the server (dropped at the end): its counters count only us."""
    name = f"newsmon_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


class Bench:
    def __init__(self, stack: ExitStack, url: str, site: LoggedSite, failover: float) -> None:
        self.stack, self.url, self.site, self.failover = stack, url, site, failover
        self.home = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="failover-")))
        self.database: Database = open_database(url)
        self.daemons: dict[str, subprocess.Popen[bytes]] = {}
        self.starts = 0

    def start(self, name: str) -> subprocess.Popen[bytes]:
        self.starts += 1
        folder = self.home / f"{name}-{self.starts}"
        folder.mkdir()
        config = write_config(
            folder,
            {"alpha": self.site.url(FEED)},
            database_url=self.url,
            corpus=self.home / "corpus",
            user_agent=f"newsmon-{name}",
            failover=f"{self.failover:g}s",
            listen="",
        )
        process = self.stack.enter_context(running_daemon(config, folder / "daemon.log"))
        self.daemons[name] = process
        return process

    def leader(self) -> str | None:
        with self.database.session() as session:
            row, held = leadership.current(session)
        if row is None or not held or not row.holder:
            return None
        return next((n for n, p in self.daemons.items() if p.pid == row.pid), None)

    def transactions(self) -> int:
        with self.database.engine.connect() as connection:
            connection.execute(text("SELECT pg_stat_clear_snapshot()"))
            count = connection.execute(
                text("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")
            ).scalar_one()
        return int(count)


def idle_standby(bench: Bench, seconds: float) -> None:
    """One daemon stands by while the benchmark holds the lock."""
    holder = bench.database.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    assert leadership.try_lock(holder)
    holder_pid = int(holder.execute(text("SELECT pg_backend_pid()")).scalar_one())
    try:
        standby = bench.start("idle")
        time.sleep(5.0)  # start-up (imports, migration check) is not idling
        cpu, began = cpu_seconds(standby.pid), time.monotonic()
        queries = count_queries(bench, holder_pid, seconds)
        spent, took = cpu_seconds(standby.pid) - cpu, time.monotonic() - began
        print(f"standby idle for {took:.0f} s (failover {bench.failover:g} s):")
        print(f"  CPU {spent:.2f} s = {60 * spent / took:.2f} s per minute")
        print(f"  database {queries} statements = {queries / took:.2f} per second")
        kill_tree(standby.pid)
        standby.wait()
        del bench.daemons["idle"]
    finally:
        holder.execute(text("SELECT pg_advisory_unlock_all()"))  # pooled: close keeps the session
        holder.close()


def count_queries(bench: Bench, holder_pid: int, seconds: float) -> int:
    """Statements the other sessions of this database began during `seconds`.

    Sampled from pg_stat_activity every 20 ms (each statement has its own query_start): the
    server's transaction counters reach pg_stat_database up to a minute late.
    """
    seen: set[tuple[int, object]] = set()
    query = text(
        "SELECT pid, query_start FROM pg_stat_activity WHERE datname = current_database()"
        " AND pid NOT IN (pg_backend_pid(), :holder) AND query_start IS NOT NULL"
    )
    with bench.database.engine.connect() as connection:
        first = {(row[0], row[1]) for row in connection.execute(query, {"holder": holder_pid})}
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            connection.execute(text("SELECT pg_stat_clear_snapshot()"))
            seen.update(
                (row[0], row[1]) for row in connection.execute(query, {"holder": holder_pid})
            )
            connection.rollback()
            time.sleep(0.02)
    return len(seen - first)


def failovers(bench: Bench, rounds: int, mode: str) -> None:
    bench.start("a")
    bench.start("b")
    assert wait_until(lambda: bench.leader() is not None, 60), "no leader"
    takeovers, resumed = [], []
    for _ in range(rounds):
        took, back = one_failover(bench, mode)
        takeovers.append(took)
        resumed.append(back)
    for label, values in (("takeover", takeovers), ("schedule resumed", resumed)):
        print(
            f"{mode} x{rounds}, {label}: median {statistics.median(values):.2f} s, "
            f"worst {max(values):.2f} s (failover {bench.failover:g} s)"
        )


def one_failover(bench: Bench, mode: str) -> tuple[float, float]:
    """Fail the leader; seconds to the takeover and to the new leader's first request."""
    old = bench.leader()
    assert old is not None
    new = "b" if old == "a" else "a"
    assert wait_until(lambda: bench.site.times(f"newsmon-{old}") != [], 30)
    time.sleep(1.0)
    process = bench.daemons[old]
    failed = time.monotonic()
    if mode == "hang":
        os.kill(process.pid, signal.SIGSTOP)
    else:
        kill_tree(process.pid)
    assert wait_until(lambda: bench.leader() == new, 3 * bench.failover), "no takeover"
    took = time.monotonic() - failed

    def requests_since() -> list[float]:
        return [t for t in bench.site.times(f"newsmon-{new}") if t > failed]

    assert wait_until(lambda: requests_since() != [], 60), "no request from the new leader"
    if mode == "hang":
        os.kill(process.pid, signal.SIGCONT)
    else:
        process.wait()
        bench.start(old)
    time.sleep(bench.failover * 0.3 + 1.0)  # the old one back to standing by
    return took, min(requests_since()) - failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--failover", default="30s")
    parser.add_argument("--mode", choices=("kill", "hang"), default="kill")
    parser.add_argument("--idle", type=float, default=30.0)
    args = parser.parse_args()
    failover = parse_duration(args.failover)
    with scratch_database() as url, serve(LoggedSite()) as site, ExitStack() as stack:
        assert isinstance(site, LoggedSite)
        publish(site, [make_article(1)])
        bench = Bench(stack, url, site, failover)
        try:
            if args.idle > 0:
                idle_standby(bench, args.idle)
            if args.kills > 0:
                failovers(bench, args.kills, args.mode)
        finally:
            for process in bench.daemons.values():
                kill_tree(process.pid)
            bench.database.close()


if __name__ == "__main__":
    main()
