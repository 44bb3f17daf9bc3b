"""The schema comes from the Alembic migrations, matches the models, and migrates safely."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.exc import StatementError

from db import migrate
from db.base import Base
from db.models import FetchState
from db.session import Database, make_engine, open_database

pytestmark = pytest.mark.database

REPO_ROOT = Path(__file__).parent.parent.parent
TABLES = {
    "articles",
    "seen_urls",
    "crawl_runs",
    "fetch_state",
    "rechecks",
    "revisions",
    "daemon_leader",
    "backfill_jobs",
    "coverage",
    "archive_captures",
    "captures",
    "corpus_renames",
    "ingest_cursors",
    "alembic_version",
}


def test_migrations_create_every_table(database: Database) -> None:
    assert set(inspect(database.engine).get_table_names()) == TABLES


def test_migrated_schema_matches_models(database_url: str) -> None:
    # Through every migration (a new database is otherwise built from the models at once).
    migrate.upgrade(database_url, "0001")
    migrate.upgrade(database_url)
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diffs = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert diffs == []


def _schema(url: str) -> dict[str, object]:
    """Every table's columns, keys, constraints and indexes, with their names, as reflected."""
    engine = make_engine(url)
    try:
        found = inspect(engine)
        return {
            table: (
                [(c["name"], str(c["type"]), c["nullable"], c.get("default"))
                 for c in found.get_columns(table)],
                found.get_pk_constraint(table),
                sorted(found.get_unique_constraints(table), key=str),
                sorted(found.get_indexes(table), key=str),
                sorted(found.get_foreign_keys(table), key=str),
            )
            for table in sorted(found.get_table_names())
        }  # fmt: skip
    finally:
        engine.dispose()


def test_a_new_database_built_at_once_is_the_migrated_schema(database_url: str) -> None:
    open_database(database_url).close()  # new: the models' tables, stamped at head
    assert migrate.current(database_url) == migrate.HEAD
    at_once = _schema(database_url)
    # The migrations can take it down (so later ones can work on it), then build it again.
    from alembic import command

    command.downgrade(migrate.alembic_config(database_url), "base")
    assert set(_schema(database_url)) == {"alembic_version"}
    migrate.upgrade(database_url, "0001")
    migrate.upgrade(database_url)
    assert _schema(database_url) == at_once


def test_database_is_at_head_after_open(database_url: str) -> None:
    assert migrate.current(database_url) is None
    open_database(database_url).close()
    assert migrate.current(database_url) == migrate.head() == "0008"


def test_head_constant_is_the_migration_scripts_head() -> None:
    # A new migration must update migrate.HEAD, or databases would never be upgraded to it.
    assert migrate.script_head() == migrate.HEAD


# Opens a database already at head every way newsmon does, then names the Alembic modules loaded.
AT_HEAD_PROBE = """
import sys
from db import migrate
from db.session import open_database
url = sys.argv[1]
open_database(url).close()
migrate.open_current(url).close()
migrate.upgrade(url)
print(migrate.current(url), sorted(m for m in sys.modules if m.partition(".")[0] == "alembic"))
"""


def test_a_database_at_head_is_opened_without_importing_alembic(database_url: str) -> None:
    open_database(database_url).close()
    result = subprocess.run(
        [sys.executable, "-c", AT_HEAD_PROBE, database_url],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [migrate.HEAD, "[]"]


def test_second_open_is_a_no_op(database_url: str) -> None:
    open_database(database_url).close()
    database = open_database(database_url)
    try:
        assert migrate.current(database_url) == migrate.HEAD
        assert "articles" in inspect(database.engine).get_table_names()
    finally:
        database.close()


def test_alembic_command_line_reads_url_from_environment(database_url: str) -> None:
    env = {**os.environ, "NEWSMON_DATABASE_URL": database_url}
    result = subprocess.run(
        [sys.executable, "-m", "alembic", "-c", "alembic.ini", "upgrade", "head"],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert migrate.current(database_url) == migrate.HEAD


def _open_and_close(url: str, barrier: multiprocessing.synchronize.Barrier) -> None:
    barrier.wait()
    open_database(url).close()


def test_concurrent_first_use_migrations_succeed(database_url: str) -> None:
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(3)
    workers = [context.Process(target=_open_and_close, args=(database_url, barrier)) for _ in "ab"]
    for worker in workers:
        worker.start()
    barrier.wait()
    for worker in workers:
        worker.join(timeout=120)
    assert [worker.exitcode for worker in workers] == [0, 0]
    assert migrate.current(database_url) == migrate.HEAD


@pytest.mark.parametrize(
    "stamp",
    [
        datetime(2025, 6, 3, 8, 42, tzinfo=UTC),
        datetime(2025, 6, 3, 17, 42, tzinfo=timezone(timedelta(hours=9))),
    ],
    ids=["utc", "kst"],
)
def test_timestamps_come_back_aware_utc(database: Database, stamp: datetime) -> None:
    with database.session() as session:
        session.add(FetchState(url="https://example.kr/rss", etag=None, checked_at=stamp))
    with database.session() as session:
        stored = session.get(FetchState, "https://example.kr/rss")
        assert stored is not None
        assert stored.checked_at == stamp
        assert stored.checked_at.tzinfo is not None
        assert stored.checked_at.utcoffset() == timedelta(0)


def test_naive_timestamp_is_rejected(database: Database) -> None:
    with pytest.raises(StatementError, match="naive datetime"), database.session() as session:
        session.add(FetchState(url="https://example.kr/rss", checked_at=datetime(2025, 6, 3)))
        session.flush()


def test_make_engine_creates_the_sqlite_folder(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "er" / "newsmon.db"
    engine = make_engine(f"sqlite:///{target}")
    try:
        with engine.connect() as connection:
            journal = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
            foreign_keys = connection.exec_driver_sql("PRAGMA foreign_keys").scalar()
    finally:
        engine.dispose()
    assert target.exists()
    assert (journal, foreign_keys) == ("wal", 1)
