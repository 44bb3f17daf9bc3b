"""Fingerprints of corpus files, a chunk at a time: the task of an indexing worker process.

Kept apart from crawler.corpus_index so a spawned worker imports numpy and the shingling
code only, not the database layer.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from crawler.neardup.shingling import shingle_array
from crawler.neardup.signature import minhash_many
from crawler.neardup.store import Batch


def fingerprint_files(directory: str, names: Sequence[str]) -> Batch:
    """The files' fingerprints as one Batch of columns (undecodable bytes replaced; a file gone
    since its row was written is left out, `corpus verify` reports it): one small pickle per
    chunk instead of two arrays per file, the signatures computed together."""
    keys, shingles = [], []
    for name in names:
        try:
            with open(os.path.join(directory, name), encoding="utf-8", errors="replace") as file:
                text = file.read()
        except FileNotFoundError:
            continue
        keys.append(name)
        shingles.append(shingle_array(text))
    if not keys:
        return Batch.joined([])
    return Batch(
        keys,
        np.array([len(hashes) for hashes in shingles], dtype=np.uint32),
        minhash_many(shingles),
        np.concatenate(shingles).astype(np.uint32, copy=False),
    )
