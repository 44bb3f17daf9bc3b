"""New versions of revised articles, kept in the state folder beside the corpus.

`<corpus>.newsmon/revisions/NNN/<UTC time>_<16 hex of sha256>.txt`, one file per recorded
version, written whole (fsynced under a temporary name, then renamed): the corpus folder itself
holds only corpus files.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from corpus_folder.fs import write_whole

REVISIONS_DIR = "revisions"


def write_version(state_dir: Path, seq: int, detected_at: datetime, text: str) -> str:
    """Store `text` as a version of article `seq`; returns its path relative to `state_dir`."""
    data = text.encode("utf-8")
    stamp = detected_at.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    digest = hashlib.sha256(data).hexdigest()
    relative = Path(REVISIONS_DIR, f"{seq:03d}", f"{stamp}_{digest[:16]}.txt")
    target = state_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    write_whole(target, data)
    return relative.as_posix()


def read_version(state_dir: Path, relative: str) -> str:
    """The text of a stored version."""
    return (state_dir / relative).read_text(encoding="utf-8")
