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
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from sqlalchemy.orm import Session

from corpus_folder.legacy import NEAR_INDEX
from corpus_folder.staging import CorpusFolderError
from corpus_folder.store import CorpusStore
from crawler.neardup import NearDuplicateIndex
from crawler.neardup.fingerprint import Fingerprint
from crawler.progress import Progress
from db import repository as repo

logger = logging.getLogger(__name__)

MARK = "covered.json"
# Below this many files one process beats starting workers (each ~0.3 s to import numpy).
PARALLEL_FROM = 4096
_CHUNK = 64  # files per task sent to a worker
_WINDOW = 8192  # files in flight at most (their fingerprints: ~40 MB)


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
        names = corpus.file_names()
    wanted = [name for name, held in zip(names, index.known(names), strict=True) if not held]
    added = add_files(index, corpus.directory, wanted, stop) if wanted else 0
    if added < len(wanted) and stop is not None and stop.is_set():
        logger.info("Near-duplicate index: stopped, %d corpus files still to index", len(wanted))
        return False
    _write_mark(mark_path, newest, len(index))
    return True


def add_files(
    index: NearDuplicateIndex, directory: Path, names: Sequence[str], stop: threading.Event | None
) -> int:
    """Index these corpus files (none of them held: see `known`), with progress; returns how
    many were added."""
    what = f"Indexing {directory.name} for near duplicates"
    if len(names) < 64:  # a crawl's own files, a few dropped in: nothing to show
        return index.add_many(_fingerprints(directory, names, None, stop), checked=True)
    with Progress(len(names), what) as progress:
        return index.add_many(_fingerprints(directory, names, progress, stop), checked=True)


def _fingerprints(
    directory: Path, names: Sequence[str], progress: Progress | None, stop: threading.Event | None
) -> Iterator[tuple[str, Fingerprint]]:
    workers = _workers() if len(names) >= PARALLEL_FROM else 1
    paths = [str(directory / name) for name in names]
    if workers < 2:
        computed: Iterator[Fingerprint | None] = map(fingerprint_file, paths)
        yield from _counted(names, computed, progress, stop)
        return
    context = multiprocessing.get_context("spawn")  # never fork a process that runs threads
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        try:
            yield from _counted(names, _windowed(pool, paths), progress, stop)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def _windowed(pool: ProcessPoolExecutor, paths: list[str]) -> Iterator[Fingerprint | None]:
    """pool.map a window at a time: map submits everything at once, and results the main
    process has not taken yet (~5 KB each) would pile up without bound."""
    for start in range(0, len(paths), _WINDOW):
        yield from pool.map(fingerprint_file, paths[start : start + _WINDOW], chunksize=_CHUNK)


def _counted(
    names: Sequence[str],
    fingerprints: Iterator[Fingerprint | None],
    progress: Progress | None,
    stop: threading.Event | None,
) -> Iterator[tuple[str, Fingerprint]]:
    for name, fingerprint in zip(names, fingerprints, strict=False):
        if stop is not None and stop.is_set():
            return
        if fingerprint is not None:
            yield name, fingerprint
        if progress is not None:
            progress.update()


def fingerprint_file(path: str) -> Fingerprint | None:
    """The fingerprint of a corpus file (a worker's task; undecodable bytes replaced), None
    for a file gone since its row was written (`corpus verify` reports it)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return Fingerprint.of(handle.read())
    except FileNotFoundError:
        return None


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
