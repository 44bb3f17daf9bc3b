"""Staged corpus files: bytes written and fsynced under a temporary name before they get a number.

Staging happens outside the corpus lock, so several writers can wait on their fsyncs at once;
only the rename into place (and the database row) happens under the lock. A live writer holds
an flock on its staged file, so a cleanup removes only what a killed writer left behind.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import tempfile
import time
from contextlib import suppress
from pathlib import Path

STAGING_DIR = ".newsmon-staging"
STALE_AFTER = 60.0  # seconds; a live writer locks its file within microseconds of creating it
TEMP_PREFIX = ".tmp-"


class CorpusWriteError(OSError):
    """A corpus file could not be written; no partial file was left behind."""

    @property
    def reason(self) -> str:
        """A snake_case finish reason for the crawl."""
        return "corpus_disk_full" if self.errno == errno.ENOSPC else "corpus_write_failed"


class Staged:
    """A fully written, fsynced file waiting to be renamed into the corpus."""

    def __init__(self, path: Path, fd: int, data: bytes) -> None:
        self.path = path
        self.data = data
        self.digest = hashlib.sha256(data).hexdigest()
        self._fd: int | None = fd

    def release(self) -> None:
        """Close it; a file that was not renamed into place is removed."""
        self.path.unlink(missing_ok=True)
        if self._fd is not None:
            with suppress(OSError):
                os.close(self._fd)
            self._fd = None


def stage(corpus_dir: Path, data: bytes) -> Staged:
    """Write `data` durably under a temporary name in the corpus folder's staging area."""
    staging = corpus_dir / STAGING_DIR
    staging.mkdir(exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".part", dir=staging)
    path = Path(name)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    except OSError as exc:
        path.unlink(missing_ok=True)
        os.close(fd)
        message = f"could not write {len(data)} bytes into corpus folder: {exc.strerror}"
        raise CorpusWriteError(exc.errno, message, str(corpus_dir)) from exc
    return Staged(path, fd, data)


def stale_staged(corpus_dir: Path, min_age: float = STALE_AFTER) -> list[Path]:
    """Staged files whose writer is gone: nobody holds their lock, and they are not brand new
    (a writer creates its file an instant before it can lock it)."""
    staging = corpus_dir / STAGING_DIR
    if not staging.is_dir():
        return []
    stale = []
    for path in sorted(staging.iterdir()):
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            continue  # renamed into place meanwhile
        if time.time() - os.fstat(fd).st_mtime < min_age:
            os.close(fd)
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue  # a live writer
        finally:
            os.close(fd)
        stale.append(path)
    return stale
