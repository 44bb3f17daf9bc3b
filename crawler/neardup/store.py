"""Durable append-only files of the near-duplicate index, one generation directory at a time.

Layout of the index directory::

    CURRENT                 JSON: format, parameters and the name of the live generation
    gen-<hex>/docs.bin      96-byte records: magic, shingle count, shingle offset, key, CRC-32
    gen-<hex>/sigs.bin      NUM_PERM uint32 per document, in record order
    gen-<hex>/shingles.bin  every document's sorted shingle hashes (uint32), concatenated
    gen-<hex>/runs.json     the sealed runs (crawler.neardup.runs) and where the tail starts
    gen-<hex>/run-*.bands, run-*.keys   their sorted tables, searched in place (pread)

An append writes shingles and signatures, fsyncs them, then writes the records and fsyncs
those: a record on disk always points at durable data, and a kill -9 at any moment leaves at
most a torn last record (short, wrong magic or wrong CRC), which loading ignores and the next
append cuts off. A rebuild fills a new generation and switches CURRENT by an atomic rename, so
other processes never see a half-built index; they notice the switch on their next refresh.

Only the tail, the documents after the last sealed run (at most SEAL_AT), is read into memory
and checked record by record on load; sealing it writes its run files, fsyncs every file the
run covers, then replaces runs.json by a rename. A sealed record is checked when a lookup
reads it; a damaged one asks for a rebuild.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np

from crawler.neardup.columns import Columns
from crawler.neardup.layout import (
    FILES,
    MANIFEST,
    create_generation,
    read_current,
    read_manifest,
    remove_generations,
    remove_unlisted_runs,
    stamp,
    write_current,
    write_manifest,
)
from crawler.neardup.records import RECORD, Record, build_records, parse_record, valid_prefix
from crawler.neardup.runs import (
    Run,
    RunSpan,
    band_entries,
    key_entries,
    merge_tables,
    write_table,
)
from crawler.neardup.shingling import U32Array
from crawler.neardup.signature import MAX_DOCS, NUM_PERM

logger = logging.getLogger(__name__)

# The tail is sealed into a run past this many documents: what a process loads at start-up.
SEAL_AT = 1024
# While indexing many files at once the tail may grow this far first, and the runs sealed
# are merged once at the end (or when they are BULK_RUNS): each entry is merged about once.
BULK_SEAL_AT = 16384
BULK_RUNS = 32  # two open files each
_SIG_BYTES = NUM_PERM * 4


class Entry(NamedTuple):
    """One document ready to store."""

    key: str
    signature: U32Array
    shingles: U32Array


class Batch(NamedTuple):
    """Documents ready to store, as columns: what a fingerprinting worker sends back for a
    chunk of files, and what an append writes (no per-document objects on the way)."""

    keys: list[str]
    counts: U32Array  # shingles per document
    signatures: U32Array  # (documents, NUM_PERM)
    shingles: U32Array  # every document's shingle hashes, concatenated

    @classmethod
    def of(cls, entries: Sequence[Entry]) -> Batch:
        return cls.joined(
            [
                cls([entry.key], np.array([len(entry.shingles)], dtype=np.uint32),
                    entry.signature.reshape(1, NUM_PERM), entry.shingles)
                for entry in entries
            ]
        )  # fmt: skip

    @classmethod
    def joined(cls, batches: Sequence[Batch]) -> Batch:
        if not batches:
            return cls([], np.empty(0, np.uint32), np.empty((0, NUM_PERM), np.uint32),
                       np.empty(0, np.uint32))  # fmt: skip
        if len(batches) == 1:
            return batches[0]
        return cls(
            [key for batch in batches for key in batch.keys],
            np.concatenate([batch.counts for batch in batches]).astype(np.uint32, copy=False),
            np.concatenate([batch.signatures for batch in batches]).astype(np.uint32, copy=False),
            np.concatenate([batch.shingles for batch in batches]).astype(np.uint32, copy=False),
        )


class Change(NamedTuple):
    """What a refresh found: a switched generation or new runs (reload all), or documents
    from `first` on."""

    reloaded: bool
    first: int


class Sealed(NamedTuple):
    """A sealed document, read back from the files."""

    record: Record
    signature: U32Array


class Generation:
    """One generation: its three files (pread/pwrite), its sealed runs and its tail."""

    def __init__(self, path: Path, durable: bool = True) -> None:
        self.path = path
        self.durable = durable
        self._fds = [os.open(path / name, os.O_RDWR) for name in FILES]
        self.runs: list[Run] = []
        self.docs = Columns()  # the tail
        self.damaged = False
        self._manifest_stamp: tuple[int, int] | None = None

    def close(self) -> None:
        self._close_runs()
        for fd in self._fds:
            if not self.durable:
                os.fsync(fd)
            os.close(fd)
        self._fds = []

    def _sync(self, fd: int) -> None:
        if self.durable:
            os.fsync(fd)

    # --- reading ----------------------------------------------------------------------------

    @property
    def runs_changed(self) -> bool:
        return stamp(self.path / MANIFEST) != self._manifest_stamp

    def open_runs(self) -> None:
        """Map the runs runs.json lists and start the tail after them (empty: load_into)."""
        self._close_runs()
        for _ in range(3):  # a writer may replace the runs between reading the list and mapping
            self._manifest_stamp = stamp(self.path / MANIFEST)
            spans, shingle_end = read_manifest(self.path)
            try:
                self.runs = [Run(self.path, span) for span in spans]
                break
            except FileNotFoundError:
                self._close_runs()
        else:
            raise ValueError("run files listed in runs.json are missing")
        base = spans[-1].end if spans else 0
        self.docs = Columns(first=base, shingle_start=shingle_end)
        sizes = [os.fstat(fd).st_size for fd in self._fds]
        needed = [base * RECORD.itemsize, base * _SIG_BYTES, shingle_end * 4]
        if any(size < need for size, need in zip(sizes, needed, strict=True)):
            raise ValueError("the runs cover documents the files do not hold")

    def shingles(self, offset: int, count: int) -> U32Array:
        raw = os.pread(self._fds[2], count * 4, offset * 4)
        return np.frombuffer(raw, dtype=np.uint32)

    def sealed(self, doc: int) -> Sealed | None:
        """A sealed document's record and signature; None when the record is damaged."""
        record = parse_record(os.pread(self._fds[0], RECORD.itemsize, doc * RECORD.itemsize))
        if record is None:
            self.damaged = True
            return None
        raw = os.pread(self._fds[1], _SIG_BYTES, doc * _SIG_BYTES)
        return Sealed(record, np.frombuffer(raw, dtype=np.uint32))

    def load_into(self, docs: Columns) -> int:
        """Append the valid records past those `docs` holds; return the bytes ignored after them."""
        docs_fd, sigs_fd, shingles_fd = self._fds
        start = docs.end * RECORD.itemsize
        raw = _pread_all(docs_fd, start)
        if not raw:  # the usual refresh: nobody appended since
            return 0
        records = np.frombuffer(raw[: len(raw) // RECORD.itemsize * RECORD.itemsize], RECORD)
        shingle_room = os.fstat(shingles_fd).st_size // 4
        sig_room = os.fstat(sigs_fd).st_size // _SIG_BYTES - docs.end
        valid = valid_prefix(raw, records, docs.shingle_end, shingle_room, sig_room)
        if valid:
            sig_raw = os.pread(sigs_fd, valid * _SIG_BYTES, docs.end * _SIG_BYTES)
            signatures = np.frombuffer(sig_raw, dtype=np.uint32).reshape(valid, NUM_PERM)
            kept = records[:valid]
            keys = [key.decode("utf-8") for key in kept["key"].tolist()]
            docs.extend(keys, kept["count"], kept["offset"], signatures)
        return len(raw) - valid * RECORD.itemsize

    # --- writing ----------------------------------------------------------------------------

    def append(self, batch: Batch) -> None:
        """Write documents after those held (cutting any torn tail), then fsync."""
        docs = self.docs
        if docs.end + len(batch.keys) > MAX_DOCS:
            raise ValueError(f"index is full ({MAX_DOCS} documents)")
        docs_fd, sigs_fd, shingles_fd = self._fds
        counts = batch.counts
        offsets = docs.shingle_end + np.cumsum(counts, dtype=np.uint64) - counts
        records = build_records(batch.keys, counts, offsets)
        _write_at(shingles_fd, docs.shingle_end * 4, batch.shingles.astype("<u4").tobytes())
        _write_at(sigs_fd, docs.end * _SIG_BYTES, batch.signatures.astype("<u4").tobytes())
        self._sync(shingles_fd)
        self._sync(sigs_fd)
        _write_at(docs_fd, docs.end * RECORD.itemsize, records.tobytes())
        self._sync(docs_fd)
        docs.extend(batch.keys, counts, offsets, batch.signatures)

    def seal(self, merge: bool = True) -> None:
        """Turn the tail into a run, merge runs of similar size (`merge`), then switch
        runs.json. A bulk seals without merging and calls `compact` at its end."""
        docs = self.docs
        if not len(docs):
            return
        for fd in self._fds:  # a run never covers a record a power cut could take back
            os.fsync(fd)
        span = RunSpan(docs.first, docs.end)
        write_table(
            self.path / f"{span.stem}.bands", band_entries(docs.signatures, docs.first, docs.counts)
        )
        write_table(self.path / f"{span.stem}.keys", key_entries(docs.keys, docs.first))
        self.runs.append(Run(self.path, span))
        if merge:
            self._merge_newest()
        self._switch_runs(docs.shingle_end)
        self.docs = Columns(first=docs.end, shingle_start=docs.shingle_end)

    def compact(self) -> None:
        """Merge the runs a bulk sealed (see `_merge_newest`), if any."""
        if self._merge_newest():
            self._switch_runs(self.docs.shingle_start)

    def _merge_newest(self) -> bool:
        """Merge the newest runs into one while the run before them is no larger than they
        are together: O(log n) runs, each document merged O(log n) times, and a bulk's many
        equal runs merged in one pass that reads each entry once. True when it merged."""
        runs, newest = self.runs, 1
        while newest < len(runs) and _docs(runs[-newest - 1]) <= sum(
            _docs(run) for run in runs[-newest:]
        ):
            newest += 1
        if newest < 2:
            return False
        runs[-newest:] = [_merge(self.path, runs[-newest:])]
        return True

    def _switch_runs(self, shingle_end: int) -> None:
        """runs.json lists the runs, which end where the shingles of the tail start."""
        write_manifest(self.path, [run.span for run in self.runs], shingle_end)
        self._manifest_stamp = stamp(self.path / MANIFEST)
        remove_unlisted_runs(self.path, {run.span.stem for run in self.runs})

    def _close_runs(self) -> None:
        for run in self.runs:
            run.close()
        self.runs = []


def _docs(run: Run) -> int:
    return run.span.end - run.span.start


def _merge(path: Path, runs: list[Run]) -> Run:
    span = RunSpan(runs[0].span.start, runs[-1].span.end)
    merge_tables(path / f"{span.stem}.bands", *(run.bands for run in runs))
    merge_tables(path / f"{span.stem}.keys", *(run.keys for run in runs))
    for run in runs:
        run.close()
    return Run(path, span)


class Store:
    """The live generation of an index directory: its runs mapped, its tail in memory."""

    def __init__(self, directory: Path, durable: bool = True) -> None:
        self.directory = directory
        self.durable = durable
        self.needs_rebuild = False
        self.seal_at, self.bulk_seal_at = SEAL_AT, BULK_SEAL_AT
        self._stamp: tuple[int, int] | None = None
        self._generation: Generation | None = None

    @classmethod
    def open(cls, directory: Path, durable: bool = True) -> Store:
        directory.mkdir(parents=True, exist_ok=True)
        store = cls(directory, durable)
        store.refresh()
        return store

    @property
    def generation(self) -> Generation:
        if self._generation is None:
            raise RuntimeError("the near-duplicate index is closed")
        return self._generation

    @property
    def docs(self) -> Columns:
        """The tail: documents after the sealed runs."""
        return self.generation.docs

    def __len__(self) -> int:
        return self.generation.docs.end

    def refresh(self) -> Change:
        """Pick up a switched generation, new runs or records appended by other processes."""
        current = stamp(self.directory / "CURRENT")
        if current is None or current != self._stamp:
            self._switch(read_current(self.directory))
            return Change(reloaded=True, first=0)
        if self.generation.runs_changed:
            self._open_runs()
            return Change(reloaded=True, first=0)
        first = self.docs.end
        self._load_tail()
        return Change(reloaded=False, first=first)

    def append(self, batch: Batch, bulk: bool = False) -> bool:
        """Append, then seal the tail when it is full; True when it was sealed. A `bulk`
        lets the tail grow larger and seals it without merging: call `end_bulk` after."""
        generation = self.generation
        generation.append(batch)
        if len(generation.docs) < (self.bulk_seal_at if bulk else self.seal_at):
            return False
        generation.seal(merge=not bulk)
        if len(generation.runs) >= BULK_RUNS:
            generation.compact()
        return True

    def end_bulk(self) -> None:
        """Seal a tail past the usual size (what the next process loads stays small), then
        merge the runs the bulk sealed."""
        generation = self.generation
        if len(generation.docs) >= self.seal_at:
            generation.seal(merge=False)
        generation.compact()

    def replace_all(self, batches: Iterable[Batch]) -> None:
        """Fill a new generation from batches, then make it the live one."""
        name = create_generation(self.directory)
        generation = Generation(self.directory / name)
        try:
            generation.open_runs()
            for batch in batches:
                if batch.keys:
                    generation.append(batch)
                    if len(generation.docs) >= self.bulk_seal_at:
                        generation.seal(merge=False)
                    if len(generation.runs) >= BULK_RUNS:
                        generation.compact()
            generation.seal(merge=False)
            generation.compact()
        finally:
            generation.close()
        write_current(self.directory, name)
        self.needs_rebuild = False
        self.refresh()
        remove_generations(self.directory, keep=name)

    def close(self) -> None:
        if self._generation is not None:
            self._generation.close()
            self._generation = None

    def _switch(self, name: str | None) -> None:
        if name is None:
            self.needs_rebuild = True
            name = create_generation(self.directory)
            write_current(self.directory, name)
        self.close()
        self._generation = Generation(self.directory / name, self.durable)
        self._stamp = stamp(self.directory / "CURRENT")
        self._open_runs()

    def _open_runs(self) -> None:
        generation = self.generation
        try:
            generation.open_runs()
        except (OSError, ValueError, KeyError, TypeError) as exc:
            logger.warning("Near-duplicate index %s: unusable runs (%s)", self.directory, exc)
            generation.damaged = True
            generation.runs, generation.docs = [], Columns()
            self.needs_rebuild = True
            return
        self._load_tail()

    def _load_tail(self) -> None:
        if self.generation.damaged:
            self.needs_rebuild = True
            return
        ignored = self.generation.load_into(self.docs)
        if ignored > RECORD.itemsize:
            logger.warning(
                "Near-duplicate index %s: %d bytes of bad records after document %d",
                self.directory,
                ignored,
                self.docs.end,
            )
            self.needs_rebuild = True
        elif ignored:
            logger.info(
                "Near-duplicate index %s: ignored a torn last record (%d bytes)",
                self.directory,
                ignored,
            )


def _pread_all(fd: int, start: int) -> bytes:
    size = os.fstat(fd).st_size
    return os.pread(fd, size - start, start) if size > start else b""


def _write_at(fd: int, position: int, data: bytes) -> None:
    """Cut whatever lies past `position` (a torn tail), then write all of `data` there."""
    if os.fstat(fd).st_size != position:
        os.ftruncate(fd, position)
    view = memoryview(data)
    while view:
        written = os.pwrite(fd, view, position)
        view, position = view[written:], position + written
