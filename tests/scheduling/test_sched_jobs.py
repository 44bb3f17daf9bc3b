"""Crawl jobs: the child's report, hard timeouts that kill the process group, run records."""

from __future__ import annotations

import logging
import sys
import textwrap
import time
from datetime import timedelta
from pathlib import Path

import pytest

from crawler.config import AppConfig
from db import repository
from db.session import Database
from scheduler import daemon, jobs
from scheduler.jobs import ChildRegistry, CrawlJob, CrawlOutcome
from tests.scheduling.conftest import T0, FakeClock, add_run, make_config, report_json

SOURCE = """
[[sources]]
key = "fixture"
feeds = ["http://127.0.0.1:1/rss"]
every = "2s"
"""


@pytest.fixture
def config(tmp_path: Path) -> AppConfig:
    return make_config(tmp_path, SOURCE, '[daemon]\ncrawl_timeout = "1s"')


def python(script: str) -> list[str]:
    return [sys.executable, "-c", textwrap.dedent(script)]


@pytest.mark.parametrize(
    "stdout, expected",
    [
        (report_json("fixture", added=2), 2),
        (report_json("other", added=2), None),
        ("Traceback (most recent call last):", None),
        ('{"key": "fixture"}', None),
        ("", None),
    ],
    ids=["report", "other-source", "not-json", "not-a-list", "empty"],
)
def test_parse_report(stdout: str, expected: int | None) -> None:
    report = jobs.parse_report(stdout, "fixture")
    assert (report["added"] if report else None) == expected


@pytest.mark.parametrize(
    "report, code, timed_out, expected",
    [
        ({"failed": False}, 0, False, ("ok", None)),
        ({"failed": True, "reason": "bad feed"}, 1, False, ("failed", "bad feed")),
        ({"failed": False}, 1, False, ("failed", None)),
        (None, 0, True, ("timeout", None)),
        (None, -9, False, ("killed", "crawl killed by SIGKILL")),
        (None, 2, False, ("failed", "crawl exited with code 2 without a report")),
    ],
    ids=["ok", "source-failed", "exit-1", "timeout", "signalled", "crashed"],
)
def test_outcome_status(
    report: dict[str, object] | None, code: int, timed_out: bool, expected: tuple[str, str | None]
) -> None:
    assert jobs.outcome_status(report, code, timed_out) == expected


def test_child_command_follows_the_crawl_contract(tmp_path: Path) -> None:
    config = make_config(tmp_path, SOURCE)
    assert jobs.crawl_command(config, "fixture") == [
        sys.executable,
        "-m",
        "newsmon",
        "crawl",
        "--source",
        "fixture",
        "--json",
        "--log-format",
        "text",
    ]
    with_file = AppConfig(path=tmp_path / "my.toml", sources=config.sources)
    assert jobs.crawl_command(with_file, "fixture", "json")[-3:] == [
        "json",
        "--config",
        str(tmp_path / "my.toml"),
    ]


def test_child_report_becomes_the_outcome(clock: FakeClock) -> None:
    command = python(f"print({report_json('fixture', fetched=3, added=1)!r})")
    outcome = jobs.run_child(command, "fixture", 30, ChildRegistry(), clock)
    assert outcome is not None
    assert (outcome.status, outcome.exit_code, outcome.counts.added) == ("ok", 0, 1)


