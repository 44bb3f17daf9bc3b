"""Corpus folders written by earlier versions: their lock, staging and index entries moved out."""

from __future__ import annotations

import errno
import logging
import os
import shutil
from pathlib import Path

from corpus_folder.staging import STAGING_DIR, StagingArea

logger = logging.getLogger(__name__)

# What earlier versions kept inside the corpus folder; moved or removed on first use.
LEGACY_LOCK = ".newsmon.lock"
LEGACY_INDEX = ".newsmon-index"
LEGACY_ENTRIES = (LEGACY_LOCK, STAGING_DIR, LEGACY_INDEX)
NEAR_INDEX = "near-index"  # the near-duplicate index's folder inside the state folder
_READ_ONLY = (errno.EROFS, errno.EACCES, errno.EPERM)


def upgrade_legacy(directory: Path, index_target: Path, staging: StagingArea) -> None:
    """Move an earlier version's index to `index_target` and drop its lock and (empty) staging
    folder. Called under the corpus lock; corpus files and rows are untouched, nothing is
    re-added or renumbered. A staging folder with leftovers goes at the sync that cleans them."""
    legacy = [name for name in LEGACY_ENTRIES if os.path.lexists(directory / name)]
    if not legacy:
        return
    try:
        _move_index(directory / LEGACY_INDEX, index_target)
        (directory / LEGACY_LOCK).unlink(missing_ok=True)
        staging.remove_if_empty()
    except OSError as exc:
        if exc.errno not in _READ_ONLY:
            raise
        logger.info("Corpus folder %s is read-only: earlier entries %s stay", directory,
                    ", ".join(legacy))  # fmt: skip
        return
    logger.info("Upgraded corpus folder %s: moved or removed %s", directory, ", ".join(legacy))


def _move_index(old: Path, target: Path) -> None:
    if not old.is_dir():
        return
    if target.exists():
        shutil.rmtree(old)
        return
    target.parent.mkdir(exist_ok=True)
    try:
        os.rename(old, target)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        shutil.rmtree(old)  # another filesystem: the index is rebuilt from the corpus files
