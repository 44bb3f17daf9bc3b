"""Replacing a corpus file in place (same number, a new name from the new bytes): what it
returns, how the old bytes are kept for undo and history, and a revision's text as its
article's corpus file. The replacement itself is `CorpusStore.replace`, under the folder lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from corpus_folder.fs import write_whole

REPLACED_DIR = "replaced"  # in the state folder: the bytes of corpus files replaced in place


class ReplaceError(ValueError):
    """A text cannot replace a corpus file: no such number, or another file has these bytes."""


@dataclass(frozen=True)
class Replaced:
    """What `CorpusStore.replace` did: the number kept, the file name before and after."""

    seq: int
    old_name: str
    new_name: str


def keep_old(directory: Path, state_dir: Path, name: str) -> None:
    """Keep the bytes of corpus file `name` in the state folder (`replaced/`), whole or not at
    all."""
    kept = state_dir / REPLACED_DIR
    kept.mkdir(parents=True, exist_ok=True)
    target = kept / name
    if not target.exists():
        write_whole(target, (directory / name).read_bytes())


class Replacing(Protocol):
    """What `replace_text` needs of a store (`CorpusStore`)."""

    def replace(self, seq: int, text: str, *, reason: str, run: str | None = None) -> Replaced: ...


def replace_text(store: Replacing, seq: int, text: str) -> Replaced | None:
    """A revision's text as the corpus file of its article: None when it already is."""
    replaced = store.replace(seq, text, reason="revision")
    return None if replaced.old_name == replaced.new_name else replaced
