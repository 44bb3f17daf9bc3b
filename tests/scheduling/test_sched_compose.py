"""docker-compose.yml is valid, and the commands its services run work against PostgreSQL."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import pytest
from apscheduler.schedulers.base import BaseScheduler

from crawler.config import DaemonConfig, load_config
from crawler.sources import BUILTIN_SOURCES
from db.session import Database, make_engine, open_database
from scheduler.access import Listen
from scheduler.jobs import KILL_AFTER
from scheduler.metrics import DaemonMetrics
from scheduler.role import Role
from scheduler.web import StatusApp, StatusServer
from tests.scheduling.daemon_harness import write_config

REPO = Path(__file__).resolve().parents[2]
COMPOSE = REPO / "docker-compose.yml"


TOKEN = "compose-test-token-0123456789"


def _compose(*args: str, token: str | None = TOKEN) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("docker-compose")
    if binary is None:
        pytest.skip("docker-compose is not installed (Debian package docker-compose)")
    env = {k: v for k, v in os.environ.items() if k != "NEWSMON_DAEMON_LISTEN_TOKEN"}
    if token is not None:
        env["NEWSMON_DAEMON_LISTEN_TOKEN"] = token
    return subprocess.run(
        [binary, "-f", str(COMPOSE), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=REPO,
        env=env,
    )


def test_compose_file_is_valid() -> None:
    result = _compose("config", "-q")
    assert result.returncode == 0, result.stderr


def test_compose_has_database_migration_and_daemon_services() -> None:
    result = _compose("config", "--services")
    assert result.returncode == 0, result.stderr
    # docker-compose 1.x lists services of every profile, 2.x those of the active ones
    assert set(result.stdout.split()) - {"newsmon-standby"} == {"postgres", "migrate", "newsmon"}


def test_standby_profile_adds_a_second_daemon_on_the_same_volumes() -> None:
    result = _compose("--profile", "standby", "config", "--services")
    assert result.returncode == 0, result.stderr
    assert set(result.stdout.split()) == {"postgres", "migrate", "newsmon", "newsmon-standby"}
    # off by default: the one service with a profile
    profiles = re.findall(
        r"^  ([\w-]+):\n(?:    .*\n)*?    profiles: (.*)$", COMPOSE.read_text(), re.M
    )
    assert profiles == [("newsmon-standby", '["standby"]')]
    full = _compose("--profile", "standby", "config")
    assert full.returncode == 0, full.stderr
    published = re.findall(r"^\s*- (\S+:\d+:\d+\S*)$", full.stdout, re.MULTILINE)
    assert sorted(published) == ["127.0.0.1:8750:8750/tcp", "127.0.0.1:8751:8750/tcp"]
    standby = re.search(r"^  newsmon-standby:\n((?:    .*\n)+)", full.stdout, re.MULTILINE)
    assert standby is not None
    assert "- corpus:/data/corpus:rw\n" in standby[1]
    assert "- corpus-state:/data/corpus.newsmon:rw\n" in standby[1]
    assert "NEWSMON_DATABASE_URL: postgresql+psycopg://" in standby[1]


def test_container_stop_grace_outlasts_the_daemons_own() -> None:
    match = re.search(r"stop_grace_period: (\d+)s", COMPOSE.read_text(encoding="utf-8"))
    assert match is not None
    assert int(match[1]) > DaemonConfig().stop_grace + KILL_AFTER


def _newsmon(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newsmon", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_service_commands_run_against_postgres(postgres_schema_url: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSMON_")}
    env.update(
        PYTHONPATH=str(REPO),
        NEWSMON_DATABASE_URL=postgres_schema_url,
        NEWSMON_CORPUS_DIR=str(tmp_path / "corpus"),
    )
    upgrade = _newsmon("db", "upgrade", env=env, cwd=tmp_path)  # the `migrate` service
    assert upgrade.returncode == 0, upgrade.stderr
    again = _newsmon("db", "upgrade", env=env, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    status = _newsmon("status", "--json", env=env, cwd=tmp_path)
    assert status.returncode == 0, status.stderr
    payload = json.loads(status.stdout)
    rows = payload["sources"]
    assert payload["corpus_files"] == 0
    assert [row["key"] for row in rows] == [s.key for s in BUILTIN_SOURCES]
    assert all(row["last_status"] is None and row["failures_in_row"] == 0 for row in rows)
    text = _newsmon("status", env=env, cwd=tmp_path)
    assert text.returncode == 0, text.stderr
    *_, corpus_line, archive_line = text.stdout.rstrip().splitlines()
    assert corpus_line == "corpus: 0 files (times in KST)"
    assert archive_line.startswith("archive: 0 captures in 0 WARC files, 0 B")


def test_compose_needs_the_status_page_token() -> None:
    result = _compose("config", "-q", token=None)
    assert result.returncode != 0
    assert "NEWSMON_DAEMON_LISTEN_TOKEN" in result.stderr


def test_status_port_is_published_on_loopback_only() -> None:
    result = _compose("config")
    assert result.returncode == 0, result.stderr
    published = re.findall(r"^\s*- (\S+:\d+:\d+\S*)$", result.stdout, re.MULTILINE)
    assert "127.0.0.1:8750:8750/tcp" in published
    assert all(port.startswith("127.0.0.1:") for port in published)
    assert TOKEN in result.stdout and "NEWSMON_DAEMON_LISTEN: 0.0.0.0:8750" in result.stdout


def _healthcheck_code() -> str:
    match = re.search(r'test: \["CMD", "python", "-c", "([^"]+)"\]', COMPOSE.read_text("utf-8"))
    assert match is not None, "the daemon's healthcheck is a python one-liner"
    return match[1]


@pytest.mark.parametrize("running", [True, False], ids=["healthy", "scheduler-stopped"])
def test_healthcheck_one_liner_against_a_live_server(tmp_path: Path, running: bool) -> None:
    config = load_config(write_config(tmp_path, {"a": "http://127.0.0.1:1/rss"}), env={})
    open_database(config.database.url).close()
    database = Database(make_engine(config.database.url, pooled=False))
    scheduler = cast(BaseScheduler, SimpleNamespace(running=running))
    role = Role(shared=False, leading=True, scheduler=scheduler)
    app = StatusApp(config, database, DaemonMetrics(config), role=role, token=TOKEN)
    server = StatusServer(app, Listen("127.0.0.1", 0))
    server.start()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "NEWSMON_DAEMON_LISTEN_TOKEN": TOKEN,
        "NEWSMON_DAEMON_LISTEN": f"0.0.0.0:{server.address.port}",
    }
    try:
        check = subprocess.run(
            [sys.executable, "-c", _healthcheck_code()],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    finally:
        server.stop()
        database.close()
    assert (check.returncode == 0) is running, check.stderr
