"""Checks before a command writes anything: the corpus folder and the database are usable."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from db.engine import sqlite_file

CONNECT_TIMEOUT = 5  # seconds to wait for a PostgreSQL server before calling it unreachable


class EnvironmentProblem(Exception):
    """The corpus folder or the database cannot be used; the message names it and says why."""


def check_corpus_folder(directory: Path) -> None:
    """The corpus folder (or the folder it will be made in) accepts new files."""
    _check_writable_folder(directory, "corpus folder")


def check_database(url: str) -> None:
    """The database URL parses, and its file can be written or its server answers."""
    parsed = parse_database_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = sqlite_file(parsed)
        if path is not None:
            _check_sqlite_file(path)
        return
    _check_server(parsed)


def parse_database_url(url: str) -> URL:
    """The URL as SQLAlchemy reads it, when it names a supported database."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise EnvironmentProblem(
            f"database.url {url!r} is not a URL like sqlite:///newsmon.db or postgresql://host/db"
        ) from exc
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")  # the driver newsmon depends on
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise EnvironmentProblem(
            f"database.url {url!r}: {parsed.get_backend_name()!r} is not supported "
            "(use sqlite:/// or postgresql://)"
        )
    return parsed


def _check_sqlite_file(path: Path) -> None:
    if path.is_dir():
        raise EnvironmentProblem(f"SQLite database {path} is a folder, not a file")
    # SQLite writes its -wal and -shm files beside the database: the folder must take files.
    _check_writable_folder(path.parent, "SQLite database folder")
    if path.exists():
        try:
            handle = os.open(path, os.O_RDWR)
        except OSError as exc:
            raise EnvironmentProblem(
                f"SQLite database {path} is not writable: {_why(exc)}"
            ) from exc
        os.close(handle)


def _check_server(url: URL) -> None:
    shown = url.render_as_string(hide_password=True)
    engine = create_engine(
        url,
        connect_args={"connect_timeout": CONNECT_TIMEOUT},
    )
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        # psycopg's first line says what failed; the lines after it are hints
        reason = str(getattr(exc, "orig", None) or exc).strip().split("\n", 1)[0]
        raise EnvironmentProblem(f"database {shown} is unreachable: {reason}") from exc
    finally:
        engine.dispose()


def _check_writable_folder(directory: Path, what: str) -> None:
    existing = directory
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise EnvironmentProblem(f"{what} {directory}: {existing} is not a folder")
    try:
        # An unnamed file that vanishes on close: proves the folder takes files, leaves nothing.
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as exc:
        raise EnvironmentProblem(f"{what} {directory} is not writable: {_why(exc)}") from exc


def _why(exc: OSError) -> str:
    if exc.errno == errno.EROFS:
        return "read-only file system"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.ENOSPC:
        return "no space left on device"
    return exc.strerror or str(exc)
