"""Scheduling fixtures: a fake clock, a migrated SQLite database and a webhook stand-in."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawler.config import AppConfig, build_config
from db import repository
from db.models import Article
from db.session import Database, open_database
from tests.scheduling.webhook_server import Webhook, serve_webhook

T0 = datetime(2025, 10, 21, 0, 0, tzinfo=UTC)


@dataclass
class FakeClock:
    """A settable clock: tests move time by hand, nothing sleeps."""

    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    handle = open_database(f"sqlite:///{tmp_path / 'newsmon.db'}")
    try:
        yield handle
    finally:
        handle.close()


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    with serve_webhook() as hook:
        yield hook


def make_config(tmp_path: Path, sources: str, extra: str = "") -> AppConfig:
    """An AppConfig from TOML text (sources as [[sources]] tables), with no environment."""
    import tomllib

    text = f'[corpus]\ndir = "{tmp_path / "corpus"}"\n{extra}\n{sources}'
    return build_config(tomllib.loads(text), where="test", env={})


def add_run(
    database: Database,
    source: str,
    started: datetime,
    status: str = "ok",
    added_files: tuple[str, ...] = (),
    **counts: int,
) -> None:
    """A finished crawl_runs row (and article rows for its added files)."""
    with database.session() as session:
        run = repository.start_run(session, source, started)
        if status == "running":
            return
        repository.finish_run(
            session,
            run,
            status,  # type: ignore[arg-type]
            {"added": len(added_files), **counts},
            "boom" if status != "ok" else None,
            added_files,
            finished_at=started + timedelta(seconds=5),
        )
        for name in added_files:
            seq = int(name.split("_")[0])
            session.add(
                Article(
                    seq=seq,
                    file_name=name,
                    content_hash=name.ljust(64, "0"),
                    url=f"https://news.example/{seq}",
                    source=source,
                    headline=f"기사 {seq} 제목",
                    fetched_at=started,
                    origin="crawl",
                )
            )


def report_json(key: str, failed: bool = False, **counts: int) -> str:
    """What a child `newsmon crawl --json` prints for one source."""
    report = {
        "key": key,
        "name": key,
        "discovered": 0,
        "fetched": 0,
        "on_topic": 0,
        "duplicates": 0,
        "added": 0,
        "errors": 0,
        "skipped_known": 0,
        "no_body": 0,
        "added_files": [],
        "failed": failed,
        "reason": "bad feed" if failed else None,
    }
    report.update(counts)
    return json.dumps([report])
