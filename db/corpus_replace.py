"""A revision's text as the corpus file of its article (`[revisions] corpus = "latest"`).

The work is `CorpusStore.replace`, the one way a corpus file changes; this names what a
re-check needs of it: None when the file already holds the text.
"""

from __future__ import annotations

from db.corpus import REPLACED_DIR, CorpusStore, Replaced, ReplaceError

__all__ = ["REPLACED_DIR", "ReplaceError", "Replaced", "replace_text"]


def replace_text(store: CorpusStore, seq: int, text: str) -> Replaced | None:
    """Make `text` the corpus text of article `seq`; None when it already is."""
    replaced = store.replace(seq, text, reason="revision")
    return None if replaced.old_name == replaced.new_name else replaced
