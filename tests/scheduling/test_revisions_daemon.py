"""The daemon runs the due re-checks on a job of its own and alerts retractions; [] is off."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus_folder.store import CorpusStore
from crawler.config import RevisionsConfig
from db.session import open_database
from scheduler.daemon import RECHECK_JOB, _scheduler, plan
from scheduler.jobs import ChildRegistry, utc_now
from tests.fixture_server import serve
from tests.revision_site import EditingOutlet
from tests.scheduling.revision_env import T0, Env, FakeClock, Recorder, outlet_config

pytestmark = pytest.mark.database


@pytest.fixture
def env(tmp_path: Path, database_url: str) -> Iterator[Env]:
    outlet = EditingOutlet()
    with serve(outlet):
        config = outlet_config(tmp_path, database_url, outlet)
        database = open_database(database_url)
        try:
            store = CorpusStore(config.corpus.dir, database)
            yield Env(config, database, store, outlet, FakeClock(T0))
        finally:
            database.close()


def test_daemon_job_rechecks_and_alerts_retractions(env: Env) -> None:
    env.first_fetch(1)  # due since T0 + 1 h: long past for the daemon's real clock
    env.outlet.edit(1, status=410)
    sender = Recorder()
    specs = plan(env.config.sources, {}, utc_now())
    scheduler = _scheduler(env.config, env.database, ChildRegistry(), sender, specs, "text")
    job = scheduler.get_job(RECHECK_JOB)
    assert job is not None and job.executor == RECHECK_JOB  # never a crawl's thread
    job.func()
    [row] = env.revisions()
    assert row.revision.kind == "retracted"
    assert [kind for kind, _ in sender.messages] == ["retraction"]


def test_empty_schedule_adds_no_job(env: Env) -> None:
    config = dataclasses.replace(env.config, revisions=RevisionsConfig(recheck=()))
    specs = plan(config.sources, {}, utc_now())
    scheduler = _scheduler(config, env.database, ChildRegistry(), Recorder(), specs, "text")
    assert scheduler.get_job(RECHECK_JOB) is None
