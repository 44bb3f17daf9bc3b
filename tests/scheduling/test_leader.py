"""The leader role on the real PostgreSQL: one holder, fenced writes, loss on silence or cut."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from db import history, leadership
from db.session import Database, open_database
from scheduler.leader import Identity, Leadership, Timings
from scheduler.page import leader_line
from scheduler.status import LeaderInfo, leader_info
from scheduler.takeover import TermGuard, take_over
from tests.conftest import POSTGRES_URL
from tests.scheduling.conftest import T0, add_run, make_config
from tests.scheduling.daemon_harness import wait_until

pytestmark = pytest.mark.database
FAILOVER = 5.0  # heartbeat 0.5 s, idle timeout 1.5 s, validity 1.0 s


@pytest.fixture
def database(postgres_schema_url: str) -> Iterator[Database]:
    handle = open_database(postgres_schema_url)
    try:
        yield handle
    finally:
        handle.close()


@pytest.fixture
def daemons(postgres_schema_url: str, database: Database) -> Iterator[list[Leadership]]:
    made: list[Leadership] = []
    for pid in (101, 102):
        made.append(Leadership(postgres_schema_url, FAILOVER, Identity.current(pid)))
    try:
        yield made
    finally:
        for daemon in made:
            daemon.close()


def _campaign(daemon: Leadership, seconds: float) -> leadership.Previous | None:
    """Campaign for at most `seconds`; the previous holder when the role was won."""
    stop = threading.Event()
    timer = threading.Timer(seconds, stop.set)
    timer.start()
    try:
        return daemon.campaign(stop)
    finally:
        timer.cancel()


def test_timings_keep_a_hang_within_the_failover_bound() -> None:
    timings = Timings.from_failover(30.0)
    assert timings.heartbeat < timings.validity < timings.idle_timeout
    assert timings.idle_timeout + timings.heartbeat + timings.validity <= 0.6 * 30.0


def test_one_holder_and_each_takeover_raises_the_token(daemons: list[Leadership]) -> None:
    first, second = daemons
    previous = _campaign(first, 2.0)
    assert previous is not None and previous.holder == "" and first.token == 1
    assert first.valid()
    assert _campaign(second, 1.5) is None and not second.valid()
    first.step_down(resign=False)
    previous = _campaign(second, 2.0)
    assert previous is not None and second.token == 2
    assert previous.holder == first.identity.holder and previous.pid == 101


def test_a_clean_resign_tells_the_next_leader_not_to_wait(daemons: list[Leadership]) -> None:
    first, second = daemons
    assert _campaign(first, 2.0) is not None
    first.hold(lambda: [])
    first.step_down(resign=True)
    previous = _campaign(second, 2.0)
    assert previous is not None and previous.holder == ""


def test_a_silent_leader_loses_its_session_and_its_trust(daemons: list[Leadership]) -> None:
    first, second = daemons
    assert _campaign(first, 2.0) is not None  # leads, but never heartbeats (a hang)
    assert wait_until(lambda: not first.valid(), first.timings.validity + 0.5)
    began = time.monotonic()
    assert _campaign(second, 10.0) is not None
    # the server ended the silent session after idle_timeout; the standby tried every heartbeat
    assert time.monotonic() - began < first.timings.idle_timeout + 2 * first.timings.heartbeat


def test_a_cut_connection_loses_the_role_and_the_running_crawls_are_written(
    daemons: list[Leadership], database: Database
) -> None:
    first, second = daemons
    assert _campaign(first, 2.0) is not None
    children = [{"pid": 4242, "source": "alpha", "started_at": T0.isoformat()}]
    first.hold(lambda: children)
    first.children_changed()
    with database.session() as session:
        assert wait_until(lambda: _children(database) == children, 3.0)
        session.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE application_name = :name"
            ),
            {"name": f"newsmon daemon {first.identity.host}:101"[:63]},
        )
    assert wait_until(lambda: first.lost.is_set(), 3.0) and not first.valid()
    previous = _campaign(second, 3.0)
    assert previous is not None and previous.children == children


def _children(database: Database) -> list[dict[str, object]]:
    with database.session() as session:
        row, _ = leadership.current(session)
    return [] if row is None else list(json.loads(row.children))


def test_writes_of_a_replaced_leader_are_refused(
    daemons: list[Leadership], database: Database
) -> None:
    first, second = daemons
    assert _campaign(first, 2.0) is not None
    old_token = first.token
    first.step_down(resign=False)
    assert _campaign(second, 2.0) is not None
    with database.engine.connect() as connection:
        assert not leadership.write_children(connection, first.identity.holder, old_token, [])
        assert leadership.write_children(connection, second.identity.holder, second.token, [])
        connection.commit()


def test_status_names_the_active_daemon(daemons: list[Leadership], database: Database) -> None:
    first, _ = daemons
    with database.session() as session:
        assert leader_info(session) is None
    assert _campaign(first, 2.0) is not None
    with database.session() as session:
        info = leader_info(session)
    assert info is not None and info.active and info.pid == 101
    assert info.describe().startswith(f"Active daemon: {first.identity.host}, pid 101, since ")
    first.step_down(resign=True)
    with database.session() as session:
        info = leader_info(session)
    assert info is not None and not info.active
    assert info.describe().startswith("No active daemon (the last one: ")


def test_the_lock_is_per_schema(daemons: list[Leadership], postgres_schema_url: str) -> None:
    first, _ = daemons
    assert _campaign(first, 2.0) is not None
    other = make_url(POSTGRES_URL).update_query_dict({"options": "-csearch_path=public"})
    elsewhere = Leadership(other.render_as_string(hide_password=False), FAILOVER, first.identity)
    try:
        with elsewhere._connect() as connection:  # the lock only: no table needed
            assert leadership.try_lock(connection)
    finally:
        elsewhere.close()


class _Role:
    def __init__(self) -> None:
        self.leading = True

    def valid(self) -> bool:
        return self.leading


def test_a_source_waits_for_a_run_an_earlier_leader_began(
    database: Database, tmp_path: Path
) -> None:
    config = make_config(tmp_path, '[[sources]]\nkey = "alpha"\nfeeds = ["http://x/rss"]\n')
    began = T0 + timedelta(minutes=10)
    role = _Role()
    guard = TermGuard(role, database, config, began)  # type: ignore[arg-type]
    add_run(database, "alpha", T0 + timedelta(minutes=9), "running")
    add_run(database, "beta", T0 + timedelta(minutes=9), "ok")
    guard.limit = timedelta(days=365 * 100)  # nothing is past the time limit yet
    assert not guard("alpha")
    assert guard("beta")
    guard.limit = timedelta(seconds=1)  # the run is older than any crawl may last
    assert guard("alpha")
    with database.session() as session:
        run = history.last_run(session, "alpha")
    assert run is not None and (run.status, run.error_reason) == ("killed", "abandoned_run")
    role.leading = False
    assert not guard("beta") and not guard.leading()


def test_status_page_line_names_the_active_daemon() -> None:
    since = T0 + timedelta(hours=1)  # 10:00 KST
    active = leader_line(LeaderInfo("db-1 <b>", 4242, since, active=True))
    assert 'id="leader"' in active and "db-1 &lt;b&gt; (pid 4242)" in active
    assert "2025-10-21 10:00" in active
    assert "작업 데몬 없음" in leader_line(LeaderInfo("db-1", 4242, since, active=False))
    assert leader_line(None) == ""


def test_a_crawl_start_is_recorded_first_and_refused_after_a_takeover(
    daemons: list[Leadership], database: Database
) -> None:
    first, second = daemons
    assert _campaign(first, 2.0) is not None
    running = [{"pid": 7, "source": "beta", "started_at": T0.isoformat()}]
    assert first.claim("alpha", running)
    recorded = _children(database)
    assert recorded[0] == running[0]
    assert (recorded[1]["pid"], recorded[1]["source"]) == (None, "alpha")
    # a hang: the lock goes, another daemon takes over, the first wakes up to start a crawl
    first._valid_until = float("inf")  # its clock has not noticed yet
    with database.session() as session:
        session.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = :n"
            ),
            {"n": f"newsmon daemon {first.identity.host}:101"[:63]},
        )
    assert _campaign(second, 3.0) is not None
    assert not first.claim("alpha", [])
    assert first.lost.is_set() and not first.valid()


def test_crawls_out_of_reach_are_waited_for(database: Database, tmp_path: Path) -> None:
    config = make_config(tmp_path, '[[sources]]\nkey = "alpha"\nfeeds = ["http://x/rss"]\n')
    recorded = T0 + timedelta(minutes=9)
    role = _Role()
    guard = TermGuard(role, database, config, T0 + timedelta(minutes=10), {"alpha": recorded})  # type: ignore[arg-type]
    guard.limit = timedelta(days=365 * 100)
    assert not guard("alpha")  # recorded, no run yet: it may still be starting elsewhere
    add_run(database, "alpha", recorded + timedelta(seconds=2), "running")
    assert not guard("alpha")
    add_run(database, "alpha", recorded + timedelta(seconds=3), "ok")
    assert not guard("alpha")  # one of its runs still runs
    with database.session() as session:
        session.execute(text("UPDATE crawl_runs SET status = 'killed' WHERE status = 'running'"))
    assert guard("alpha") and guard.pending == {}
    late = TermGuard(role, database, config, T0, {"alpha": T0 - timedelta(days=1)})  # type: ignore[arg-type]
    late.limit = timedelta(hours=1)
    assert late("alpha")  # recorded longer ago than any crawl may last


def test_a_takeover_from_another_machine_stops_nothing_and_returns_its_crawls(
    database: Database, postgres_schema_url: str
) -> None:
    me = Identity.current(103)
    leader = Leadership(postgres_schema_url, FAILOVER, me)
    previous = leadership.Previous(
        holder="far:9:ab",
        host="far-away",
        boot_id="other",
        pid=9,
        since=T0,
        token=4,
        children=[
            {"pid": 1, "source": "alpha", "started_at": T0.isoformat()},
            {"pid": None, "source": "beta", "started_at": (T0 + timedelta(minutes=1)).isoformat()},
            {"pid": "bad", "source": 3},
        ],
    )
    try:
        assert _campaign(leader, 2.0) is not None
        started = time.monotonic()
        pending = take_over(previous, me, database, leader, threading.Event())
        assert time.monotonic() - started >= leader.timings.validity * 0.9  # it may be hung
    finally:
        leader.close()
    assert pending == {"alpha": T0, "beta": T0 + timedelta(minutes=1)}
