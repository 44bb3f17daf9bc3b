"""Configuration and environment faults: one line naming the problem, exit 2, nothing written."""

from __future__ import annotations

import socket
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

import pytest

from tests.fixture_server import FixtureSite, serve
from tests.integration import harness
from tests.integration.harness import corpus_files, run_newsmon
from tests.integration.invariants import assert_corpus_invariants, one_line_error
from tests.integration.mounts import read_only

pytestmark = pytest.mark.integration
SOURCE = '[[sources]]\nkey = "fixture"\nfeeds = ["{feed}"]\n'


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _sqlite(workdir: Path) -> str:
    return f"sqlite:///{workdir / 'state' / 'newsmon.db'}"


def _make_state(workdir: Path) -> Path:
    """A database file that already exists (created by an earlier crawl)."""
    (workdir / "state").mkdir()
    (workdir / "state" / "newsmon.db").write_bytes(b"")
    return workdir / "state" / "newsmon.db"


def _state(workdir: Path) -> list[tuple[str, int]]:
    state = workdir / "state"
    return sorted((p.name, p.stat().st_size) for p in state.iterdir()) if state.exists() else []


# name -> (database URL, context that breaks something, words the error line must hold)
Case = tuple[
    Callable[[Path], str], Callable[[Path], AbstractContextManager[object]], tuple[str, ...]
]
CASES: dict[str, Case] = {
    "read-only corpus folder": (
        _sqlite,
        lambda w: read_only(w / "corpus"),
        ("corpus folder", "read-only file system"),
    ),
    "read-only sqlite folder": (
        _sqlite,
        lambda w: read_only(_make_state(w).parent),
        ("SQLite database folder", "read-only file system"),
    ),
    "read-only sqlite file": (
        _sqlite,
        lambda w: read_only(_make_state(w)),
        ("SQLite database", "newsmon.db is not writable", "read-only file system"),
    ),
    "postgresql nothing listening": (
        lambda w: f"postgresql://newsmon:hunter2@127.0.0.1:{_closed_port()}/newsmon",
        lambda w: nullcontext(),
        ("unreachable", "Connection refused"),
    ),
    "url nonsense": (
        lambda w: "nonsense",
        lambda w: nullcontext(),
        ("database.url 'nonsense' is not a URL",),
    ),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_environment_fault_is_one_line_and_writes_nothing(workdir: Path, case: str) -> None:
    url_for, breaking, words = CASES[case]
    with serve(FixtureSite()) as site:
        config = harness.write_config(
            workdir, url_for(workdir), SOURCE.format(feed=site.url("/rss"))
        )
        before = corpus_files(workdir)
        with breaking(workdir):
            state_before = _state(workdir)
            result = run_newsmon("crawl", "--config", str(config), cwd=workdir)
        line = one_line_error(result)
        assert site.requested() == [], "something was fetched"
    for word in words:
        assert word in line, line
    assert "hunter2" not in result.stderr
    assert corpus_files(workdir) == before
    assert _state(workdir) == state_before, "the database was created or changed"
    assert sorted(p.name for p in (workdir / "corpus").iterdir()) == before  # no lock, no staging


def test_config_not_utf8_is_one_line(workdir: Path) -> None:
    config = workdir / "newsmon.toml"
    # an EUC-KR comment, as a Korean Windows editor saves it
    config.write_bytes("# 설정\n[crawl]\nretries = 0\n".encode("euc-kr"))
    line = one_line_error(run_newsmon("crawl", "--config", str(config), cwd=workdir))
    assert str(config) in line and "not UTF-8" in line
    assert not (workdir / "newsmon.db").exists()


def test_config_naming_a_folder_is_one_line(workdir: Path) -> None:
    line = one_line_error(run_newsmon("crawl", "--config", str(workdir), cwd=workdir))
    assert str(workdir) in line and "is a folder" in line
    assert not (workdir / "newsmon.db").exists()


@pytest.mark.parametrize(
    ("setting", "words"),
    [
        (
            "[crawl]\nconcurrent_per_domain = 0\n",
            "'crawl.concurrent_per_domain': must be at least 1",
        ),
        ("sources = []\n", "no enabled source"),
    ],
    ids=["zero-concurrency", "no-sources"],
)
def test_bad_setting_exits_2_before_anything_is_made(
    tmp_path: Path, setting: str, words: str
) -> None:
    config = tmp_path / "newsmon.toml"
    config.write_text(
        f'{setting}[corpus]\ndir = "{tmp_path / "corpus"}"\n'
        f'[database]\nurl = "sqlite:///{tmp_path / "newsmon.db"}"\n',
        encoding="utf-8",
    )
    line = one_line_error(run_newsmon("crawl", "--config", str(config), cwd=tmp_path))
    assert words in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["newsmon.toml"]


def test_after_the_fault_is_gone_the_crawl_works_and_the_corpus_is_intact(
    workdir: Path, database_url: str
) -> None:
    with serve(FixtureSite()) as site:
        site.add("/rss", b"<rss><channel></channel></rss>", content_type="application/rss+xml")
        config = harness.write_config(workdir, database_url, SOURCE.format(feed=site.url("/rss")))
        with read_only(workdir / "corpus"):
            one_line_error(run_newsmon("crawl", "--config", str(config), cwd=workdir))
        result = run_newsmon("crawl", "--config", str(config), cwd=workdir)
        assert result.returncode == 0, result.stderr
    assert len(assert_corpus_invariants(workdir, config)) == 5


def test_daemon_with_a_bad_database_url_is_one_line(workdir: Path) -> None:
    config = harness.write_config(workdir, "nonsense", SOURCE.format(feed="http://127.0.0.1:9/"))
    line = one_line_error(run_newsmon("daemon", "--config", str(config), cwd=workdir))
    assert "database.url 'nonsense'" in line
    assert not list(workdir.glob("*.pid"))
