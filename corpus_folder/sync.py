"""Folder files the database does not know (dropped in, or left by a crash between a file's
link and its commit) indexed as rows; the leftovers of killed writers cleared."""

from __future__ import annotations

import hashlib
import logging
import os
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from corpus_folder.listing import FolderNames
from corpus_folder.staging import STAGING_DIR, TEMP_PREFIX, StagingArea
from db import repository as repo

logger = logging.getLogger(__name__)


def index_unknown(directory: Path, session: Session, names: FolderNames) -> int:
    """Add a row for each listed file without one; returns how many were added."""
    indexed = 0
    # A batch at a time: no set of every known name (100 MB at a million files).
    for start in range(0, len(names), repo.CHUNK_SIZE):
        batch = names.pairs(start, start + repo.CHUNK_SIZE)
        known = repo.known_file_names(session, (name for _, name in batch))
        for seq, name in batch:
            if name not in known and _index_file(directory, session, seq, name):
                indexed += 1
    return indexed


def _index_file(directory: Path, session: Session, seq: int, name: str) -> bool:
    path = directory / name
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    twin = repo.article_by_hash(session, digest)
    if twin is not None:
        logger.warning("Not indexing %s: same bytes as %s", name, twin.file_name)
        return False
    if repo.article_by_seq(session, seq) is not None:
        logger.warning("Not indexing %s: sequence number %d is already taken", name, seq)
        return False
    headline = data.decode("utf-8", errors="replace").split("\n", 1)[0]
    fetched_at = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    repo.add_article(
        session, seq=seq, file_name=name, content_hash=digest, url=None,
        canonical_url=None, source=None, headline=headline, published_at=None,
        fetched_at=fetched_at, origin="folder",
    )  # fmt: skip
    return True


def leftovers(directory: Path, staging: StagingArea) -> tuple[list[str], list[Path]]:
    """(temporary files of killed writers, lock files of exited writers): the first are worth
    reporting, the second are the normal trace of a finished run."""
    legacy = [name for name in os.listdir(directory) if name.startswith(TEMP_PREFIX)]
    parts, locks = staging.stale()
    return sorted(legacy) + [f"{STAGING_DIR}/{path.name}" for path in parts], locks


def clear_leftovers(directory: Path, staging: StagingArea) -> None:
    temp_names, locks = leftovers(directory, staging)
    for name in temp_names:
        logger.warning("Removing leftover temporary file %s", name)
        (directory / name).unlink(missing_ok=True)
    for lock in locks:
        lock.unlink(missing_ok=True)
    if temp_names or locks:
        staging.remove_if_empty()
