"""The schedule itself, driven by a fake clock with fake jobs: ids, triggers, runs, errors."""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from apscheduler.executors.debug import DebugExecutor
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from crawler.config import AppConfig
from scheduler import daemon
from tests.scheduling.conftest import T0, FakeClock, make_config

SOURCES = """
[[sources]]
key = "busy"
feeds = ["http://127.0.0.1:1/rss"]
every = "10s"
[[sources]]
key = "slow"
feeds = ["http://127.0.0.1:1/rss"]
every = "1m"
[[sources]]
key = "nightly"
feeds = ["http://127.0.0.1:1/rss"]
cron = "*/10 * * * *"
[[sources]]
key = "off"
feeds = ["http://127.0.0.1:1/rss"]
enabled = false
"""


@pytest.fixture
def config(tmp_path: Path) -> AppConfig:
    return make_config(tmp_path, SOURCES, '[daemon]\nmisfire_grace = "30s"')


class ManualScheduler(BaseScheduler):  # type: ignore[misc]
    """A scheduler that never wakes by itself: the test calls _process_jobs after moving time."""

    def wakeup(self) -> None:
        pass

    def shutdown(self, wait: bool = True) -> None:
        super().shutdown(wait)


@pytest.fixture
def fake_time(clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeClock]:
    """APScheduler reads the time through datetime.now: point it at the fake clock."""

    class FakeDatetime(datetime):
        @classmethod
        def now(cls, tz: object = None) -> datetime:  # type: ignore[override]
            return clock.now.astimezone(tz)  # type: ignore[arg-type]

    monkeypatch.setattr("apscheduler.schedulers.base.datetime", FakeDatetime)
    monkeypatch.setattr("apscheduler.executors.base.datetime", FakeDatetime)
    yield clock


def test_one_job_per_enabled_source_with_ids_and_triggers(config: AppConfig) -> None:
    specs = daemon.plan(config.sources, {}, T0)
    assert [s.job_id for s in specs] == ["crawl:busy", "crawl:slow", "crawl:nightly"]
    by_key = {s.key: s.trigger for s in specs}
    assert isinstance(by_key["busy"], IntervalTrigger)
    assert by_key["busy"].interval == timedelta(seconds=10)
    assert isinstance(by_key["nightly"], CronTrigger)


@pytest.mark.parametrize("key, bound", [("busy", 1.0), ("slow", 6.0), ("nightly", 60.0)])
def test_jitter_is_bounded_by_a_tenth_of_the_interval(
    config: AppConfig, key: str, bound: float
) -> None:
    (spec,) = [s for s in daemon.plan(config.sources, {}, T0) if s.key == key]
    assert spec.trigger.jitter == pytest.approx(bound)
    previous = T0
    for _ in range(50):
        fire = spec.trigger.get_next_fire_time(previous, previous)
        assert fire is not None
        if isinstance(spec.trigger, IntervalTrigger):
            interval = spec.trigger.interval.total_seconds()
            assert interval <= (fire - previous).total_seconds() <= interval + bound
        else:  # cron fires on a tenth minute, at most `bound` seconds late
            slot = fire.replace(minute=fire.minute - fire.minute % 10, second=0, microsecond=0)
            assert (fire - slot).total_seconds() <= bound
        previous = fire


def test_job_defaults_coalesce_single_instance_misfire_grace(config: AppConfig) -> None:
    scheduler = daemon.build_scheduler(
        daemon.plan(config.sources, {}, T0),
        lambda key: None,
        config.daemon.misfire_grace,
        ManualScheduler(),
    )
    scheduler.start(paused=True)  # job defaults are applied when jobs reach the job store
    jobs = scheduler.get_jobs()
    assert {job.id for job in jobs} == {"crawl:busy", "crawl:slow", "crawl:nightly"}
    for job in jobs:
        assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, 30)
        assert job.args == (job.name,)
    scheduler.shutdown()


NOW = T0 + timedelta(minutes=2)


@pytest.mark.parametrize(
    "key, last, expected",
    [
        ("busy", None, NOW),
        ("slow", NOW - timedelta(seconds=20), NOW + timedelta(seconds=40)),
        ("slow", NOW - timedelta(hours=2), NOW),
        ("nightly", NOW - timedelta(minutes=1), T0 + timedelta(minutes=10)),
        ("nightly", NOW - timedelta(minutes=12), NOW),
    ],
    ids=[
        "never-crawled-runs-now",
        "recent-waits",
        "overdue-runs-now",
        "cron-recent-waits",
        "cron-overdue-runs-now",
    ],
)
def test_first_run_after_restart_follows_history(
    config: AppConfig, key: str, last: datetime | None, expected: datetime
) -> None:
    specs = {s.key: s for s in daemon.plan(config.sources, {key: last}, NOW)}
    assert specs[key].first_run == expected


