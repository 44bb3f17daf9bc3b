"""Staged corpus files: bytes written and fsynced before they get a number, without a name.

Staging happens outside the corpus lock, so several writers can wait on their fsyncs at once;
only the link into place (and the database row) happens under the lock. A staged file is an
unnamed file of the corpus folder's filesystem (O_TMPFILE): it never appears in the folder, and
a killed writer's staged files vanish with its process, so nothing is ever left to clean.

Where O_TMPFILE is missing (some filesystems), each writer stages under a hidden folder instead,
holding an flock on its own `<owner>.lock` for its whole life and naming its files after it, so
a cleanup removes exactly the files of writers that are gone, and the last writer to close
removes the folder.
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
# Errors that mean "this filesystem has no O_TMPFILE", not "this folder is unusable".
_NO_TMPFILE = frozenset({errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOENT})
_READ_ONLY = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})


class CorpusWriteError(OSError):
    """A corpus file could not be written; no partial file was left behind."""

    @property
    def reason(self) -> str:
        """A snake_case finish reason for the crawl."""
        return "corpus_disk_full" if self.errno == errno.ENOSPC else "corpus_write_failed"


class CorpusFolderError(OSError):
    """The corpus folder cannot be used at all (read-only, not lockable); says which and why."""

    def __str__(self) -> str:
        return str(self.strerror)  # one line naming the folder and the reason, no errno prefix


class Staged:
    """A fully written, fsynced file waiting to be linked (or renamed) into the corpus."""

    def __init__(self, data: bytes, *, fd: int | None = None, path: Path | None = None) -> None:
        self.digest = hashlib.sha256(data).hexdigest()
        self._fd = fd
        self._path = path

    @property
    def path(self) -> Path | None:
        """The staged file's temporary name; None for an unnamed one."""
        return self._path

    def place(self, directory_fd: int, name: str) -> None:
        """Give the file its corpus name; FileExistsError if the name is taken (never replaced)."""
        if self._fd is not None:
            # linkat(AT_SYMLINK_FOLLOW) of the unnamed file: the name appears with all its bytes.
            os.link(f"/proc/self/fd/{self._fd}", name, dst_dir_fd=directory_fd)
            return
        assert self._path is not None
        with suppress(FileNotFoundError):  # callers hold the corpus lock: no race here
            os.stat(name, dir_fd=directory_fd, follow_symlinks=False)
            raise FileExistsError(errno.EEXIST, "corpus file exists", name)
        os.rename(self._path, name, dst_dir_fd=directory_fd)
        self._path = None

    def release(self) -> None:
        """Close the unnamed file (the kernel frees it) or remove a named one never placed."""
        if self._fd is not None:
            with suppress(OSError):
                os.close(self._fd)
            self._fd = None
        if self._path is not None:
            self._path.unlink(missing_ok=True)
            self._path = None


class StagingArea:
    """Where one writer stages: unnamed files of the corpus folder, or its hidden folder."""

    def __init__(self, corpus_dir: Path) -> None:
        self.corpus_dir = corpus_dir
        self.directory = corpus_dir / STAGING_DIR
        self.owner = uuid.uuid4().hex[:12]
        self._lock_fd: int | None = None
        self._tmpfile: bool | None = None  # probed on first use: readers never need it

    @property
    def joined(self) -> bool:
        """True once this writer staged under the hidden folder (and must leave it on close)."""
        return self._lock_fd is not None

    @property
    def tmpfile(self) -> bool:
        """True when files are staged unnamed; raises CorpusFolderError for a read-only folder."""
        if self._tmpfile is None:
            self._tmpfile = _probe_tmpfile(self.corpus_dir)
        return self._tmpfile

    def stage(self, data: bytes) -> Staged:
        """Write `data` durably where no reader of the folder sees it."""
        try:
            if self.tmpfile:
                fd = os.open(self.corpus_dir, os.O_TMPFILE | os.O_WRONLY, 0o666)
            else:
                self._join()
                prefix = f"{TEMP_PREFIX}{self.owner}-"
                fd, name = tempfile.mkstemp(prefix=prefix, suffix=".part", dir=self.directory)
        except OSError as exc:
            message = f"could not stage a corpus file: {exc.strerror}"
            raise CorpusWriteError(exc.errno, message, str(self.corpus_dir)) from exc
        if self.tmpfile:
            _write_all(fd, data, self)
            return Staged(data, fd=fd)
        try:
            _write_all(fd, data, self)
        except CorpusWriteError:
            Path(name).unlink(missing_ok=True)
            raise
        finally:
            with suppress(OSError):
                os.close(fd)
        return Staged(data, path=Path(name))

    def stale(self) -> tuple[list[Path], list[Path]]:
        """(staged files, lock files) of writers that are gone, in the hidden staging folder.

        A lock file of an exited writer is ordinary, not a problem; a staged file of one is a
        killed writer's leftover.
        """
        if not self.directory.is_dir():
            return [], []
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

    def remove_if_empty(self) -> None:
        """Remove the hidden staging folder once no writer uses it: it is not part of the corpus."""
        with suppress(FileNotFoundError, OSError):
            self.directory.rmdir()  # ENOTEMPTY while another writer lives: it removes it later

    def close(self) -> None:
        """Leave nothing behind: this writer's lock file, then the folder if it is empty."""
        if self._lock_fd is None:
            return
        (self.directory / f"{self.owner}{_LOCK_SUFFIX}").unlink(missing_ok=True)
        with suppress(OSError):
            os.close(self._lock_fd)
        self._lock_fd = None
        self.remove_if_empty()

    def _join(self) -> None:
        """Create the hidden folder and this writer's lock file on first use."""
        if self._lock_fd is not None:
            return
        for attempt in range(3):
            self.directory.mkdir(exist_ok=True)
            try:
                # Locked before it gets its name: no one can ever see it unlocked while we live.
                fd, name = tempfile.mkstemp(prefix="lock-", dir=self.directory)
                break
            except FileNotFoundError:
                if attempt == 2:  # another writer's cleanup removed the empty folder meanwhile
                    raise
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.rename(name, self.directory / f"{self.owner}{_LOCK_SUFFIX}")
        self._lock_fd = fd


def _probe_tmpfile(corpus_dir: Path) -> bool:
    """True when the folder's filesystem makes unnamed files; a read-only folder is refused."""
    try:
        fd = os.open(corpus_dir, os.O_TMPFILE | os.O_WRONLY, 0o666)
    except OSError as exc:
        if exc.errno in _READ_ONLY:
            raise CorpusFolderError(
                exc.errno, f"corpus folder {corpus_dir} is not writable ({exc.strerror})"
            ) from exc
        if exc.errno in _NO_TMPFILE:
            return False
        raise
    os.close(fd)
    # /proc is needed to give the file a name; without it, named staging it is.
    return os.path.isdir("/proc/self/fd")


def _write_all(fd: int, data: bytes, area: StagingArea) -> None:
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    except OSError as exc:
        with suppress(OSError):
            os.close(fd)
        message = f"could not write {len(data)} bytes into corpus folder: {exc.strerror}"
        raise CorpusWriteError(exc.errno, message, str(area.corpus_dir)) from exc


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
