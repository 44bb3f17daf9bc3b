"""Sealed runs of the near-duplicate index: sorted band and key tables searched in place.

A run covers documents [start, end) of a generation. It is two files of packed uint64
entries, sorted, then a directory on their top bits (what BandTable did in memory):

    run-<start>-<end>.bands  one entry per (document, band): band key | document
    run-<start>-<end>.keys   one entry per document: 40-bit hash of its key | document

A lookup reads only its keys' slots (pread, two small reads per key): opening a run and
finding a document cost the same at any size, and the page cache, not the process, holds
the files. The newest runs are merged into one while the run before them holds no more
documents than they do together, so a generation holds O(log n) of them; a merge streams
through any number of runs in chunks with flat memory (a bulk seals many equal runs, then
merges them in one pass).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from crawler.neardup.shingling import U64Array
from crawler.neardup.signature import BANDS, DOC_MASK, KEY_MASK, band_keys, pack

_HEADER = np.dtype([("magic", "<u8"), ("count", "<u8"), ("bits", "<u8"), ("pad", "<u8")])
_MAGIC = 0x314E5552504E  # "NPRUN1"
# About 64 entries (one or two pages) per directory slot: the directory stays ~1/8 of the run.
_PER_SLOT = 64
_CHUNK = 1 << 20  # entries per merge step
_FEW_KEYS = 64  # key lookups done slot by slot; more read the whole key table once
_KEYS_AT_ONCE = 4096  # documents whose band keys are computed together


class RunSpan(NamedTuple):
    """Which documents a run covers."""

    start: int
    end: int

    @property
    def stem(self) -> str:
        return f"run-{self.start}-{self.end}"


def key_hashes(keys: Sequence[str]) -> U64Array:
    """The key table's hash of each key, high bits only (BLAKE2b: stable across processes)."""
    digests = b"".join(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest() for key in keys)
    return np.frombuffer(digests, dtype="<u8").astype(np.uint64) & KEY_MASK


class Table:
    """One sorted packed-entry file: entries found by their high bits, read with pread.

    Not memory-mapped: a mapped page counts in the process's RSS, and each random lookup
    faults in its neighbours too (fault-around), so a crawl's few hundred lookups would grow
    it by megabytes. pread copies exactly the bytes of a key's slot; the page cache keeps the
    file warm for every process.
    """

    def __init__(self, path: Path) -> None:
        self._fd = os.open(path, os.O_RDONLY)
        size = os.fstat(self._fd).st_size
        raw = os.pread(self._fd, _HEADER.itemsize, 0).ljust(_HEADER.itemsize, b"\0")
        header = np.frombuffer(raw, dtype=_HEADER)[0]
        count, bits = int(header["count"]), int(header["bits"])
        if int(header["magic"]) != _MAGIC or bits > 30 or size != _size(count, bits):
            os.close(self._fd)
            raise ValueError(f"damaged run file {path.name}")
        self.count, self._bits = count, bits
        self._shift = 64 - bits
        self._directory = _HEADER.itemsize + 8 * count  # where the slot starts begin

    def __len__(self) -> int:
        return self.count

    def entries(self, start: int = 0, stop: int | None = None) -> U64Array:
        """Entries [start, stop) (all by default), read from the file."""
        stop = self.count if stop is None else stop
        raw = os.pread(self._fd, 8 * (stop - start), _HEADER.itemsize + 8 * start)
        return np.frombuffer(raw, dtype="<u8").astype(np.uint64)

    def find(self, keys: U64Array) -> U64Array:
        """Document numbers of the entries whose high bits equal one of `keys`."""
        wanted, chunks = [], []
        for key in keys.tolist():
            bounds = os.pread(self._fd, 16, self._directory + 8 * (key >> self._shift))
            low, high = int.from_bytes(bounds[:8], "little"), int.from_bytes(bounds[8:], "little")
            if high > low:
                chunks.append(os.pread(self._fd, 8 * (high - low), _HEADER.itemsize + 8 * low))
                wanted.append(np.full(high - low, key, dtype=np.uint64))
        if not chunks:
            return np.empty(0, dtype=np.uint64)
        entries = np.frombuffer(b"".join(chunks), dtype="<u8").astype(np.uint64)
        hits: U64Array = entries[(entries & KEY_MASK) == np.concatenate(wanted)] & DOC_MASK
        return hits

    def close(self) -> None:
        os.close(self._fd)


