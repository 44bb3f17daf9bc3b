"""Run the Alembic migrations programmatically, serialised between processes."""

from __future__ import annotations

import fcntl
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text

from db.preflight import EnvironmentProblem
from db.session import Database, make_engine, open_database, sqlite_file

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Any constant works; it only has to be the same in every newsmon process.
ADVISORY_LOCK_KEY = 0x6E65_7773_6D6F_6E


def alembic_config(url: str) -> Config:
    """An Alembic config for the packaged migrations (works from a wheel, no alembic.ini)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["url"] = url
    return config


def head() -> str:
    """The newest revision shipped with this version of newsmon."""
    revision = ScriptDirectory.from_config(alembic_config("")).get_current_head()
    if revision is None:
        raise RuntimeError("no migrations found in " + str(MIGRATIONS_DIR))
    return revision


def current(url: str) -> str | None:
    """The revision the database at `url` is at, or None before the first migration."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def upgrade(url: str, revision: str = "head", *, engine: Engine | None = None) -> None:
    """Migrate the database at `url` to `revision`; safe when several processes start at once."""
    own_engine = engine is None
    engine = engine or make_engine(url)
    try:
        with engine.connect() as connection, _migration_lock(connection):
            config = alembic_config(url)
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            connection.commit()
    finally:
        if own_engine:
            engine.dispose()
    logger.info("Database schema is at %s", revision)


@contextmanager
def _migration_lock(connection: Connection) -> Iterator[None]:
    """Hold a lock that every migrating newsmon process on this database takes."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
        connection.commit()
        try:
            yield
        finally:
            connection.rollback()
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY})
            connection.commit()
        return
    path = sqlite_file(connection.engine.url) if connection.dialect.name == "sqlite" else None
    if path is None:
        yield
        return
    # SQLite DDL is not transactional in Alembic; a sidecar file lock serialises the upgrade.
    with open(f"{path}.migrate-lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class SchemaBehind(EnvironmentProblem):
    """A read-only command met a schema this newsmon cannot read as it is."""


def open_current(url: str) -> Database:
    """Open the database for a read-only command: never migrate existing data, refuse an
    older schema. An empty database is set up (the first use, as README promises)."""
    database = open_database(url, migrate=False)
    try:
        with database.engine.connect() as connection:
            revision = MigrationContext.configure(connection).get_current_revision()
            empty = revision is None and not inspect(connection).get_table_names()
        wanted = head()
        if empty:
            upgrade(url, engine=database.engine)
            revision = wanted
    except BaseException:
        database.close()
        raise
    if revision != wanted:
        database.close()
        at = f"at revision {revision}" if revision else "not under migrations"
        raise SchemaBehind(
            f"database schema is {at}, this newsmon needs {wanted}: run newsmon db upgrade"
        )
    return database
