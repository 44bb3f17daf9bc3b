"""The persistent near-duplicate index: MinHash LSH finds candidates, stored shingles decide."""

from __future__ import annotations

import logging
import time
from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import numpy as np
import numpy.typing as npt

from crawler.neardup.columns import Columns
from crawler.neardup.fingerprint import Fingerprint
from crawler.neardup.shingling import (
    DEFAULT_THRESHOLD,
    SIZE_GUARD,
    U32Array,
    U64Array,
    guarded_containment,
    lowest_jaccard,
)
from crawler.neardup.signature import DOC_MASK, KEY_MASK, band_keys, pack
from crawler.neardup.store import Entry, Store

logger = logging.getLogger(__name__)

_BATCH = 4096


@dataclass(frozen=True)
class NearMatch:
    """An earlier article the queried text near-duplicates."""

    key: str  # corpus file name of the earlier article
    similarity: float  # 0..1, the measure the threshold applies to


class BandTable:
    """LSH buckets: packed (band key, document) entries sorted once at load, found through a
    directory on their top bits, plus a dict for documents added since; loading costs one sort
    and no Python object per document, and a lookup touches a few cache lines at any size."""

    def __init__(self) -> None:
        self._sorted: U64Array = np.empty(0, dtype=np.uint64)
        self._starts: npt.NDArray[np.int64] = np.zeros(2, dtype=np.int64)
        self._shift = np.uint64(63)
        self._recent: dict[int, list[int]] = {}

    def load(self, docs: Columns) -> None:
        searchable = np.flatnonzero(docs.counts > 0).astype(np.uint64)
        keys = band_keys(docs.signatures[searchable.astype(np.intp)])
        self._sorted = np.sort(pack(keys, searchable[:, None]), axis=None)
        # About four entries per directory slot: enough to stay small, few enough to scan.
        bits = min(max(len(self._sorted).bit_length() - 2, 1), 28)
        self._shift = np.uint64(64 - bits)
        sizes = np.bincount((self._sorted >> self._shift).astype(np.intp), minlength=1 << bits)
        self._starts = np.concatenate(([0], np.cumsum(sizes)))
        self._recent = {}

    def add(self, doc: int, keys: U64Array) -> None:
        for key in keys.tolist():
            self._recent.setdefault(key, []).append(doc)

    def candidates(self, keys: U64Array) -> U64Array:
        """Documents sharing at least one band key with `keys`, without repeats."""
        slots = (keys >> self._shift).astype(np.intp)
        low, high = self._starts[slots], self._starts[slots + 1]
        lengths = high - low
        # Every position of every keys' directory slot, in one array.
        positions = np.repeat(low - np.cumsum(lengths) + lengths, lengths)
        positions += np.arange(len(positions))
        entries = self._sorted[positions]
        hits = entries[(entries & KEY_MASK) == np.repeat(keys, lengths)] & DOC_MASK
        recent = [doc for key in keys.tolist() for doc in self._recent.get(key, ())]
        if recent:
            hits = np.concatenate((hits, np.array(recent, dtype=np.uint64)))
        return np.unique(hits)


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
    def open(
        cls, directory: Path, *, threshold: float = DEFAULT_THRESHOLD, durable: bool = True
    ) -> NearDuplicateIndex:
        """Open (creating if needed) the index persisted in `directory`.

        durable=False syncs to disk only at close: for a caller that can re-add what a power
        cut loses (the crawler re-indexes corpus files the index lacks when it starts).
        """
        started = time.perf_counter()
        store = Store.open(Path(directory), durable)
        try:
            index = cls(store, threshold)
        except ValueError:
            store.close()
            raise
        logger.debug(
            "Opened near-duplicate index %s: %d documents in %.3f s",
            directory,
            len(index),
            time.perf_counter() - started,
        )
        return index

    @property
    def needs_rebuild(self) -> bool:
        """True when the files were missing, outdated or damaged beyond a torn last record:
        call `rebuild` with the whole corpus (or `add_many` what is missing)."""
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

    def query(self, text: str | Fingerprint) -> NearMatch | None:
        """The most similar indexed text at or above the threshold, verified exactly.

        A caller that adds the text next passes its Fingerprint to both, shingling it once.
        """
        self.refresh()
        fingerprint = _as_fingerprint(text)
        if len(fingerprint.shingles) == 0:
            return None
        return self._best(fingerprint.shingles, fingerprint.signature)

    def add(self, key: str, text: str | Fingerprint) -> None:
        """Index a text (or its Fingerprint) durably under `key`; a key already present is
        left as it is."""
        self.refresh()
        if key in self:
            logger.debug("Near-duplicate index already holds %s", key)
            return
        entry = _entry(key, text)
        self._store.append([entry])
        if len(entry.shingles):
            self._table.add(len(self) - 1, band_keys(entry.signature))

    def add_many(self, items: Iterable[tuple[str, str]]) -> int:
        """Index the (key, text) pairs whose key is new, syncing once per batch; return how many.

        For catching up with many corpus files: `add` syncs three files per text.
        """
        self.refresh()
        added = 0
        for batch in _batches(items, known=self):
            first = len(self)
            self._store.append(batch)
            for doc, entry in enumerate(batch, first):
                if len(entry.shingles):
                    self._table.add(doc, band_keys(entry.signature))
            added += len(batch)
        return added

    def rebuild(self, items: Iterable[tuple[str, str]]) -> None:
        """Replace the whole index with (key, text) pairs, e.g. every corpus file."""
        started = time.perf_counter()
        self._store.replace_all(_batches(items, known=()))
        self._table.load(self._store.docs)
        logger.info(
            "Rebuilt near-duplicate index %s: %d documents in %.1f s",
            self._store.directory,
            len(self),
            time.perf_counter() - started,
        )

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


def _as_fingerprint(text: str | Fingerprint) -> Fingerprint:
    return text if isinstance(text, Fingerprint) else Fingerprint.of(text)


def _entry(key: str, text: str | Fingerprint) -> Entry:
    fingerprint = _as_fingerprint(text)
    return Entry(key=key, signature=fingerprint.signature, shingles=fingerprint.shingles)


def _batches(items: Iterable[tuple[str, str]], known: Container[str]) -> Iterator[list[Entry]]:
    """Entries of new keys in batches; a repeated key keeps its first text."""
    seen: set[str] = set()
    pairs = iter(items)
    while batch := list(islice(pairs, _BATCH)):
        entries = []
        for key, text in batch:
            if key not in seen and key not in known:
                seen.add(key)
                entries.append(_entry(key, text))
        if entries:
            yield entries
