"""Opening a database: the engine handle with its schema brought to head first.

The engine layer is db.engine (which db.migrate and db.preflight build on); the names are
re-exported here, where the rest of newsmon imports them from.
"""

from __future__ import annotations

import logging

from db import migrate as migrations
from db.engine import (
    SQLITE_BUSY_TIMEOUT_MS,
    Database,
    make_engine,
    make_session_factory,
    sqlite_file,
)

__all__ = [
    "SQLITE_BUSY_TIMEOUT_MS",
    "Database",
    "make_engine",
    "make_session_factory",
    "open_database",
    "sqlite_file",
]

logger = logging.getLogger(__name__)


def open_database(url: str, *, migrate: bool = True) -> Database:
    """Open the database at `url`, bringing its schema to the latest migration first."""
    database = Database(make_engine(url))
    if migrate:
        migrations.upgrade(url, engine=database.engine)
    logger.debug("Opened %s database", database.dialect)
    return database
