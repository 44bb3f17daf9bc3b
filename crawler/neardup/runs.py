"""Sealed runs of the near-duplicate index: sorted band and key tables searched in place.

A run covers documents [start, end) of a generation. It is two files of packed uint64
entries, sorted, then a directory on their top bits (what BandTable did in memory):

    run-<start>-<end>.bands  one entry per (document, band): band key | document
    run-<start>-<end>.keys   one entry per document: 40-bit hash of its key | document

Both are memory-mapped read-only, so a process pays only for the pages its lookups touch
(a few per band) and the OS shares them between processes: opening costs the same at any
size. Runs are merged when the newer of two is at least half the older's size, so a
generation holds O(log n) of them, and a merge streams through both in chunks with flat
memory.
"""

from __future__ import annotations

import hashlib
import mmap
import os
from collections.abc import Iterator, Sequence
from contextlib import suppress
from pathlib import Path
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from crawler.neardup.shingling import U64Array
from crawler.neardup.signature import DOC_MASK, KEY_MASK, band_keys, pack

_HEADER = np.dtype([("magic", "<u8"), ("count", "<u8"), ("bits", "<u8"), ("pad", "<u8")])
_MAGIC = 0x314E5552504E  # "NPRUN1"
# About 64 entries (one or two pages) per directory slot: the directory stays ~1/8 of the run.
_PER_SLOT = 64
_CHUNK = 1 << 20  # entries per merge step


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
    """One sorted packed-entry file, memory-mapped: find entries by their high bits."""

    def __init__(self, path: Path) -> None:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            self._map = mmap.mmap(handle.fileno(), size, access=mmap.ACCESS_READ)
        raw = self._map[: _HEADER.itemsize].ljust(_HEADER.itemsize, b"\0")  # a copy
        header = np.frombuffer(raw, dtype=_HEADER)[0]
        count, bits = int(header["count"]), int(header["bits"])
        if int(header["magic"]) != _MAGIC or bits > 30 or size != _size(count, bits):
            self._map.close()
            raise ValueError(f"damaged run file {path.name}")
        self._shift = np.uint64(64 - bits)
        self.entries = np.frombuffer(self._map, dtype="<u8", count=count, offset=_HEADER.itemsize)
        offset = _HEADER.itemsize + 8 * count
        self._starts = np.frombuffer(self._map, dtype="<i8", count=(1 << bits) + 1, offset=offset)

    def __len__(self) -> int:
        return len(self.entries)

    def find(self, keys: U64Array) -> U64Array:
        """Document numbers of the entries whose high bits equal one of `keys`."""
        slots = (keys >> self._shift).astype(np.intp)
        low, high = self._starts[slots], self._starts[slots + 1]
        lengths = high - low
        # Every position of every key's directory slot, in one array.
        positions = np.repeat(low - np.cumsum(lengths) + lengths, lengths)
        positions += np.arange(len(positions))
        entries = self.entries[positions]
        hits: U64Array = entries[(entries & KEY_MASK) == np.repeat(keys, lengths)] & DOC_MASK
        return hits

    def close(self) -> None:
        # Arrays viewing the map keep it alive; drop them before closing it.
        del self.entries, self._starts
        with suppress(BufferError):  # a caller still holds a view: the map goes with it
            self._map.close()


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
        entries = self.keys.entries
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
    docs = (searchable + first).astype(np.uint64)
    return pack(band_keys(signatures[searchable]), docs[:, None]).ravel()


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


def merge_tables(path: Path, older: Table, newer: Table) -> None:
    """Write the union of two tables as one, a chunk at a time (memory: a few chunks)."""
    total = len(older) + len(newer)
    write_sorted(path, total, _merged_chunks(older.entries, newer.entries))


def _merged_chunks(a: U64Array, b: U64Array) -> Iterator[U64Array]:
    i = j = 0
    while i < len(a):
        stop = min(i + _CHUNK, len(a))
        until = len(b) if stop == len(a) else int(np.searchsorted(b, a[stop - 1], side="right"))
        yield np.sort(np.concatenate((a[i:stop], b[j:until])))
        i, j = stop, until
    for begin in range(j, len(b), _CHUNK):
        yield np.array(b[begin : begin + _CHUNK], dtype=np.uint64)


def _size(count: int, bits: int) -> int:
    return _HEADER.itemsize + 8 * ((1 << bits) + 1) + 8 * count
