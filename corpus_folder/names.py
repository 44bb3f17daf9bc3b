"""Corpus file names: `NNN_<first 16 hex of the SHA-256>.txt`."""

import re

NAME_PATTERN = re.compile(r"^(\d{3,})_([0-9a-f]{16})\.txt$")


def corpus_name(seq: int, content_hash: str) -> str:
    """`NNN_<first 16 hex of the SHA-256>.txt`, NNN zero-padded to at least three digits."""
    return f"{seq:03d}_{content_hash[:16]}.txt"