def _dead(pid: int) -> bool:
    """True once `pid` has exited (a killed process closes its files a moment before it exits)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as handle:
                if handle.read().split(") ")[1][0] in "ZX":  # unreaped orphans count as dead
                    return True
        except FileNotFoundError:
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("ignore_term", [False, True], ids=["stops-on-sigterm", "needs-sigkill"])
def test_hanging_child_and_its_children_are_killed_at_the_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ignore_term: bool
) -> None:
    monkeypatch.setattr(jobs, "KILL_AFTER", 0.5)
    pid_file = tmp_path / "grandchild.pid"
    command = python(f"""
        import signal, subprocess, sys, time
        if {ignore_term}:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
        grandchild = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        open({str(pid_file)!r}, "w").write(str(grandchild.pid))
        time.sleep(60)
    """)
    outcome = jobs.run_child(command, "fixture", 1.0, ChildRegistry())
    assert outcome is not None
    assert outcome.status == "timeout"
    assert outcome.reason == "crawl_timeout: stopped after 1s"
    assert _dead(int(pid_file.read_text()))


def test_timeout_closes_the_row_the_child_left_running(
    database: Database, clock: FakeClock
) -> None:
    add_run(database, "fixture", T0 + timedelta(seconds=1), "running")
    outcome = CrawlOutcome(
        "fixture",
        "timeout",
        T0,
        T0 + timedelta(seconds=60),
        -15,
        {},
        "crawl_timeout: stopped after 60s",
    )
    jobs.settle_run(database, outcome, stale_after=3600)
    with database.session() as session:
        (run,) = repository.recent_runs(session, "fixture")
        assert (run.status, run.error_reason) == ("timeout", "crawl_timeout: stopped after 60s")
        assert run.finished_at == T0 + timedelta(seconds=60)


def test_child_that_died_before_writing_gets_a_failed_row(database: Database) -> None:
    outcome = CrawlOutcome(
        "fixture",
        "failed",
        T0,
        T0 + timedelta(seconds=2),
        2,
        {},
        "crawl exited with code 2 without a report",
    )
    jobs.settle_run(database, outcome, stale_after=3600)
    with database.session() as session:
        (run,) = repository.recent_runs(session, "fixture")
        assert (run.status, run.started_at) == ("failed", T0)


def test_finished_child_row_is_left_as_written(database: Database) -> None:
    add_run(database, "fixture", T0 + timedelta(seconds=1), "ok", ("005_a.txt",))
    outcome = CrawlOutcome(
        "fixture", "ok", T0, T0 + timedelta(seconds=9), 0, {"key": "fixture", "added": 1}, None
    )
    jobs.settle_run(database, outcome, stale_after=3600)
    with database.session() as session:
        runs = repository.recent_runs(session, "fixture")
        assert [(r.status, r.added) for r in runs] == [("ok", 1)]


def test_restart_marks_only_old_running_rows_killed(config: AppConfig, database: Database) -> None:
    add_run(database, "fixture", T0 - timedelta(minutes=30), "running")
    add_run(database, "fixture", T0 - timedelta(milliseconds=500), "running")
    starts = daemon.prepare_history(database, config, T0)  # crawl_timeout is 1 s
    assert starts["fixture"] == T0 - timedelta(milliseconds=500)
    with database.session() as session:
        statuses = [(r.status, r.error_reason) for r in repository.recent_runs(session)]
    assert statuses == [("running", None), ("killed", "daemon_died")]


def test_job_logs_one_line_with_counts_and_reviews_the_run(
    config: AppConfig, database: Database, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    reviewed: list[CrawlOutcome] = []
    outcome = CrawlOutcome(
        "fixture",
        "ok",
        T0,
        T0 + timedelta(seconds=3),
        0,
        {
            "key": "fixture",
            "discovered": 7,
            "fetched": 5,
            "on_topic": 2,
            "duplicates": 1,
            "added": 1,
            "errors": 0,
        },
        None,
    )
    job = CrawlJob(
        config,
        database,
        ChildRegistry(),
        lambda s, o: reviewed.append(o),
        runner=lambda source: outcome,
        clock=clock,
    )
    with caplog.at_level(logging.INFO, logger="scheduler"):
        job("fixture")
    assert reviewed == [outcome]
    lines = [r.getMessage() for r in caplog.records if r.name == "scheduler.jobs"]
    assert lines == [
        "Crawl fixture ok in 3.0s: discovered 7, fetched 5, on topic 2, "
        "duplicates 1, added 1, errors 0"
    ]


def test_stopping_registry_spawns_nothing_and_ends_running_children() -> None:
    registry = ChildRegistry()
    children = [registry.spawn(python("import time; time.sleep(60)")) for _ in range(2)]
    registry.stop(grace=0.2)
    assert all(c is not None and c.wait(timeout=10) is not None for c in children)
    assert registry.spawn(python("pass")) is None
    assert all(c is not None and registry.release(c) for c in children)  # terminated by us
