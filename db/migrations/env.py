"""Alembic environment: migrate the database whose URL the caller gives (never alembic.ini)."""

from __future__ import annotations

import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection

import db.models  # noqa: F401  (registers the tables on Base.metadata)
from db.base import Base
from db.session import make_engine

config = context.config
target_metadata = Base.metadata

# Only the alembic command line configures logging; programmatic callers own theirs.
if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def database_url() -> str:
    """The URL from the caller, `-x url=...`, or NEWSMON_DATABASE_URL, in that order."""
    url = config.attributes.get("url") or context.get_x_argument(as_dictionary=True).get("url")
    url = url or os.environ.get("NEWSMON_DATABASE_URL")
    if not url:
        raise RuntimeError("no database URL: pass -x url=... or set NEWSMON_DATABASE_URL")
    return str(url)


def run_on(connection: Connection) -> None:
    """Run the pending migrations on one connection."""
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    """Emit the SQL instead of running it (`alembic upgrade head --sql`)."""
    context.configure(
        url=database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run on the caller's connection when it passes one, else on a fresh engine."""
    connection = config.attributes.get("connection")
    if connection is not None:
        run_on(connection)
        return
    engine = make_engine(database_url())
    try:
        with engine.connect() as fresh:
            run_on(fresh)
            fresh.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
