"""The persistent near-duplicate index: MinHash LSH finds candidates, stored shingles decide."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import numpy as np

from crawler.neardup.columns import Columns
from crawler.neardup.shingling import (
    DEFAULT_THRESHOLD,
    SIZE_GUARD,
    U32Array,
    U64Array,
    guarded_containment,
    lowest_jaccard,
    shingle_array,
)
from crawler.neardup.signature import DOC_MASK, band_keys, minhash, pack
from crawler.neardup.store import Entry, Store

logger = logging.getLogger(__name__)

_REBUILD_BATCH = 4096


@dataclass(frozen=True)
class NearMatch:
    """An earlier article the queried text near-duplicates."""

    key: str  # corpus file name of the earlier article
    similarity: float  # 0..1, the measure the threshold applies to


class BandTable:
    """LSH buckets: a sorted array of packed (band key, document) built at load, plus a dict
    for documents added since, so loading costs one sort and no per-document Python objects."""

    def __init__(self) -> None:
        self._sorted: U64Array = np.empty(0, dtype=np.uint64)
        self._recent: dict[int, list[int]] = {}

    def load(self, docs: Columns) -> None:
        searchable = np.flatnonzero(docs.counts > 0).astype(np.uint64)
        keys = band_keys(docs.signatures[searchable.astype(np.intp)])
        self._sorted = np.sort(pack(keys, searchable[:, None]), axis=None)
        self._recent = {}

    def add(self, doc: int, keys: U64Array) -> None:
        for key in keys.tolist():
            self._recent.setdefault(key, []).append(doc)

    def candidates(self, keys: U64Array) -> U64Array:
        """Documents sharing at least one band key with `keys`, without repeats."""
        low = np.searchsorted(self._sorted, keys, side="left")
        high = np.searchsorted(self._sorted, keys | DOC_MASK, side="right")
        found = [self._sorted[start:stop] & DOC_MASK for start, stop in zip(low, high, strict=True)
                 if stop > start]
        recent = [doc for key in keys.tolist() for doc in self._recent.get(key, ())]
        if recent:
            found.append(np.array(recent, dtype=np.uint64))
        return np.unique(np.concatenate(found)) if found else np.empty(0, dtype=np.uint64)


class NearDuplicateIndex:
    """Near-duplicate detection over a growing corpus, persisted under one directory.

    Stores each document's sorted shingle hashes (uint32) so a query verifies its LSH candidates
    with the exact measure, without reading the corpus. One process writes at a time (the caller
    holds a corpus-wide lock around query + add); readers pick up other writers' appends through
    `refresh`, which `query` and `add` call first.
    """

    def __init__(self, store: Store, threshold: float) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], got {threshold}")
        self.threshold = threshold
        self._store = store
        self._table = BandTable()
        self._table.load(store.docs)
        # Candidates whose estimated Jaccard is far below what the threshold allows are skipped
        # before the exact check; half the bound leaves > 4 standard deviations of MinHash error.
        self._estimate_floor = lowest_jaccard(threshold) / 2

    @classmethod
    def open(cls, directory: Path, *, threshold: float = DEFAULT_THRESHOLD) -> NearDuplicateIndex:
        """Open (creating if needed) the index persisted in `directory`."""
        started = time.perf_counter()
        index = cls(Store.open(Path(directory)), threshold)
        logger.debug("Opened near-duplicate index %s: %d documents in %.3f s",
                     directory, len(index), time.perf_counter() - started)
        return index

    @property
    def needs_rebuild(self) -> bool:
        """True when the files were missing, outdated or damaged beyond a torn last record:
        call `rebuild` with the whole corpus (or `add` what is missing)."""
        return self._store.needs_rebuild

    def __len__(self) -> int:
        return len(self._store.docs)

    def __contains__(self, key: object) -> bool:
        return key in self._store.docs.positions

    def refresh(self) -> None:
        """Pick up documents other processes appended (or their rebuild) since the last call."""
        change = self._store.refresh()
        docs = self._store.docs
        if change.reloaded:
            self._table.load(docs)
            return
        for doc in range(change.first, len(docs)):
            if docs.counts[doc]:
                self._table.add(doc, band_keys(docs.signatures[doc]))

    def query(self, text: str) -> NearMatch | None:
        """The most similar indexed text at or above the threshold, verified exactly."""
        self.refresh()
        hashes = shingle_array(text)
        if len(hashes) == 0:
            return None
        return self._best(hashes, minhash(hashes))

    def add(self, key: str, text: str) -> None:
        """Index a text durably under `key`; a key already present is left as it is."""
        self.refresh()
        if key in self:
            logger.debug("Near-duplicate index already holds %s", key)
            return
        entry = _entry(key, text)
        self._store.append([entry])
        if len(entry.shingles):
            self._table.add(len(self) - 1, band_keys(entry.signature))

    def rebuild(self, items: Iterable[tuple[str, str]]) -> None:
        """Replace the whole index with (key, text) pairs, e.g. every corpus file."""
        started = time.perf_counter()
        self._store.replace_all(_batches(items))
        self._table.load(self._store.docs)
        logger.info("Rebuilt near-duplicate index %s: %d documents in %.1f s",
                    self._store.directory, len(self), time.perf_counter() - started)

    def close(self) -> None:
        self._store.close()

    def _best(self, hashes: U32Array, signature: U32Array) -> NearMatch | None:
        docs = self._store.docs
        candidates = self._table.candidates(band_keys(signature)).astype(np.intp)
        if len(candidates) == 0:
            return None
        estimates = (docs.signatures[candidates] == signature).mean(axis=1)
        sizes = docs.counts[candidates].astype(np.float64)
        small, large = np.minimum(sizes, len(hashes)), np.maximum(sizes, len(hashes))
        reachable = small / np.maximum(small, SIZE_GUARD * large) >= self.threshold
        keep = reachable & (estimates >= self._estimate_floor)
        best: tuple[float, int] | None = None
        for doc in candidates[keep].tolist():
            stored = self._store.generation.shingles(int(docs.offsets[doc]), int(docs.counts[doc]))
            shared = len(np.intersect1d(hashes, stored, assume_unique=True))
            score = guarded_containment(shared, len(hashes), len(stored))
            if score >= self.threshold and (best is None or score > best[0]):
                best = (score, doc)
        return None if best is None else NearMatch(key=docs.keys[best[1]], similarity=best[0])


def _entry(key: str, text: str) -> Entry:
    hashes = shingle_array(text)
    return Entry(key=key, signature=minhash(hashes), shingles=hashes)


def _batches(items: Iterable[tuple[str, str]]) -> Iterator[list[Entry]]:
    """Entries in batches, later repeats of a key dropped (the first stored text wins)."""
    seen: set[str] = set()
    pairs = iter(items)
    while batch := list(islice(pairs, _REBUILD_BATCH)):
        entries = []
        for key, text in batch:
            if key not in seen:
                seen.add(key)
                entries.append(_entry(key, text))
        yield entries
