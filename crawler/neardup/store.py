"""Durable append-only files of the near-duplicate index, one generation directory at a time.

Layout of the index directory::

    CURRENT                 JSON: format, parameters and the name of the live generation
    gen-<hex>/docs.bin      96-byte records: magic, shingle count, shingle offset, key, CRC-32
    gen-<hex>/sigs.bin      NUM_PERM uint32 per document, in record order
    gen-<hex>/shingles.bin  every document's sorted shingle hashes (uint32), concatenated

An append writes shingles and signatures, fsyncs them, then writes the records and fsyncs
those: a record on disk always points at durable data, and a kill -9 at any moment leaves at
most a torn last record (short, wrong magic or wrong CRC), which loading ignores and the next
append cuts off. A rebuild fills a new generation and switches CURRENT by an atomic rename, so
other processes never see a half-built index; they notice the switch on their next refresh.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import shutil
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np

from crawler.neardup.columns import Columns
from crawler.neardup.shingling import SHINGLE_SIZE, U32Array
from crawler.neardup.signature import BANDS, MAX_DOCS, NUM_PERM

logger = logging.getLogger(__name__)

FORMAT = 1
RECORD = np.dtype(
    [("magic", "<u4"), ("count", "<u4"), ("offset", "<u8"), ("key", "S76"), ("crc", "<u4")]
)
_MAGIC = 0x3152444E  # "NDR1"
_CRC_SPAN = RECORD.itemsize - 4
_SIG_BYTES = NUM_PERM * 4
_FILES = ("docs.bin", "sigs.bin", "shingles.bin")
_PARAMETERS = {"format": FORMAT, "shingle_size": SHINGLE_SIZE, "num_perm": NUM_PERM, "bands": BANDS}


class Entry(NamedTuple):
    """One document ready to store."""

    key: str
    signature: U32Array
    shingles: U32Array


class Change(NamedTuple):
    """What a refresh found: a switched generation (reload all) or documents from `first` on."""

    reloaded: bool
    first: int


class Generation:
    """The three files of one generation, read with pread and written with pwrite."""

    def __init__(self, path: Path, durable: bool = True) -> None:
        self.path = path
        self.durable = durable
        self._fds = [os.open(path / name, os.O_RDWR) for name in _FILES]

    def close(self) -> None:
        for fd in self._fds:
            if not self.durable:
                os.fsync(fd)
            os.close(fd)
        self._fds = []

    def _sync(self, fd: int) -> None:
        if self.durable:
            os.fsync(fd)

    def shingles(self, offset: int, count: int) -> U32Array:
        raw = os.pread(self._fds[2], count * 4, offset * 4)
        return np.frombuffer(raw, dtype=np.uint32)

    def load_into(self, docs: Columns) -> int:
        """Append the valid records past those `docs` holds; return the bytes ignored after them."""
        docs_fd, sigs_fd, shingles_fd = self._fds
        start = len(docs) * RECORD.itemsize
        raw = _pread_all(docs_fd, start)
        if not raw:  # the usual refresh: nobody appended since
            return 0
        records = np.frombuffer(raw[: len(raw) // RECORD.itemsize * RECORD.itemsize], RECORD)
        shingle_room = os.fstat(shingles_fd).st_size // 4
        sig_room = os.fstat(sigs_fd).st_size // _SIG_BYTES - len(docs)
        valid = _valid_prefix(raw, records, docs.shingle_end, shingle_room, sig_room)
        if valid:
            sig_raw = os.pread(sigs_fd, valid * _SIG_BYTES, len(docs) * _SIG_BYTES)
            signatures = np.frombuffer(sig_raw, dtype=np.uint32).reshape(valid, NUM_PERM)
            kept = records[:valid]
            keys = [key.decode("utf-8") for key in kept["key"].tolist()]
            docs.extend(keys, kept["count"], kept["offset"], signatures)
        return len(raw) - valid * RECORD.itemsize

    def append(self, docs: Columns, entries: Sequence[Entry]) -> None:
        """Write entries after the documents `docs` holds (cutting any torn tail), then fsync."""
        if len(docs) + len(entries) > MAX_DOCS:
            raise ValueError(f"index is full ({MAX_DOCS} documents)")
        docs_fd, sigs_fd, shingles_fd = self._fds
        counts = np.array([len(entry.shingles) for entry in entries], dtype=np.uint32)
        offsets = docs.shingle_end + np.cumsum(counts, dtype=np.uint64) - counts
        records = _records([entry.key for entry in entries], counts, offsets)
        signatures = np.stack([entry.signature for entry in entries]).astype(np.uint32)
        shingle_bytes = np.concatenate([entry.shingles for entry in entries]).astype("<u4")
        _write_at(shingles_fd, docs.shingle_end * 4, shingle_bytes.tobytes())
        _write_at(sigs_fd, len(docs) * _SIG_BYTES, signatures.astype("<u4").tobytes())
        self._sync(shingles_fd)
        self._sync(sigs_fd)
        _write_at(docs_fd, len(docs) * RECORD.itemsize, records.tobytes())
        self._sync(docs_fd)
        docs.extend([entry.key for entry in entries], counts, offsets, signatures)


class Store:
    """The live generation of an index directory and its documents in memory."""

    def __init__(self, directory: Path, durable: bool = True) -> None:
        self.directory = directory
        self.durable = durable
        self.docs = Columns()
        self.needs_rebuild = False
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

    def refresh(self) -> Change:
        """Pick up a switched generation or records appended by other processes."""
        stamp = _stamp(self.directory / "CURRENT")
        if stamp is None or stamp != self._stamp:
            self._switch(_read_current(self.directory))
            return Change(reloaded=True, first=0)
        first = len(self.docs)
        self._load_tail()
        return Change(reloaded=False, first=first)

    def append(self, entries: Sequence[Entry]) -> None:
        self.generation.append(self.docs, entries)

    def replace_all(self, batches: Iterable[Sequence[Entry]]) -> None:
        """Fill a new generation from batches, then make it the live one."""
        name = _create_generation(self.directory)
        generation, docs = Generation(self.directory / name), Columns()
        try:
            for batch in batches:
                if batch:
                    generation.append(docs, batch)
        finally:
            generation.close()
        _write_current(self.directory, name)
        self.needs_rebuild = False
        self.refresh()
        _remove_generations(self.directory, keep=name)

    def close(self) -> None:
        if self._generation is not None:
            self._generation.close()
            self._generation = None

    def _switch(self, name: str | None) -> None:
        if name is None:
            self.needs_rebuild = True
            name = _create_generation(self.directory)
            _write_current(self.directory, name)
        self.close()
        self._generation = Generation(self.directory / name, self.durable)
        self._stamp = _stamp(self.directory / "CURRENT")
        self.docs = Columns()
        self._load_tail()

    def _load_tail(self) -> None:
        ignored = self.generation.load_into(self.docs)
        if ignored > RECORD.itemsize:
            logger.warning(
                "Near-duplicate index %s: %d bytes of bad records after document %d",
                self.directory,
                ignored,
                len(self.docs),
            )
            self.needs_rebuild = True
        elif ignored:
            logger.info(
                "Near-duplicate index %s: ignored a torn last record (%d bytes)",
                self.directory,
                ignored,
            )


def _valid_prefix(
    raw: bytes, records: np.ndarray, shingle_end: int, shingle_room: int, sig_room: int
) -> int:
    """How many leading records are whole, consistent and point at data that exists."""
    counts = records["count"].astype(np.int64)
    ends = shingle_end + np.cumsum(counts)
    ok = (records["magic"] == _MAGIC) & (records["offset"].astype(np.int64) == ends - counts)
    ok &= (ends <= shingle_room) & (np.arange(1, len(records) + 1) <= sig_room)
    bad = np.flatnonzero(~ok)
    limit = int(bad[0]) if bad.size else len(records)
    crcs = records["crc"].tolist()
    for index in range(limit):
        begin = index * RECORD.itemsize
        if zlib.crc32(raw[begin : begin + _CRC_SPAN]) != crcs[index]:
            return index
    return limit


def _records(keys: Sequence[str], counts: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    encoded = [key.encode("utf-8") for key in keys]
    for key, raw in zip(keys, encoded, strict=True):
        if len(raw) > RECORD["key"].itemsize or b"\0" in raw or not raw:
            raise ValueError(f"unusable index key {key!r} (1-76 UTF-8 bytes, no NUL)")
    records = np.zeros(len(keys), dtype=RECORD)
    records["magic"] = _MAGIC
    records["count"] = counts
    records["offset"] = offsets
    records["key"] = encoded
    rows = records.view(np.uint8).reshape(len(keys), RECORD.itemsize)
    records["crc"] = [zlib.crc32(row[:_CRC_SPAN].tobytes()) for row in rows]
    return records


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


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    return info.st_ino, info.st_mtime_ns


def _read_current(directory: Path) -> str | None:
    """The live generation's name, or None when CURRENT is missing, unreadable or outdated."""
    try:
        current = json.loads((directory / "CURRENT").read_text(encoding="utf-8"))
        name = str(current["generation"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if any(current.get(field) != value for field, value in _PARAMETERS.items()):
        logger.warning("Near-duplicate index %s has other parameters; starting anew", directory)
        return None
    if not all((directory / name / file).is_file() for file in _FILES):
        return None
    return name


def _create_generation(directory: Path) -> str:
    name = f"gen-{secrets.token_hex(8)}"
    (directory / name).mkdir()
    for file in _FILES:
        (directory / name / file).touch(exist_ok=False)
    _fsync_directory(directory / name)
    return name


def _write_current(directory: Path, name: str) -> None:
    temporary = directory / f"CURRENT.{os.getpid()}.tmp"
    with temporary.open("w", encoding="utf-8") as handle:
        json.dump({**_PARAMETERS, "generation": name}, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, directory / "CURRENT")
    _fsync_directory(directory)


def _remove_generations(directory: Path, keep: str) -> None:
    # Only the writer calls this, after switching CURRENT; it also clears generations left by
    # an interrupted rebuild. Readers of an old one keep their open descriptors (POSIX unlink).
    for path in directory.glob("gen-*"):
        if path.name != keep and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)


def _fsync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
