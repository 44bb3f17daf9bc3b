"""Keep the near-duplicate index caught up with the corpus, at a cost that grows with what is new.

The index lies beside the corpus (`<corpus>.newsmon/near-index/`) with a mark, `covered.json`:
the newest article row whose file it holds, and how many documents it had then. A start
compares the mark with the database and indexes only the rows after it: one query and a few
lookups, whatever the corpus size. Without a usable mark (first use, a rebuild, a stop
half-way, another database) every corpus file is listed and those the index lacks are added,
with progress shown; stopped, the next start goes on from what was added.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import overload

import numpy as np
from sqlalchemy.orm import Session

from corpus_folder.legacy import NEAR_INDEX
from corpus_folder.staging import CorpusFolderError
from corpus_folder.store import CorpusStore
from crawler.neardup import NearDuplicateIndex
from crawler.neardup.files import fingerprint_files
from crawler.neardup.store import Batch
from crawler.progress import Progress
from db import repository as repo

logger = logging.getLogger(__name__)

MARK = "covered.json"
# Below this many files one process beats starting workers (each ~0.3 s to import numpy).
PARALLEL_FROM = 4096
_CHUNK = 64  # files per task sent to a worker
_WINDOW = 4096  # files in flight at most (their fingerprints: ~20 MB)
_LOOKUP = 65536  # names checked against the index at a time


def open_index(corpus: CorpusStore, threshold: float) -> NearDuplicateIndex:
    """Open the index in the corpus's state folder, without catching it up (`catch_up`).

    The index is a cache of the corpus, so it skips per-add fsyncs: whatever a power cut
    takes from it is re-added from the corpus files at the next start. Call under the corpus
    lock (opening may create the files).
    """
    directory = corpus.state_dir / NEAR_INDEX
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CorpusFolderError(
            exc.errno, f"cannot create the state folder {corpus.state_dir} ({exc.strerror})"
        ) from exc
    return NearDuplicateIndex.open(directory, threshold=threshold, durable=False)


def catch_up(
    corpus: CorpusStore, index: NearDuplicateIndex, stop: threading.Event | None = None
) -> bool:
    """Add the corpus files the index lacks; True when it holds them all (the mark is moved).

    Call under the corpus lock. `stop` set ends it early: what was added stays.
    """
    mark_path = index.directory / MARK
    names: Sequence[str] = []
    with corpus.database.session() as session:
        newest = repo.last_article(session)
        since = _mark_holds(mark_path, index, session)
        if since is not None:
            names = [name for _, name in repo.files_after(session, since)]
    if index.needs_rebuild:
        if len(index):  # not a first use: damaged, outdated or from another format
            logger.warning("Near-duplicate index %s is rebuilt from the corpus", index.directory)
        index.rebuild(())  # an empty generation, then filled like a first use (resumable)
    if since is None:
        mark_path.unlink(missing_ok=True)  # until the end: the index may be refilled anew
        names = corpus.listing()
    wanted = Missing(names, index)
    added = add_files(index, corpus.directory, wanted, stop)
    if added < len(wanted) and stop is not None and stop.is_set():
        logger.info("Near-duplicate index: stopped, %d corpus files still to index", len(wanted))
        return False
    _write_mark(mark_path, newest, len(index))
    return True


class Missing(Sequence[str]):
    """The names of `names` the index lacks, in their order; held as positions (8 bytes a
    file), the names read back from `names` when asked for."""

    def __init__(self, names: Sequence[str], index: NearDuplicateIndex) -> None:
        self._names = names
        starts = range(0, len(names), _LOOKUP)
        held = [index.known(names[start : start + _LOOKUP]) for start in starts]
        self._positions = np.flatnonzero(~np.concatenate(held)) if held else np.empty(0, np.intp)

    def __len__(self) -> int:
        return len(self._positions)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self._names[position] for position in self._positions[index].tolist()]
        return self._names[int(self._positions[index])]


def add_files(
    index: NearDuplicateIndex, directory: Path, names: Sequence[str], stop: threading.Event | None
) -> int:
    """Index these corpus files (none of them held: see `known`), with progress; returns how
    many were added."""
    what = f"Indexing {directory.name} for near duplicates"
    if len(names) < 64:  # a crawl's own files, a few dropped in: nothing to show
        return index.add_batches(_fingerprints(str(directory), names, None, stop))
    with Progress(len(names), what) as progress:
        return index.add_batches(_fingerprints(str(directory), names, progress, stop))


def _fingerprints(
    directory: str, names: Sequence[str], progress: Progress | None, stop: threading.Event | None
) -> Iterator[Batch]:
    chunks = (names[start : start + _CHUNK] for start in range(0, len(names), _CHUNK))
    workers = _workers() if len(names) >= PARALLEL_FROM else 1
    if workers < 2:
        computed = ((len(chunk), fingerprint_files(directory, chunk)) for chunk in chunks)
        yield from _counted(computed, progress, stop)
        return
    context = multiprocessing.get_context("spawn")  # never fork a process that runs threads
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        try:
            yield from _counted(_pooled(pool, directory, chunks), progress, stop)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def _pooled(
    pool: ProcessPoolExecutor, directory: str, chunks: Iterator[Sequence[str]]
) -> Iterator[tuple[int, Batch]]:
    """(files asked, their Batch) per chunk, in order, at most _WINDOW files in flight: a new
    task goes out as each result comes back, so the workers never wait for a window to drain,
    and results the main process has not taken yet (~5 KB a file) cannot pile up."""
    pending: deque[tuple[int, Future[Batch]]] = deque()
    for chunk in chunks:
        pending.append((len(chunk), pool.submit(fingerprint_files, directory, chunk)))
        if len(pending) * _CHUNK >= _WINDOW:
            asked, future = pending.popleft()
            yield asked, future.result()
    while pending:
        asked, future = pending.popleft()
        yield asked, future.result()


def _counted(
    batches: Iterator[tuple[int, Batch]], progress: Progress | None, stop: threading.Event | None
) -> Iterator[Batch]:
    for asked, batch in batches:
        if stop is not None and stop.is_set():
            return
        yield batch
        if progress is not None:
            progress.update(asked)


def _workers() -> int:
    return min(len(os.sched_getaffinity(0)), 4)


def _mark_holds(path: Path, index: NearDuplicateIndex, session: Session) -> int | None:
    """The article id the mark covers up to, when the index and the database still match it."""
    try:
        mark = json.loads(path.read_text(encoding="utf-8"))
        article_id, file_name, documents = mark["id"], mark["file"], int(mark["documents"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if index.needs_rebuild or len(index) < documents:  # a power cut took documents back
        return None
    if article_id is None:
        return 0
    if repo.file_name_of(session, int(article_id)) != file_name:  # another database
        return None
    return int(article_id)


def _write_mark(path: Path, newest: tuple[int, str] | None, documents: int) -> None:
    article_id, file_name = newest if newest is not None else (None, None)
    temporary = path.with_name(f"{MARK}.{os.getpid()}.tmp")
    temporary.write_text(
        json.dumps({"id": article_id, "file": file_name, "documents": documents}),
        encoding="utf-8",
    )
    os.replace(temporary, path)  # no fsync: a lost mark costs one full listing
