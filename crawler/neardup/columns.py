"""Columns of the index's tail (documents past its sealed runs) in memory, grown by doubling."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from crawler.neardup.shingling import U32Array, U64Array
from crawler.neardup.signature import NUM_PERM

_Array = TypeVar("_Array", bound=npt.NDArray[np.generic])


class Columns:
    """Keys, shingle counts and offsets, and signatures of documents first, first + 1, ...

    Only the tail lives here (bounded by the sealing size); sealed documents are read from
    the files when a lookup needs them.
    """

    def __init__(self, first: int = 0, shingle_start: int = 0) -> None:
        self.first = first  # the number of the first document held
        self._shingle_start = shingle_start  # where its shingles start (uint32 units)
        self.keys: list[str] = []
        self.positions: dict[str, int] = {}
        self._counts: U32Array = np.empty(0, dtype=np.uint32)
        self._offsets: U64Array = np.empty(0, dtype=np.uint64)
        self._signatures: U32Array = np.empty((0, NUM_PERM), dtype=np.uint32)

    def __len__(self) -> int:
        return len(self.keys)

    @property
    def end(self) -> int:
        """The number of the next document (all documents, sealed ones included)."""
        return self.first + len(self.keys)

    @property
    def counts(self) -> U32Array:
        return self._counts[: len(self)]

    @property
    def offsets(self) -> U64Array:
        return self._offsets[: len(self)]

    @property
    def signatures(self) -> U32Array:
        return self._signatures[: len(self)]

    @property
    def shingle_start(self) -> int:
        """Where the first document's shingles start (where the sealed runs' end)."""
        return self._shingle_start

    @property
    def shingle_end(self) -> int:
        """Where the next document's shingles start in the shingle file (in uint32 units)."""
        if not self.keys:
            return self._shingle_start
        return int(self._offsets[len(self) - 1]) + int(self._counts[len(self) - 1])

    def extend(
        self,
        keys: Sequence[str],
        counts: npt.ArrayLike,
        offsets: npt.ArrayLike,
        signatures: U32Array,
    ) -> None:
        start, stop = len(self), len(self) + len(keys)
        if stop > len(self._counts):
            self._grow(max(stop, 2 * len(self._counts), 1024))
        self._counts[start:stop] = counts
        self._offsets[start:stop] = offsets
        self._signatures[start:stop] = signatures
        for position, key in enumerate(keys, start):
            self.positions.setdefault(key, self.first + position)
        self.keys.extend(keys)

    def _grow(self, capacity: int) -> None:
        self._counts = _resized(self._counts, capacity)
        self._offsets = _resized(self._offsets, capacity)
        self._signatures = _resized(self._signatures, capacity)


def _resized(array: _Array, capacity: int) -> _Array:
    grown: _Array = np.empty_like(array, shape=(capacity, *array.shape[1:]))
    grown[: len(array)] = array
    return grown
