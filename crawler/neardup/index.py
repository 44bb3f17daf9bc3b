"""The persistent near-duplicate index: MinHash LSH finds candidates, stored shingles decide."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from crawler.neardup.columns import Columns
from crawler.neardup.fingerprint import Fingerprint
from crawler.neardup.runs import band_entries
from crawler.neardup.shingling import (
    DEFAULT_THRESHOLD,
    SIZE_GUARD,
    U32Array,
    U64Array,
    guarded_containment,
    lowest_jaccard,
)
from crawler.neardup.signature import DOC_MASK, KEY_MASK, NUM_PERM, band_keys
from crawler.neardup.store import Batch, Entry, Store

logger = logging.getLogger(__name__)

_BATCH = 4096


@dataclass(frozen=True)
class NearMatch:
    """An earlier article the queried text near-duplicates."""

    key: str  # corpus file name of the earlier article
    similarity: float  # 0..1, the measure the threshold applies to


class BandTable:
    """LSH buckets of the tail (documents past the sealed runs): packed (band key, document)
    entries sorted at load and found through a directory on their top bits, plus a dict for
    documents added since; the sealed runs answer for every other document."""

    def __init__(self) -> None:
        self._sorted: U64Array = np.empty(0, dtype=np.uint64)
        self._starts: npt.NDArray[np.int64] = np.zeros(2, dtype=np.int64)
        self._shift = np.uint64(63)
        self._recent: dict[int, list[int]] = {}

    def load(self, docs: Columns) -> None:
        self._sorted = np.sort(band_entries(docs.signatures, docs.first, docs.counts))
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
        """Documents sharing at least one band key with `keys` (repeats possible)."""
        slots = (keys >> self._shift).astype(np.intp)
        low, high = self._starts[slots], self._starts[slots + 1]
        lengths = high - low
        # Every position of every keys' directory slot, in one array.
        positions = np.repeat(low - np.cumsum(lengths) + lengths, lengths)
        positions += np.arange(len(positions))
        entries = self._sorted[positions]
        hits: U64Array = entries[(entries & KEY_MASK) == np.repeat(keys, lengths)] & DOC_MASK
        recent = [doc for key in keys.tolist() for doc in self._recent.get(key, ())]
        if recent:
            hits = np.concatenate((hits, np.array(recent, dtype=np.uint64)))
        return hits


class _Candidates(NamedTuple):
    """What the exact check needs of candidate documents, tail and sealed alike."""

    keys: list[str]
    counts: npt.NDArray[np.float64]
    offsets: list[int]
    signatures: U32Array


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
    def directory(self) -> Path:
        return self._store.directory

    @property
    def needs_rebuild(self) -> bool:
        """True when the files were missing, outdated or damaged beyond a torn last record:
        call `rebuild` with the whole corpus (or `add_many` what is missing)."""
        return self._store.needs_rebuild or self._store.generation.damaged

    def __len__(self) -> int:
        return len(self._store)

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        return bool(self.known([key])[0])

    def known(self, keys: Sequence[str]) -> npt.NDArray[np.bool_]:
        """Which of `keys` the index holds, vectorised: one search per run for all of them."""
        docs = self._store.docs
        found = np.array([key in docs.positions for key in keys], dtype=bool)
        generation = self._store.generation
        for run in generation.runs:
            for position, doc in run.key_docs(keys, ~found):
                if not found[position]:
                    sealed = generation.sealed(doc)
                    found[position] = sealed is not None and sealed.record.key == keys[position]
        return found

    def refresh(self) -> None:
        """Pick up documents other processes appended (or their rebuild) since the last call."""
        change = self._store.refresh()
        docs = self._store.docs
        if change.reloaded:
            self._table.load(docs)
            return
        for doc in range(change.first, docs.end):
            if docs.counts[doc - docs.first]:
                self._table.add(doc, band_keys(docs.signatures[doc - docs.first]))

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
        if self._store.append(Batch.of([entry])):
            self._table.load(self._store.docs)  # sealed: the tail is empty again
        elif len(entry.shingles):
            self._table.add(len(self) - 1, band_keys(entry.signature))

    def add_many(
        self, items: Iterable[tuple[str, str | Fingerprint]], *, checked: bool = False
    ) -> int:
        """Index the (key, text or Fingerprint) pairs whose key is new, syncing once per batch;
        return how many.

        For catching up with many corpus files: `add` syncs three files per text. Stopped
        half-way, what was added stays (the next call skips it). `checked`: the caller knows
        the keys are new (`known`) and distinct, so they are not looked up again.
        """
        return self.add_batches(_batches(items, known=() if checked else self, unique=checked))

    def add_batches(self, batches: Iterable[Batch]) -> int:
        """Index batches of documents whose keys are new and distinct (see `known`), as
        `add_many` does; return how many. For fingerprints computed in bulk elsewhere."""
        self.refresh()
        added = 0
        for batch in batches:
            if batch.keys:
                self._store.append(batch, bulk=True)
                added += len(batch.keys)
        self._store.end_bulk()  # what the next process loads stays small, the runs few
        self._table.load(self._store.docs)
        return added

    def rebuild(self, items: Iterable[tuple[str, str | Fingerprint]]) -> None:
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
        found = self._candidates(band_keys(signature))
        if found is None:
            return None
        estimates = (found.signatures == signature).mean(axis=1)
        sizes = found.counts
        small, large = np.minimum(sizes, len(hashes)), np.maximum(sizes, len(hashes))
        reachable = small / np.maximum(small, SIZE_GUARD * large) >= self.threshold
        keep = reachable & (estimates >= self._estimate_floor)
        best: tuple[float, int] | None = None
        for position in np.flatnonzero(keep).tolist():
            stored = self._store.generation.shingles(
                found.offsets[position], int(found.counts[position])
            )
            shared = len(np.intersect1d(hashes, stored, assume_unique=True))
            score = guarded_containment(shared, len(hashes), len(stored))
            if score >= self.threshold and (best is None or score > best[0]):
                best = (score, position)
        if best is None:
            return None
        return NearMatch(key=found.keys[best[1]], similarity=best[0])

    def _candidates(self, keys: U64Array) -> _Candidates | None:
        """Tail and sealed documents sharing a band key with `keys`, with their columns."""
        generation = self._store.generation
        hits = [self._table.candidates(keys), *(run.bands.find(keys) for run in generation.runs)]
        docs_found = np.unique(np.concatenate(hits)).tolist()
        if not docs_found:
            return None
        tail = self._store.docs
        names, counts, offsets, signatures = [], [], [], []
        for doc in docs_found:
            if doc >= tail.first:
                row = doc - tail.first
                names.append(tail.keys[row])
                counts.append(int(tail.counts[row]))
                offsets.append(int(tail.offsets[row]))
                signatures.append(tail.signatures[row])
            elif (sealed := generation.sealed(doc)) is not None:
                names.append(sealed.record.key)
                counts.append(sealed.record.shingles)
                offsets.append(sealed.record.offset)
                signatures.append(sealed.signature)
        if not names:
            return None
        return _Candidates(
            keys=names,
            counts=np.array(counts, dtype=np.float64),
            offsets=offsets,
            signatures=np.stack(signatures).reshape(len(names), NUM_PERM),
        )


def _as_fingerprint(text: str | Fingerprint) -> Fingerprint:
    return text if isinstance(text, Fingerprint) else Fingerprint.of(text)


def _entry(key: str, text: str | Fingerprint) -> Entry:
    fingerprint = _as_fingerprint(text)
    return Entry(key=key, signature=fingerprint.signature, shingles=fingerprint.shingles)


def _batches(
    items: Iterable[tuple[str, str | Fingerprint]],
    known: NearDuplicateIndex | tuple[()],
    unique: bool = False,
) -> Iterator[Batch]:
    """Entries of new keys in batches; a repeated key keeps its first text (`unique`: the
    caller vouches there are none, and no set of every key is kept)."""
    seen: set[str] = set()
    pairs = iter(items)
    while batch := list(islice(pairs, _BATCH)):
        held = known.known([key for key, _ in batch]) if known else np.zeros(len(batch), bool)
        entries = []
        for (key, text), in_index in zip(batch, held.tolist(), strict=True):
            if key not in seen and not in_index:
                if not unique:
                    seen.add(key)
                entries.append(_entry(key, text))
        if entries:
            yield Batch.of(entries)
