"""A corpus folder's file names in number order, held compactly (~50 bytes a file).

A million names as Python strings in sorted (number, name) tuples cost ~300 MB while sorting;
here they are one bytes blob and arrays of where each name lies, read back a name at a time.
Plain arrays, no numpy: `export` and `corpus stats` list the folder too and stay light.
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import overload

from corpus_folder.names import NAME_PATTERN

_POSITION_BITS = 24  # a sort key is number << 24 | position in the listing


class FolderNames(Sequence[str]):
    """The corpus files of a folder (regular files named like one), ordered by (number, name)."""

    def __init__(self, blob: bytes | bytearray, ends: array[int], seqs: array[int]) -> None:
        self._blob = blob
        self._starts, self._ends, self.seqs = array("q"), array("q"), array("q")
        for position in _order(seqs):
            self._starts.append(ends[position - 1] if position else 0)
            self._ends.append(ends[position])
            self.seqs.append(seqs[position])
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
        return cls(blob, ends, seqs)

    def __len__(self) -> int:
        return len(self.seqs)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[position] for position in range(*index.indices(len(self)))]
        return self._blob[self._starts[index] : self._ends[index]].decode("utf-8")

    def __iter__(self) -> Iterator[str]:
        for begin, end in zip(self._starts, self._ends, strict=True):
            yield self._blob[begin:end].decode("utf-8")

    @property
    def max_seq(self) -> int:
        return self.seqs[-1] if self.seqs else -1

    def pairs(self, start: int, stop: int) -> list[tuple[int, str]]:
        """(number, name) of the files at positions [start, stop)."""
        return list(zip(self.seqs[start:stop], self[start:stop], strict=True))

    def _break_ties(self) -> None:
        # Two files with one number (a sync refuses the second): ordered by name, as before.
        seqs, first = self.seqs, 0
        while first < len(seqs):
            last = first + 1
            while last < len(seqs) and seqs[last] == seqs[first]:
                last += 1
            if last - first > 1:
                spans = sorted(zip(self[first:last], self._starts[first:last],
                                   self._ends[first:last], strict=True))  # fmt: skip
                self._starts[first:last] = array("q", (begin for _, begin, _ in spans))
                self._ends[first:last] = array("q", (end for _, _, end in spans))
            first = last


def _order(seqs: array[int]) -> Iterator[int]:
    """Positions sorted by number (ties in listing order), through one array of packed keys
    rather than a list of tuples."""
    if len(seqs) >= 1 << _POSITION_BITS or any(seq >= 1 << 38 for seq in seqs):
        yield from sorted(range(len(seqs)), key=seqs.__getitem__)  # beyond what packing holds
        return
    keys = array("q", (seq << _POSITION_BITS | position for position, seq in enumerate(seqs)))
    keys = array("q", sorted(keys))
    mask = (1 << _POSITION_BITS) - 1
    for key in keys:
        yield key & mask