class Run:
    """The band and key tables of one span of documents."""

    def __init__(self, directory: Path, span: RunSpan) -> None:
        self.span = span
        self.bands = Table(directory / f"{span.stem}.bands")
        try:
            self.keys = Table(directory / f"{span.stem}.keys")
        except BaseException:
            self.bands.close()
            raise

    def key_docs(
        self, keys: Sequence[str], wanted: npt.NDArray[np.bool_]
    ) -> Iterator[tuple[int, int]]:
        """(position in `keys`, document) pairs whose key hash matches, for wanted positions;
        the caller confirms each against the document's record (hashes may collide)."""
        positions = np.flatnonzero(wanted)
        if not len(positions) or not len(self.keys):
            return
        hashes = key_hashes([keys[position] for position in positions.tolist()])
        if len(hashes) <= _FEW_KEYS:  # a few slots read, as a band lookup does
            for position, key in zip(positions.tolist(), hashes, strict=True):
                for doc in self.keys.find(key[None]).tolist():
                    yield position, doc
            return
        entries = self.keys.entries()  # 8 bytes per document, while catching up in bulk
        low = np.searchsorted(entries, hashes, side="left")
        high = np.searchsorted(entries, hashes | DOC_MASK, side="right")
        hit = high > low
        for position, begin, end in zip(
            positions[hit].tolist(), low[hit].tolist(), high[hit].tolist(), strict=True
        ):
            for entry in entries[begin:end].tolist():
                yield position, entry & int(DOC_MASK)

    def close(self) -> None:
        self.bands.close()
        self.keys.close()


def band_entries(signatures: npt.NDArray[np.uint32], first: int, counts: npt.NDArray[np.uint32]
                 ) -> U64Array:  # fmt: skip
    """Packed band entries of documents numbered from `first` (empty documents have none)."""
    searchable = np.flatnonzero(counts > 0)
    entries = np.empty((len(searchable), BANDS), dtype=np.uint64)
    # A slice of documents at a time: band_keys' temporaries (~1 KB a document) stay small.
    for start in range(0, len(searchable), _KEYS_AT_ONCE):
        part = searchable[start : start + _KEYS_AT_ONCE]
        docs = (part + first).astype(np.uint64)
        entries[start : start + len(part)] = pack(band_keys(signatures[part]), docs[:, None])
    return entries.ravel()


def key_entries(keys: Sequence[str], first: int) -> U64Array:
    return pack(key_hashes(keys), np.arange(first, first + len(keys), dtype=np.uint64))


def write_table(path: Path, entries: U64Array) -> None:
    """Sort `entries` and write them with their directory, durably, under `path`."""
    write_sorted(path, len(entries), iter([np.sort(entries)]))


def write_sorted(path: Path, count: int, parts: Iterator[U64Array]) -> None:
    """Write `count` entries arriving as sorted, mutually ordered parts, then the directory
    (it follows the entries so the parts can stream through: memory is one part)."""
    bits = min(max((count // _PER_SLOT).bit_length(), 1), 30)
    shift = np.uint64(64 - bits)
    sizes = np.zeros(1 << bits, dtype=np.int64)
    header = np.zeros(1, dtype=_HEADER)
    header["magic"], header["count"], header["bits"] = _MAGIC, count, bits
    temporary = path.with_name(path.name + ".tmp")
    written = 0
    with temporary.open("wb") as handle:
        handle.write(header.tobytes())
        for part in parts:
            sizes += np.bincount((part >> shift).astype(np.intp), minlength=1 << bits)
            handle.write(part.astype("<u8").tobytes())
            written += len(part)
        if written != count:
            raise ValueError(f"run file {path.name}: {written} entries, expected {count}")
        handle.write(np.concatenate(([0], np.cumsum(sizes))).astype("<i8").tobytes())
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def merge_tables(path: Path, *tables: Table) -> None:
    """Write the union of sorted tables as one, a chunk at a time (memory: about one chunk)."""
    write_sorted(path, sum(len(table) for table in tables), _merged_chunks(list(tables)))


def _merged_chunks(tables: list[Table]) -> Iterator[U64Array]:
    """Sorted tables read a slice at a time, merged: each step emits everything up to the
    smallest of the slices' last entries, which no later entry can precede. One pass over
    every entry whatever the number of tables (a bulk seals many runs, then merges once)."""
    size = max(_CHUNK // max(len(tables), 1), 1)
    read = [min(size, len(table)) for table in tables]
    slices = [table.entries(0, stop) for table, stop in zip(tables, read, strict=True)]
    while sum(1 for part in slices if len(part)) > 1:
        bound = min(part[-1] for part in slices if len(part))
        taken = []
        for number, part in enumerate(slices):
            take = int(np.searchsorted(part, bound, side="right"))
            taken.append(part[:take])
            slices[number] = part[take:]
            if not len(slices[number]) and read[number] < len(tables[number]):
                stop = min(read[number] + size, len(tables[number]))
                slices[number] = tables[number].entries(read[number], stop)
                read[number] = stop
        yield np.sort(np.concatenate(taken))
    for table, part, start in zip(tables, slices, read, strict=True):
        if len(part):  # the last table with entries left: the rest of it as it is
            yield part
            for begin in range(start, len(table), _CHUNK):
                yield table.entries(begin, min(begin + _CHUNK, len(table)))


def _size(count: int, bits: int) -> int:
    return _HEADER.itemsize + 8 * ((1 << bits) + 1) + 8 * count
