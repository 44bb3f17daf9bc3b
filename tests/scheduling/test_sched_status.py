"""`newsmon status`: last run, last success, failure streak, additions, next run, corpus size."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from crawler.config import AppConfig
from db.session import Database
from newsmon.tables import format_status
from scheduler.status import collect_status, corpus_size
from tests.scheduling.conftest import T0, add_run, make_config

SOURCES = """
[[sources]]
key = "fixture"
name = "뉴스몬일보"
feeds = ["http://127.0.0.1:1/rss"]
every = "15m"
[[sources]]
key = "broken"
feeds = ["http://127.0.0.1:1/rss"]
every = "1h"
[[sources]]
key = "fresh"
feeds = ["http://127.0.0.1:1/rss"]
cron = "0 * * * *"
[[sources]]
key = "off"
feeds = ["http://127.0.0.1:1/rss"]
enabled = false
"""
NOW = T0 + timedelta(days=10)


@pytest.fixture
def config(tmp_path: Path, database: Database) -> AppConfig:
    config = make_config(tmp_path, SOURCES, f'[database]\nurl = "{database.engine.url}"')
    add_run(database, "fixture", NOW - timedelta(days=3), "ok", ("005_a.txt", "006_b.txt"))
    add_run(database, "fixture", NOW - timedelta(hours=2), "ok", ("007_c.txt",))
    add_run(database, "fixture", NOW - timedelta(minutes=5), "failed")
    add_run(database, "broken", NOW - timedelta(hours=3), "ok")
    for hours in (2.5, 2, 1.5):
        add_run(database, "broken", NOW - timedelta(hours=hours), "timeout")
    return config


def test_status_per_source(config: AppConfig) -> None:
    rows = {row.key: row for row in collect_status(config, now=NOW)}
    fixture = rows["fixture"]
    assert (fixture.last_status, fixture.last_run_at) == ("failed", NOW - timedelta(minutes=5))
    assert fixture.last_success_at == NOW - timedelta(hours=2)
    assert (fixture.failures_in_row, fixture.added_24h, fixture.added_7d) == (1, 1, 3)
    assert fixture.next_run_at == NOW + timedelta(minutes=10) and not fixture.overdue
    assert rows["broken"].failures_in_row == 3
    assert rows["broken"].overdue  # last start 1.5 h ago, every hour
    assert rows["fresh"].last_status is None and rows["fresh"].overdue
    assert rows["off"].next_run_at is None and not rows["off"].overdue


def test_status_as_dict_is_json_ready(config: AppConfig) -> None:
    rows = {row.key: row.as_dict() for row in collect_status(config, now=NOW)}
    assert rows["fixture"] == {
        "key": "fixture",
        "name": "뉴스몬일보",
        "enabled": True,
        "schedule": "every 15m",
        "last_run": "2025-10-30T23:55:00+00:00",
        "last_status": "failed",
        "last_error": "boom",
        "last_success": "2025-10-30T22:00:00+00:00",
        "failures_in_row": 1,
        "added_24h": 1,
        "added_7d": 3,
        "next_run": "2025-10-31T00:10:00+00:00",
        "last_new_article": "2025-10-30T22:00:00+00:00",
        "badge": None,
        "revised": 0,
        "retracted": 0,
    }
    assert rows["broken"]["next_run"] == "now"
    assert rows["fresh"]["schedule"] == "cron 0 * * * *"


def test_status_table(config: AppConfig) -> None:
    text = format_status(collect_status(config, now=NOW), corpus_files=7)
    lines = text.splitlines()
    assert lines[0].split() == [
        "source",
        "name",
        "schedule",
        "last",
        "run",
        "last",
        "success",
        "fails",
        "24h",
        "7d",
        "next",
        "run",
    ]
    fixture = next(line for line in lines if line.startswith("fixture"))
    assert fixture.split()[1:] == [
        "뉴스몬일보",
        "every",
        "15m",
        "08:55:00",
        "failed",
        "07:00:00",
        "1",
        "1",
        "3",
        "09:10:00",
    ]
    assert next(line for line in lines if line.startswith("off")).endswith("disabled")
    assert "  ! broken: boom" in lines
    assert lines[-1] == "corpus: 7 files (times in KST)"


def test_corpus_size_counts_only_corpus_files(tmp_path: Path) -> None:
    config = make_config(tmp_path, SOURCES)
    assert corpus_size(config) == 0
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in (
        "000_0123456789abcdef.txt",
        "1234_0123456789abcdef.txt",
        ".tmp-x.part",
        "notes.txt",
        ".newsmon.lock",
        "01_0123456789abcdef.txt",
    ):
        (folder / name).write_bytes(b"x")
    assert corpus_size(config) == 2