def _run(scheduler: BaseScheduler, clock: FakeClock, seconds: int) -> None:
    for _ in range(seconds):
        clock.advance(1)
        scheduler._process_jobs()


def test_fake_clock_runs_each_source_on_its_interval(
    config: AppConfig, fake_time: FakeClock
) -> None:
    runs: list[tuple[str, datetime]] = []
    history = {"slow": T0 - timedelta(seconds=30)}
    specs = [s for s in daemon.plan(config.sources, history, T0) if s.key != "nightly"]
    scheduler = daemon.build_scheduler(
        specs, lambda key: runs.append((key, fake_time.now)), 30, ManualScheduler(), DebugExecutor()
    )
    scheduler.start()
    _run(scheduler, fake_time, 120)
    busy = [t for k, t in runs if k == "busy"]
    slow = [t for k, t in runs if k == "slow"]
    assert busy[0] == T0 + timedelta(seconds=1)  # never crawled: at once
    gaps = [(b - a).total_seconds() for a, b in pairwise(busy)]
    assert all(10 <= gap <= 12 for gap in gaps)  # interval + jitter (1s) + 1s clock step
    assert 10 <= len(busy) <= 12
    assert slow[0] == T0 + timedelta(seconds=30)  # crawled 30s before the restart
    assert len(slow) == 2
    scheduler.shutdown()


def test_a_failing_job_is_logged_and_the_schedule_goes_on(
    config: AppConfig, fake_time: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[str] = []

    def flaky(key: str) -> None:
        calls.append(key)
        raise RuntimeError(f"crawl of {key} exploded")

    specs = [s for s in daemon.plan(config.sources, {}, T0) if s.key == "busy"]
    scheduler = daemon.build_scheduler(specs, flaky, 30, ManualScheduler(), DebugExecutor())
    scheduler.start()
    with caplog.at_level(logging.ERROR, logger="scheduler"):
        _run(scheduler, fake_time, 35)
    assert len(calls) >= 3
    errors = [r for r in caplog.records if r.name == "scheduler.monitor"]
    assert len(errors) == len(calls)
    assert "crawl of busy exploded" in errors[0].getMessage()
    assert scheduler.running
    scheduler.shutdown()


def test_a_missed_run_is_logged_and_coalesced(
    config: AppConfig,
    fake_time: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(random, "uniform", lambda low, high: 0.0)  # no jitter: exact run times
    runs: list[datetime] = []
    specs = [s for s in daemon.plan(config.sources, {}, T0) if s.key == "busy"]
    scheduler = daemon.build_scheduler(
        specs, lambda key: runs.append(fake_time.now), 1, ManualScheduler(), DebugExecutor()
    )
    scheduler.start()
    fake_time.advance(605)  # the machine slept through 60 runs
    with caplog.at_level(logging.WARNING, logger="scheduler"):
        scheduler._process_jobs()
    assert runs == []  # the latest due run is 5 s late, past the 1 s grace: skipped, not replayed
    assert any("missed" in r.getMessage() for r in caplog.records)
    _run(scheduler, fake_time, 15)
    assert runs == [T0 + timedelta(seconds=610), T0 + timedelta(seconds=620)]
    scheduler.shutdown()


def test_adaptive_rescheduling_never_exceeds_the_configured_interval(
    config: AppConfig, fake_time: FakeClock
) -> None:
    source = config.source("slow")
    specs = [s for s in daemon.plan(config.sources, {}, T0) if s.key == "slow"]
    scheduler = daemon.build_scheduler(
        specs, lambda key: None, 30, ManualScheduler(), DebugExecutor()
    )
    scheduler.start()
    rescheduler = daemon.Rescheduler(scheduler)
    rescheduler(source, 7200.0)  # quiet: stays at the configured minute
    assert scheduler.get_job("crawl:slow").trigger.interval == timedelta(minutes=1)
    rescheduler(source, 20.0)  # busy, but never below max(interval/4, 60 s) = 1 min
    assert scheduler.get_job("crawl:slow").trigger.interval == timedelta(minutes=1)
    scheduler.shutdown()


def test_a_run_still_in_progress_is_not_started_twice(
    config: AppConfig, fake_time: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    release, started = threading.Event(), threading.Event()
    calls: list[str] = []

    def long_crawl(key: str) -> None:
        calls.append(key)
        started.set()
        release.wait(30)

    specs = [s for s in daemon.plan(config.sources, {}, T0) if s.key == "busy"]
    scheduler = daemon.build_scheduler(specs, long_crawl, 30, ManualScheduler())
    scheduler.start()
    with caplog.at_level(logging.INFO, logger="scheduler"):
        _run(scheduler, fake_time, 1)
        assert started.wait(10)
        _run(scheduler, fake_time, 25)  # two more runs fall due while the first one hangs
    release.set()
    scheduler.shutdown(wait=True)
    assert calls == ["busy"]
    skipped = [r.getMessage() for r in caplog.records if "still running" in r.getMessage()]
    assert len(skipped) >= 2
