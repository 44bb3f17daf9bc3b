"""The capture log: WARC records written on a thread of their own, indexed in the database.

The crawl hands a capture over and goes on (`submit` never blocks); one thread appends the
records (a WARC file is written in order) and adds the index rows in batches. A capture that
cannot be written is one error line for the run (then counted only): the corpus is the source
of truth and never waits for, or depends on, its archive.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from crawler.capture.record import Capture, Decision
from crawler.capture.warc import (
    CaptureWriteError,
    Encoded,
    Located,
    WarcArchive,
    writing_markers,
)
from db import captures
from db.session import Database

logger = logging.getLogger(__name__)

ARCHIVE_DIR = "archive"  # the default folder of WARC files, inside the corpus's state folder
INDEX_BATCH = 64  # index rows per commit: one commit per capture would cost a crawl ~1 ms each
Done = Callable[[Located | None], None]


class CaptureLog:
    """Write captures (response, request, metadata records) and index them; thread-safe."""

    def __init__(self, archive: WarcArchive, database: Database) -> None:
        self.archive = archive
        self.database = database
        self._pending: list[captures.CaptureEntry] = []
        self._lock = threading.Lock()
        self._failed = False
        self._thread: ThreadPoolExecutor | None = None

    @classmethod
    def open(cls, directory: Path, max_file_bytes: int, database: Database) -> CaptureLog:
        return cls(WarcArchive(directory, max_file_bytes), database)

    def submit(
        self, capture: Capture, decision: Decision, done: Done | None = None,
        encoded: Encoded | None = None,
    ) -> None:  # fmt: skip
        """Write on the capture thread; `done(location or None)` runs there afterwards."""
        self._worker().submit(self._write_reporting, capture, decision, done, encoded)

    def submit_index(self, capture: Capture, decision: Decision, located: Located) -> None:
        """Index a record archived earlier under a new decision, on the capture thread."""
        self._worker().submit(self.index, capture, decision, located)

    def write(
        self, capture: Capture, decision: Decision, encoded: Encoded | None = None
    ) -> Located | None:
        """Write now (on the caller's thread); None when the archive could not take it."""
        try:
            located = self.archive.write(capture, decision, encoded)
        except CaptureWriteError as exc:
            self._failure(exc)
            return None
        self.index(capture, decision, located)
        return located

    def index(self, capture: Capture, decision: Decision, located: Located) -> None:
        """Add an index row for a record (new, or one already archived and decided anew)."""
        entry = captures.CaptureEntry(
            url=capture.url, canonical_url=capture.canonical_url, source=capture.source,
            warc_file=located.file, warc_offset=located.offset, warc_length=located.length,
            payload_digest=located.digest[:64], captured_at=capture.captured_at,
            decision=decision.status[:24], detail=decision.detail, article_seq=decision.seq,
        )  # fmt: skip
        with self._lock:
            self._pending.append(entry)
            full = len(self._pending) >= INDEX_BATCH
        if full:
            self.flush()

    def flush(self) -> bool:
        """Commit the index rows written so far; False when they could not be."""
        with self._lock:
            entries, self._pending = self._pending, []
        if not entries:
            return True
        try:
            with self.database.session() as session:
                captures.add_captures(session, entries)
                session.commit()
        except Exception as exc:  # the records are in the WARC files: their metadata tells
            logger.error("Could not index %d WARC captures: %s", len(entries), exc)
            return False
        return True

    def close(self) -> None:
        """Wait for the writes in flight, index them, close the current WARC file."""
        if self._thread is not None:
            self._thread.shutdown(wait=True)
            self._thread = None
        indexed = self.flush()
        self.archive.close()
        if indexed:  # else the markers stay: the next crawl indexes these files from them
            self.archive.release()

    def heal(self) -> None:
        """Index, on the capture thread, the records of files whose writers were killed before
        their last index batch (their markers are left); nothing to do costs one listing."""
        if writing_markers(self.archive.directory):
            self._worker().submit(self._heal)

    def _worker(self) -> ThreadPoolExecutor:
        """The capture thread, started by the first task (a crawl that keeps nothing has none)."""
        if self._thread is None:
            self._thread = ThreadPoolExecutor(1, thread_name_prefix="newsmon-capture")
        return self._thread

    def _heal(self) -> None:
        from crawler.capture.reindex import heal_abandoned  # warcio's reader, only when needed

        try:
            heal_abandoned(self.archive.directory, self.database)
        except Exception as exc:  # the archive stays as it was; `corpus verify` reports it
            logger.error("Could not index the captures of a killed crawl: %s", exc)

    def _write_reporting(
        self, capture: Capture, decision: Decision, done: Done | None, encoded: Encoded | None
    ) -> None:
        try:
            located = self.write(capture, decision, encoded)
        except Exception as exc:  # never lose the thread: the next capture may well succeed
            logger.error("Could not write the WARC capture of %s: %s", capture.url, exc)
            located = None
        if done is not None:
            done(located)

    def _failure(self, exc: CaptureWriteError) -> None:
        if not self._failed:
            self._failed = True
            logger.error(
                "WARC captures are not being written: %s; the corpus is not affected "
                "(newsmon/capture/errors counts the captures lost)",
                exc.strerror,
            )
