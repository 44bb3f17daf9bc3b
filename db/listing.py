"""A corpus folder's file names in number order, held compactly (~50 bytes a file).

A million names as Python strings in sorted (number, name) tuples cost ~300 MB while sorting;
here they are one bytes blob, their ends and a sort order, read back a name at a time.
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import overload

import numpy as np
import numpy.typing as npt

from db.names import NAME_PATTERN

_Ints = npt.NDArray[np.int64]


class FolderNames(Sequence[str]):
    """The corpus files of a folder (regular files named like one), ordered by (number, name)."""

    def __init__(self, blob: bytes, ends: _Ints, seqs: _Ints) -> None:
        self._blob = blob
        starts = np.concatenate(([0], ends[:-1])).astype(np.int64)
        order = np.argsort(seqs, kind="stable")
        self._starts, self._ends = starts[order], ends[order]
        self.seqs: _Ints = seqs[order]
        self._break_ties()

    @classmethod
    def of(cls, directory: Path) -> FolderNames:
        blob, ends, seqs = bytearray(), array("q"), array("q")
        # A symlink named like a corpus file could point anywhere: it is not a corpus file.
        with os.scandir(directory) as entries:
            for entry in entries:
                match = NAME_PATTERN.match(entry.name)
                if match and entry.is_file(follow_symlinks=False):
                    blob += entry.name.encode("utf-8")
                    ends.append(len(blob))
                    seqs.append(int(match[1]))
        return cls(bytes(blob), np.frombuffer(ends, np.int64), np.frombuffer(seqs, np.int64))

    def __len__(self) -> int:
        return len(self.seqs)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[position] for position in range(*index.indices(len(self)))]
        begin, end = int(self._starts[index]), int(self._ends[index])
        return self._blob[begin:end].decode("utf-8")

    def __iter__(self) -> Iterator[str]:
        for begin, end in zip(self._starts.tolist(), self._ends.tolist(), strict=True):
            yield self._blob[begin:end].decode("utf-8")

    @property
    def max_seq(self) -> int:
        return int(self.seqs[-1]) if len(self) else -1

    def pairs(self, start: int, stop: int) -> list[tuple[int, str]]:
        """(number, name) of the files at positions [start, stop)."""
        return list(zip(self.seqs[start:stop].tolist(), self[start:stop], strict=True))

    def _break_ties(self) -> None:
        # Two files with one number (a sync refuses the second): ordered by name, as before.
        repeated = np.flatnonzero(self.seqs[1:] == self.seqs[:-1])
        for first in np.unique(np.searchsorted(self.seqs, self.seqs[repeated])).tolist():
            last = int(np.searchsorted(self.seqs, self.seqs[first], side="right"))
            spans = sorted(
                zip(self[first:last], self._starts[first:last], self._ends[first:last], strict=True)
            )
            self._starts[first:last] = [begin for _, begin, _ in spans]
            self._ends[first:last] = [end for _, _, end in spans]
