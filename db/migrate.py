"""Bring the schema to head between processes: new databases at once, others by migrating."""

from __future__ import annotations

import fcntl
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    inspect,
    text,
)

from db.base import Base
from db.engine import Database, make_engine, sqlite_file
from db.preflight import EnvironmentProblem

if TYPE_CHECKING:
    from alembic.config import Config

logger = logging.getLogger(__name__)

# The newest revision in migrations/versions, kept here so that finding a database already at
# head reads one row and never imports Alembic (~0.1 s per process); a test holds it to the
# scripts' head, so a new migration must update it.
HEAD = "0008"
VERSION_TABLE = "alembic_version"  # Alembic's default: env.py names no other
MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Any constant works; it only has to be the same in every newsmon process.
ADVISORY_LOCK_KEY = 0x6E65_7773_6D6F_6E


def alembic_config(url: str) -> Config:
    """An Alembic config for the packaged migrations (works from a wheel, no alembic.ini)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["url"] = url
    return config


def head() -> str:
    """The newest revision shipped with this version of newsmon."""
    return HEAD


def script_head() -> str:
    """The head of the migration scripts as Alembic reads them (what HEAD must equal)."""
    from alembic.script import ScriptDirectory

    revision = ScriptDirectory.from_config(alembic_config("")).get_current_head()
    if revision is None:
        raise RuntimeError("no migrations found in " + str(MIGRATIONS_DIR))
    return revision


def revision_of(connection: Connection) -> str | None:
    """The revision recorded in the database, or None before the first migration (what
    Alembic's MigrationContext.get_current_revision answers, without importing Alembic)."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    rows = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    if len(rows) > 1:
        raise RuntimeError(f"version table {VERSION_TABLE} has more than one head: {rows}")
    return str(rows[0]) if rows else None


def current(url: str) -> str | None:
    """The revision the database at `url` is at, or None before the first migration."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return revision_of(connection)
    finally:
        engine.dispose()


def upgrade(url: str, revision: str = "head", *, engine: Engine | None = None) -> None:
    """Migrate the database at `url` to `revision`; safe when several processes start at once."""
    own_engine = engine is None
    engine = engine or make_engine(url)
    try:
        if not _already_at(engine, revision):
            _run_upgrade(engine, url, revision)
    finally:
        if own_engine:
            engine.dispose()
    logger.info("Database schema is at %s", revision)


def _already_at(engine: Engine, revision: str) -> bool:
    """Whether the database is at head and `revision` asks for head: nothing to lock or run."""
    if not _asks_for_head(revision):
        return False
    with engine.connect() as connection:
        return revision_of(connection) == HEAD


def _asks_for_head(revision: str) -> bool:
    return revision in ("head", HEAD)


def _run_upgrade(engine: Engine, url: str, revision: str) -> None:
    with engine.connect() as connection, _migration_lock(connection):
        # Checked under the lock: another process may have built the schema meanwhile.
        if _asks_for_head(revision) and _is_empty(connection):
            _create_at_head(connection)
        else:
            from alembic import command

            config = alembic_config(url)
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
        connection.commit()


def _is_empty(connection: Connection) -> bool:
    """No newsmon table and no version table: a new database, nothing to migrate."""
    import db.models  # noqa: F401  (registers the tables on Base.metadata)

    present = set(inspect(connection).get_table_names())
    return not present & {*Base.metadata.tables, VERSION_TABLE}


def _create_at_head(connection: Connection) -> None:
    """Build a new database as Alembic's cookbook does: the models' tables at once, stamped
    at head (~6 ms, where replaying every migration and importing Alembic took ~180 ms).
    tests/database/test_schema_migrations.py holds both ways to the same schema."""
    Base.metadata.create_all(connection)
    version = Table(
        VERSION_TABLE,
        MetaData(),
        Column("version_num", String(32), nullable=False),
        PrimaryKeyConstraint("version_num", name=f"{VERSION_TABLE}_pkc"),  # Alembic's own name
    )
    version.create(connection)
    connection.execute(version.insert().values(version_num=HEAD))


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
    database = Database(make_engine(url))
    try:
        with database.engine.connect() as connection:
            revision = revision_of(connection)
            empty = revision is None and not inspect(connection).get_table_names()
        wanted = HEAD
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
