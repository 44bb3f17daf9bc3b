"""Filesystem steps of the corpus folder: its state folder, its stamp, its lock, fsyncs and
whole-or-nothing writes.

`<corpus>.newsmon/folder.json` is what the last sync or append knew of the corpus folder. While
the folder's mtime and the database's newest row are what the stamp says, every file of the
folder has its row and the highest number and the file count are known: no process needs to
list the folder. A cache, written without fsync: lost or stale, it only costs the next process
one full listing.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
from pathlib import Path
from typing import NamedTuple

from corpus_folder.staging import CorpusFolderError

logger = logging.getLogger(__name__)

STATE_SUFFIX = ".newsmon"
FOLDER_STAMP = "folder.json"


class FolderStamp(NamedTuple):
    """The folder as the last sync or append left it."""

    mtime_ns: int
    newest: list[object] | None  # [id, file name] of the newest row then
    max_seq: int
    files: int


def state_dir_of(directory: Path) -> Path:
    """The state folder beside a corpus folder (`<corpus>.newsmon/`)."""
    resolved = directory.resolve()
    return resolved.with_name(resolved.name + STATE_SUFFIX)


def read_stamp(directory: Path) -> FolderStamp | None:
    """The stamp of this corpus folder, None when missing or unreadable."""
    try:
        stamp = json.loads((state_dir_of(directory) / FOLDER_STAMP).read_text(encoding="utf-8"))
        return FolderStamp(
            int(stamp["mtime_ns"]), stamp["last"], int(stamp["max_seq"]), int(stamp["files"])
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_stamp(directory: Path, stamp: FolderStamp) -> None:
    state = state_dir_of(directory)
    record = {"mtime_ns": stamp.mtime_ns, "last": stamp.newest, "max_seq": stamp.max_seq,
              "files": stamp.files}  # fmt: skip
    temporary = state / f"{FOLDER_STAMP}.{os.getpid()}.tmp"
    try:
        state.mkdir(exist_ok=True)
        temporary.write_text(json.dumps(record), encoding="utf-8")
        os.replace(temporary, state / FOLDER_STAMP)
    except OSError as exc:  # a read-only place: every start syncs in full, as before
        logger.debug("Could not write %s: %s", FOLDER_STAMP, exc)


def counted_files(directory: Path) -> int | None:
    """How many corpus files the folder holds, from the stamp while the folder has not
    changed since (no listing); None when it has (count them)."""
    stamp = read_stamp(directory)
    if stamp is None or stamp.mtime_ns != os.stat(directory).st_mtime_ns:
        return None
    return stamp.files


def fsync_folder(directory: Path) -> None:
    """Make the folder's entries (a link, an unlink) durable."""
    handle = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def write_whole(target: Path, data: bytes) -> None:
    """Write `target` whole or not at all: fsynced under a temporary name, renamed, the folder
    fsynced (for what newsmon keeps in the state folder)."""
    temporary = target.with_name(f".{target.name}.tmp")
    with open(temporary, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, target)
    fsync_folder(target.parent)


def lock_folder(fd: int, directory: Path) -> None:
    """An exclusive flock on the folder itself; a share that cannot lock is refused clearly."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
    except OSError as exc:
        raise CorpusFolderError(
            exc.errno,
            f"cannot lock corpus folder {directory} ({exc.strerror}): use a local folder, "
            "not a network share",
        ) from exc
