"""Engines, session factories and the Database handle; nothing is created at import time."""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

logger = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 30_000
WAL_SWITCH_ATTEMPTS = 100


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        _enable_wal(cursor)
        # In WAL mode NORMAL never corrupts the database; a power cut may lose the last commits,
        # which `sync` recovers from the (fsynced) corpus files.
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def _enable_wal(cursor: Any) -> None:
    """Switch to WAL (lets the crawler write while others read); persistent once set."""
    if cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
        return
    # Two processes switching a new file at once get SQLITE_BUSY without the busy handler.
    for attempt in range(WAL_SWITCH_ATTEMPTS):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == WAL_SWITCH_ATTEMPTS - 1:
                raise
            time.sleep(0.05)


def sqlite_file(url: URL) -> Path | None:
    """The database file of a SQLite URL, or None for an in-memory database."""
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def _normalise_url(url: str) -> URL:
    parsed = make_url(url)
    # Pin the drivers the project depends on, whatever SQLAlchemy's default is.
    if parsed.drivername == "sqlite":
        return parsed.set(drivername="sqlite+pysqlite")
    if parsed.drivername in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_engine(url: str, *, pooled: bool = True) -> Engine:
    """An engine for a SQLite or PostgreSQL URL with the pragmas and pool settings newsmon needs.

    `pooled=False` closes each connection when its session ends (nothing held between uses).
    """
    parsed = _normalise_url(url)
    backend = parsed.get_backend_name()
    pool: dict[str, Any] = {} if pooled else {"poolclass": NullPool}
    if backend == "sqlite":
        path = sqlite_file(parsed)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, **pool)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if backend == "postgresql":
        return create_engine(parsed, pool_pre_ping=True, **pool)
    return create_engine(parsed, **pool)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose objects stay readable after commit (they are handed to callers)."""
    return sessionmaker(engine, expire_on_commit=False)


class Database:
    """An engine with its session factory; `session()` is one unit of work."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = make_session_factory(engine)

    @property
    def dialect(self) -> str:
        """'sqlite' or 'postgresql'."""
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session committed when the block succeeds and rolled back when it raises."""
        with self.sessions() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def ping(self) -> None:
        """One round trip to the server (a health check); raises when it does not answer."""
        with self.session() as session:
            session.execute(text("SELECT 1"))

    def close(self) -> None:
        """Release pooled connections."""
        self.engine.dispose()
