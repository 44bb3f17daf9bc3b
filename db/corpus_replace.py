"""Replace the text of corpus file number N, keeping the number and the first version's bytes.

The new bytes get the name their hash gives (`NNN_<h>.txt`, same NNN), so `corpus verify`
stays clean. The replaced file is moved, not deleted, to `<corpus>.newsmon/replaced/`, and its
name is returned for the caller to record. Everything happens under the corpus folder's lock,
in this order: stage (fsync) -> link the new name -> move the old file out -> fsync both
folders -> update the row and commit. Each step can be repeated: a crash anywhere leaves at
worst a file the next call for the same text finishes placing (or `corpus verify` reports).
"""

from __future__ import annotations

import errno
import os
import shutil
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from db import repository as repo
from db.corpus import CorpusStore, corpus_name
from db.staging import Staged

REPLACED_DIR = "replaced"


class ReplaceError(ValueError):
    """The text cannot replace the file: no such number, or another article has these bytes."""


@dataclass(frozen=True)
class Replaced:
    """What `replace_text` did: the number kept, the file name before and after."""

    seq: int
    old_name: str
    new_name: str


def replace_text(store: CorpusStore, seq: int, text: str) -> Replaced | None:
    """Make `text` the corpus text of article `seq`; None when it already is."""
    headline = text.split("\n", 1)[0]
    staged = store.stage(text)
    try:
        with store.exclusive(), store.database.session() as session:
            article = repo.article_by_seq(session, seq)
            if article is None:
                raise ReplaceError(f"no corpus article number {seq}")
            if article.content_hash == staged.digest:
                return None
            twin = repo.article_by_hash(session, staged.digest)
            if twin is not None:
                raise ReplaceError(f"article {seq}: {twin.file_name} already has these bytes")
            old_name, new_name = article.file_name, corpus_name(seq, staged.digest)
            _place(store, staged, new_name)
            _move_out(store, old_name)
            article.file_name, article.content_hash = new_name, staged.digest
            article.headline = headline
            session.commit()
            # The folder changed under the lock: the next append rescans it (names are rows now).
            store._synced_mtime_ns = None
            return Replaced(seq, old_name, new_name)
    finally:
        staged.release()


def _place(store: CorpusStore, staged: Staged, name: str) -> None:
    handle = os.open(store.directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        # An earlier call placed it and died before its commit: same name, same bytes.
        with suppress(FileExistsError):
            staged.place(handle, name)
        os.fsync(handle)
    finally:
        os.close(handle)


def _move_out(store: CorpusStore, name: str) -> None:
    """Move the replaced file to the state folder (kept: nothing in the corpus is deleted)."""
    source = store.directory / name
    if not source.exists():
        return  # moved by an earlier call that died before its commit
    target_dir = store.state_dir / REPLACED_DIR
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / name
    try:
        os.rename(source, target)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        shutil.copy2(source, target)  # another filesystem: copy, sync, then remove
        _fsync_file(target)
        source.unlink()
    for folder in (target_dir, store.directory):
        _fsync_dir(folder)


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    handle = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
