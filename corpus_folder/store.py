"""The corpus folder: append articles as NNN_<h>.txt files, index stray files, verify both sides.

Invariant: a corpus file is linked into place *before* its row is committed, so a crash or a
failed commit can leave a file without a row (the next `sync` indexes it, nothing is lost) but
never a row without a file (only a user deleting files makes one; `verify --repair` flags it
`missing`, and the row keeps its seq so the number is never reused). Every change to the folder
happens under an exclusive flock on the folder itself, shared by every newsmon process.

The folder holds only corpus files: staging leaves no names in it, and what newsmon keeps about
the corpus (the near-duplicate index) lives in a state folder beside it, `<corpus>.newsmon/`.
Folders written by earlier versions are upgraded in place on first use (corpus/legacy.py).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from sqlalchemy.orm import Session

from corpus_folder.fs import (
    FolderStamp,
    fsync_folder,
    lock_folder,
    read_stamp,
    state_dir_of,
    write_stamp,
)
from corpus_folder.legacy import NEAR_INDEX, upgrade_legacy
from corpus_folder.listing import FolderNames
from corpus_folder.names import NAME_PATTERN as NAME_PATTERN
from corpus_folder.names import corpus_name as corpus_name
from corpus_folder.replace import REPLACED_DIR, Replaced, ReplaceError, keep_old
from corpus_folder.staging import CorpusFolderError, Staged, StagingArea
from corpus_folder.sync import clear_leftovers, index_unknown, leftovers
from corpus_folder.transaction import AppendTransaction
from corpus_folder.verify import VerifyReport as VerifyReport
from corpus_folder.verify import verify_folder, verify_rows
from db import captures as renames
from db import repository as repo
from db.session import Database

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AppendResult:
    """What `append` did: wrote a new file, or found the same bytes already stored."""

    status: Literal["added", "duplicate"]
    file_name: str
    seq: int | None


class CorpusStore:
    """Append-only corpus folder kept in step with the `articles` table."""

    def __init__(self, directory: str | Path, database: Database) -> None:
        self.directory = Path(directory)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CorpusFolderError(
                exc.errno, f"cannot create corpus folder {self.directory} ({exc.strerror})"
            ) from exc
        self._staging = StagingArea(self.directory)
        self.database = database
        # flock excludes other processes only; threads of this process queue here.
        self._thread_lock = threading.Lock()
        self._holder: int | None = None
        self._synced_mtime_ns: int | None = None
        self._folder_max_seq = -1
        self._folder_files = 0
        self._upgraded = False

    @property
    def state_dir(self) -> Path:
        """The folder beside the corpus for what newsmon keeps about it (`corpus.newsmon/`)."""
        return state_dir_of(self.directory)

    def ensure_writable(self) -> None:
        """Fail now, with the reason, when the folder cannot take new files (before a crawl)."""
        if not self._staging.tmpfile:
            with self._locked():
                self._staging.stage(b"").release()  # the fallback folder takes files too

    def close(self) -> None:
        """Remove what this writer staged under a name (only where unnamed files are missing)."""
        if self._staging.joined:
            with self._locked():
                self._staging.close()

    def sync(self) -> int:
        """Index folder files the database does not know; returns how many were indexed.

        Costs nothing per file when the folder is as the last sync (or append) left it: the
        state folder keeps that folder's mtime with the newest row then (`folder.json`).
        """
        with self._locked():
            if self._stamp_holds():
                return 0
            return self._sync_locked()

    def append(
        self,
        text: str,
        *,
        url: str | None,
        canonical_url: str | None,
        source: str | None,
        headline: str,
        published_at: datetime | None,
        fetched_at: datetime,
    ) -> AppendResult:
        """Store `text` as the next corpus file unless the same bytes are already stored.

        The whole transaction in one call, for callers with nothing to decide in between;
        the crawl's pipeline drives `transaction` itself.
        """
        staged = self.stage(text)
        try:
            with self.transaction(staged) as append:
                existing = append.exact_duplicate()
                if existing is not None:
                    return AppendResult("duplicate", existing.file_name, existing.seq)
                article = append.add_article(
                    url=url, canonical_url=canonical_url, source=source, headline=headline,
                    published_at=published_at, fetched_at=fetched_at,
                )  # fmt: skip
                append.commit()
            return AppendResult("added", article.file_name, article.seq)
        finally:
            staged.release()

    def stage(self, text: str) -> Staged:
        """Write the corpus bytes of `text` durably under a temporary name (no lock needed)."""
        if text.endswith("\n"):
            raise ValueError("corpus text must be normalised: it ends with a newline")
        return self._staging.stage(text.encode("utf-8"))

    @contextmanager
    def transaction(self, staged: Staged) -> Iterator[AppendTransaction]:
        """Take the corpus lock and open one session for appending `staged`.

        The caller drives the steps (exact check, its own checks, `add_article`, rows of its
        own in `session`, `commit`); leaving the block without `commit` stores nothing.
        No other writer, in any process, can add a copy or take a number in between.
        """
        with self._locked():
            # Rows from other processes are in the DB already; only files nobody indexed
            # need a rescan, and adding one changes the folder's mtime.
            if self._synced_mtime_ns != self._mtime_ns() and not self._stamp_holds():
                self._sync_locked()
            with self.database.session() as session:
                append = AppendTransaction(staged, session, self._folder_max_seq, self._placed)
                try:
                    yield append
                finally:
                    if not append.committed:
                        session.rollback()

    def replace(self, seq: int, text: str, *, reason: str, run: str | None = None) -> Replaced:
        """Replace corpus file `seq` with `text`: same number, a new name from the new bytes.

        The one way a corpus file changes (re-extraction, its undo, a revision under
        `corpus = "latest"`). Under the folder lock: the old bytes are kept in the state folder
        (`replaced/`), the new file is linked into place, the row takes the new name and hash
        and the old name is recorded (`corpus_renames`, with `reason` and `run`) in one commit,
        then the old name goes. A call that died after linking the new name is finished by the
        next one. The names are equal when the bytes are the same. ReplaceError when no present
        file has that number or another file holds the same bytes.
        """
        staged = self.stage(text)
        try:
            with self._locked(), self.database.session() as session:
                return self._replace_locked(session, seq, staged, text, reason, run)
        finally:
            staged.release()

    def kept_text(self, file_name: str) -> str:
        """The text of a replaced corpus file, kept in the state folder (for undo and history)."""
        return (self.state_dir / REPLACED_DIR / file_name).read_text(encoding="utf-8")

    def _replace_locked(
        self, session: Session, seq: int, staged: Staged, text: str, reason: str, run: str | None
    ) -> Replaced:
        article = repo.article_by_seq(session, seq)
        if article is None or article.missing:
            raise ReplaceError(f"no corpus file with number {seq}")
        old_name, old_hash = article.file_name, article.content_hash
        if staged.digest == old_hash:
            return Replaced(seq, old_name, old_name)
        twin = repo.ref_by_hash(session, staged.digest)
        if twin is not None:
            raise ReplaceError(f"{old_name}: the new text is the same as {twin.file_name}")
        keep_old(self.directory, self.state_dir, old_name)
        new_name = corpus_name(seq, staged.digest)
        article.file_name, article.content_hash = new_name, staged.digest
        article.headline = text.split("\n", 1)[0]
        renames.add_rename(
            session, seq=seq, old_file_name=old_name, new_file_name=new_name,
            old_hash=old_hash, new_hash=staged.digest, reason=reason, run=run,
        )  # fmt: skip
        # Both names exist from the link to the unlink: a crash between them leaves one file
        # more with the same number, which sync refuses to index and `verify` lists as unknown.
        synced = self._synced_mtime_ns == self._mtime_ns()
        self._link(session, new_name, staged, placed_ok=True)
        (self.directory / old_name).unlink(missing_ok=True)
        fsync_folder(self.directory)
        # As many files as before, the same numbers: only the folder's mtime moved.
        self._synced_mtime_ns = self._mtime_ns() if synced else None
        if synced:
            self._write_stamp()
        logger.info("Replaced corpus file %s with %s (%s)", old_name, new_name, reason)
        return Replaced(seq, old_name, new_name)

    def verify(self, repair: bool = False) -> VerifyReport:
        """Check that folder and database agree and names match bytes; optionally repair.

        Streams both sides (folder entries and rows in batches): memory stays flat at any
        corpus size, only the problems found are kept.
        """
        with self._locked():
            report = VerifyReport(temp_files=leftovers(self.directory, self._staging)[0])
            with self.database.session() as session:
                verify_folder(self.directory, report, session)
                verify_rows(self.directory, report, session)
                if repair:
                    repo.set_missing(session, report.missing_files, missing=True)
                    repo.set_missing(session, report.restored_files, missing=False)
            if repair:
                self._sync_locked()
                report.repaired = True
        logger.info("Corpus verify: ok=%s repaired=%s", report.ok, report.repaired)
        return report

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the corpus lock across several steps (e.g. opening the near-duplicate index,
        which may create its files); lock-taking calls inside the block reuse it."""
        with self._locked():
            yield

    @contextmanager
    def _locked(self) -> Iterator[None]:
        if self._holder == threading.get_ident():
            yield  # this thread holds the lock already (inside `exclusive`)
            return
        # Opened per use so a forked child never shares the parent's lock description.
        with self._thread_lock:
            fd = os.open(self.directory, os.O_RDONLY | os.O_DIRECTORY)
            try:
                lock_folder(fd, self.directory)
                self._holder = threading.get_ident()
                if not self._upgraded:
                    self._upgraded = True
                    upgrade_legacy(self.directory, self.state_dir / NEAR_INDEX, self._staging)
                yield
            finally:
                self._holder = None
                os.close(fd)  # closing the last descriptor releases the flock

    def _mtime_ns(self) -> int:
        return os.stat(self.directory).st_mtime_ns

    def file_names(self) -> list[str]:
        """Names of the corpus files (regular files only), in seq order."""
        return list(self.listing())

    def listing(self) -> FolderNames:
        """The corpus files' names in seq order, held compactly (a million: ~50 MB)."""
        return self._corpus_names()

    def _corpus_names(self) -> FolderNames:
        return FolderNames.of(self.directory)

    def _sync_locked(self) -> int:
        clear_leftovers(self.directory, self._staging)
        names = self._corpus_names()
        self._folder_max_seq = names.max_seq
        self._folder_files = len(names)
        with self.database.session() as session:
            indexed = index_unknown(self.directory, session, names)
        self._synced_mtime_ns = self._mtime_ns()
        self._write_stamp()
        if indexed:
            logger.info("Indexed %d corpus files found in %s", indexed, self.directory)
        return indexed

    def _stamp_holds(self) -> bool:
        """True (and the folder's max seq known) when the folder is as the last sync or append
        of any process left it: same mtime, same newest row. Files dropped in, removed or
        renamed since change the mtime; another database changes the newest row."""
        stamp = read_stamp(self.directory)
        if stamp is None or stamp.mtime_ns != self._mtime_ns():
            return False
        with self.database.session() as session:
            newest = repo.last_article(session)
        if (list(newest) if newest else None) != stamp.newest:
            return False
        self._synced_mtime_ns, self._folder_max_seq = stamp.mtime_ns, stamp.max_seq
        self._folder_files = stamp.files
        return True

    def _write_stamp(self, newest: tuple[int, str] | None = None) -> None:
        """Record that the folder, at its current mtime, has every file indexed."""
        if newest is None:
            with self.database.session() as session:
                newest = repo.last_article(session)
        if self._synced_mtime_ns is None:
            return
        stamp = FolderStamp(self._synced_mtime_ns, list(newest) if newest else None,
                            self._folder_max_seq, self._folder_files)  # fmt: skip
        write_stamp(self.directory, stamp)

    def _placed(self, session: Session, article: repo.ArticleRef, staged: Staged) -> None:
        """Link into place, fsync the folder, then commit; see the module docstring."""
        name = article.file_name
        synced = self._synced_mtime_ns == self._mtime_ns()
        self._link(session, name, staged)
        self._synced_mtime_ns = self._mtime_ns()
        self._folder_max_seq = max(self._folder_max_seq, article.seq)
        if synced:  # still true with this file: later processes skip the listing
            self._folder_files += 1
            self._write_stamp((article.id, name))

    def _link(self, session: Session, name: str, staged: Staged, placed_ok: bool = False) -> None:
        """Link `name` into place, fsync the folder, commit. `placed_ok`: a file of that name
        may be there already (its name is its bytes' hash: an earlier call linked it and died
        before its commit)."""
        handle = os.open(self.directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            try:
                staged.place(handle, name)
            except FileExistsError:
                if not placed_ok:
                    raise
            try:
                os.fsync(handle)
                session.commit()
            except BaseException:
                # The file stays: the next sync (forced by forgetting the mtime) indexes it.
                self._synced_mtime_ns = None
                logger.error("Commit failed after writing %s; the next sync will index it", name)
                raise
        finally:
            os.close(handle)
