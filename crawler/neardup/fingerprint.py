"""A text's near-duplicate fingerprint: its shingle hashes and their MinHash signature."""

from __future__ import annotations

from dataclasses import dataclass

from crawler.neardup.shingling import U32Array, shingle_array
from crawler.neardup.signature import minhash


@dataclass(frozen=True, eq=False)
class Fingerprint:
    """All the index needs of a text, to query with it and then add it.

    Computed once per text, wherever CPU is spare (the crawl's extraction workers compute it
    beside the parse), and cheap to pickle: two small numpy arrays.
    """

    shingles: U32Array  # sorted unique shingle hashes (shingling.shingle_array)
    signature: U32Array  # minhash(shingles)

    @classmethod
    def of(cls, text: str) -> Fingerprint:
        hashes = shingle_array(text)
        return cls(shingles=hashes, signature=minhash(hashes))
