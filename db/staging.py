"""Staged corpus files: bytes written and fsynced under a temporary name before they get a number.

Staging happens outside the corpus lock, so several writers can wait on their fsyncs at once;
only the rename into place (and the database row) happens under the lock. Each writer (one
`StagingArea` per corpus store) holds an flock on its own `<owner>.lock` for its whole life and
names its files after it, so a cleanup removes exactly the files of writers that are gone.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import tempfile
import uuid
from contextlib import suppress
from pathlib import Path

STAGING_DIR = ".newsmon-staging"
TEMP_PREFIX = ".tmp-"
_LOCK_SUFFIX = ".lock"


class CorpusWriteError(OSError):
    """A corpus file could not be written; no partial file was left behind."""

    @property
    def reason(self) -> str:
        """A snake_case finish reason for the crawl."""
        return "corpus_disk_full" if self.errno == errno.ENOSPC else "corpus_write_failed"


class Staged:
    """A fully written, fsynced file waiting to be renamed into the corpus."""

    def __init__(self, path: Path, data: bytes) -> None:
        self.path = path
        self.digest = hashlib.sha256(data).hexdigest()

    def release(self) -> None:
        """A file that was not renamed into place is removed."""
        self.path.unlink(missing_ok=True)


class StagingArea:
    """One writer's part of the staging folder, alive while its lock is held."""

    def __init__(self, corpus_dir: Path) -> None:
        self.directory = corpus_dir / STAGING_DIR
        self.directory.mkdir(exist_ok=True)
        self.owner = uuid.uuid4().hex[:12]
        # Locked before it gets its name: no one can ever see it unlocked while we live.
        fd, name = tempfile.mkstemp(prefix="lock-", dir=self.directory)
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.rename(name, self.directory / f"{self.owner}{_LOCK_SUFFIX}")
        self._lock_fd = fd

    def stage(self, data: bytes) -> Staged:
        """Write `data` durably under a temporary name of this writer."""
        fd, name = tempfile.mkstemp(
            prefix=f"{TEMP_PREFIX}{self.owner}-", suffix=".part", dir=self.directory
        )
        path = Path(name)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        except OSError as exc:
            path.unlink(missing_ok=True)
            message = f"could not write {len(data)} bytes into corpus folder: {exc.strerror}"
            raise CorpusWriteError(exc.errno, message, str(self.directory.parent)) from exc
        finally:
            with suppress(OSError):
                os.close(fd)
        return Staged(path, data)

    def stale(self) -> tuple[list[Path], list[Path]]:
        """(staged files, lock files) of writers that are gone.

        A lock file of an exited writer is ordinary, not a problem; a staged file of one is a
        killed writer's leftover.
        """
        alive: dict[str, bool] = {self.owner: True}
        parts: list[Path] = []
        locks: list[Path] = []
        for path in sorted(self.directory.iterdir()):
            owner = _owner(path.name)
            if owner is None:
                continue  # a lock file being born (`lock-…`), or not ours
            if owner not in alive:
                alive[owner] = _held(self.directory / f"{owner}{_LOCK_SUFFIX}")
            if not alive[owner]:
                (locks if path.name.endswith(_LOCK_SUFFIX) else parts).append(path)
        return parts, locks


def _owner(name: str) -> str | None:
    if name.endswith(_LOCK_SUFFIX):
        return name[: -len(_LOCK_SUFFIX)]
    if name.startswith(TEMP_PREFIX):
        # `.tmp-<owner>-….part`; a part without an owner in its name has no live writer
        return name[len(TEMP_PREFIX) :].split("-", 1)[0] if "-" in name[len(TEMP_PREFIX) :] else ""
    return None


def _held(lock: Path) -> bool:
    """True while some live writer holds this lock file."""
    try:
        fd = os.open(lock, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False
