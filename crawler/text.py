"""Pure text normalisation: NFC lines, single spaces, and the content hash of the corpus form."""

from __future__ import annotations

import hashlib
import re
import unicodedata

# Line separators count as spaces inside a line: a headline or paragraph is always one line.
_SPACES = re.compile(
    r"[ \t\n\r\v\f\x1c-\x1e\x85\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+"
)
_INVISIBLE = re.compile(r"[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


def normalize_line(line: str) -> str:
    """Drop invisible characters, fold runs of spaces, strip the ends, compose to NFC."""
    # Invisible characters go first: one between two jamo would block their composition.
    line = _INVISIBLE.sub("", line)
    if "\x1f" in line:  # the one character str.split() takes for a space and _SPACES does not
        return unicodedata.normalize("NFC", _SPACES.sub(" ", line).strip())
    # Otherwise split() folds exactly _SPACES, without a regex match per space.
    return unicodedata.normalize("NFC", " ".join(line.split()))


def normalize_text(text: str) -> str:
    """The corpus form of a text: NFC lines, single spaces, no blank lines, no trailing newline."""
    lines = (normalize_line(line) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def content_hash(text: str) -> str:
    """SHA-256 hex digest of the text's UTF-8 bytes (equals sha256sum of the corpus file)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
