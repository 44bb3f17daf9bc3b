"""MinHash signatures of shingle arrays and their LSH band keys, vectorised with numpy.

Each of NUM_PERM hash functions is multiply-add-shift, ``((a * x + b) mod 2**64) >> 32``,
which is strongly universal for 32-bit keys; the shingles are already hashed, so this is enough
for MinHash. BANDS bands of ROWS rows: a pair with Jaccard J becomes a candidate with
probability 1 - (1 - J**3)**42, i.e. 0.87 at J = 0.36 (the lowest Jaccard a pair at the default
threshold can have, see shingling.lowest_jaccard), 0.98 at 0.45, 0.999 at 0.55, and only
3e-4 for the 0.02 of distinct articles on the same topic.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from crawler.neardup.shingling import U32Array, U64Array, mix64

NUM_PERM = 126
BANDS = 42
ROWS = NUM_PERM // BANDS
# Low bits of a packed table entry hold the document number, the high bits the band key.
DOC_BITS = 24
MAX_DOCS = 1 << DOC_BITS
DOC_MASK = np.uint64(MAX_DOCS - 1)
KEY_MASK = ~DOC_MASK

_SEED = 0x6E6577736D6F6E  # fixed: signatures are stored on disk and must stay comparable
_rng = np.random.default_rng(_SEED)
_MULTIPLIERS = _rng.integers(1, 2**63, NUM_PERM, dtype=np.uint64) | np.uint64(1)
_ADDENDS = _rng.integers(0, 2**63, NUM_PERM, dtype=np.uint64)
_ROW_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
_BAND_SALT = mix64(np.arange(1, BANDS + 1, dtype=np.uint64))
_EMPTY_SIGNATURE = np.full(NUM_PERM, np.iinfo(np.uint32).max, dtype=np.uint32)
_GROUP = 8  # texts per product table in minhash_many (~6 MB: measured fastest from 4 to 16)


def minhash(shingle_hashes: U32Array) -> U32Array:
    """NUM_PERM minimum hash values of a shingle array (all 0xFFFFFFFF when it is empty)."""
    if len(shingle_hashes) == 0:
        return _EMPTY_SIGNATURE.copy()
    # One row per hash function: each minimum is then taken along contiguous memory.
    with np.errstate(over="ignore"):
        products = np.multiply.outer(_MULTIPLIERS, shingle_hashes.astype(np.uint64))
        products += _ADDENDS[:, np.newaxis]
    # The top 32 bits are monotone in the full value, so shift after taking the minimum.
    lowest: U64Array = products.min(axis=1) >> np.uint64(32)
    return lowest.astype(np.uint32)


def minhash_many(shingle_arrays: Sequence[U32Array]) -> U32Array:
    """minhash of each array, shape (len, NUM_PERM): the same values, about twice as fast
    for many texts (a worker's chunk of corpus files)."""
    signatures = np.empty((len(shingle_arrays), NUM_PERM), dtype=np.uint32)
    for start in range(0, len(shingle_arrays), _GROUP):
        group = shingle_arrays[start : start + _GROUP]
        signatures[start : start + len(group)] = _group_minhash(group)
    return signatures


def _group_minhash(group: Sequence[U32Array]) -> U32Array:
    # One product table for the group, each text's minimum taken over its span of columns
    # (reduceat): far fewer, longer numpy passes than one table per text.
    counts = np.array([len(hashes) for hashes in group], dtype=np.int64)
    result = np.tile(_EMPTY_SIGNATURE, (len(group), 1))
    filled = np.flatnonzero(counts)  # an empty span would take its neighbour's minimum
    if not len(filled):
        return result
    values = np.concatenate([group[i] for i in filled.tolist()]).astype(np.uint64)
    starts = np.concatenate(([0], np.cumsum(counts[filled])[:-1]))
    with np.errstate(over="ignore"):
        products = np.multiply.outer(_MULTIPLIERS, values)
        products += _ADDENDS[:, np.newaxis]
    lowest: U64Array = np.minimum.reduceat(products, starts, axis=1) >> np.uint64(32)
    result[filled] = lowest.T.astype(np.uint32)
    return result


def band_keys(signatures: U32Array) -> U64Array:
    """One 64-bit key per band, shape (..., BANDS), high bits only (see DOC_BITS)."""
    rows = signatures.reshape(*signatures.shape[:-1], BANDS, ROWS).astype(np.uint64)
    keys: U64Array = np.broadcast_to(_BAND_SALT, rows.shape[:-1])
    with np.errstate(over="ignore"):
        # A polynomial over the rows, then one finaliser: the band's values and its number
        # decide the key, and its top bits come out uniform (BandTable's directory needs that).
        for row in range(ROWS):
            keys = keys * _ROW_MULTIPLIER + rows[..., row]
    return mix64(keys) & KEY_MASK


def pack(keys: U64Array, doc: int | U64Array) -> U64Array:
    """Table entries: band key in the high bits, document number in the low DOC_BITS."""
    return keys | np.asarray(doc, dtype=np.uint64)
