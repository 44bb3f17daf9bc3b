"""Shingle sets of normalised text and the exact near-duplicate measure with its threshold.

The measure is *guarded containment*: shared shingles divided by
``max(|smaller set|, SIZE_GUARD * |larger set|)``. It is the containment of the smaller text in
the larger one while their sizes are within a factor 1 / SIZE_GUARD, so a clean re-extraction
still matches a hand-cut page that carries menus, widgets or its body twice (shingle *sets* make
a repeated body harmless). For a smaller text the denominator stops shrinking, so a short
paragraph is not "contained" in a long article by accident.

Figures measured with k = 7 (tests/unit/test_neardup.py keeps them true):

=========================================================  ==========  =======
pair                                                        similarity  Jaccard
=========================================================  ==========  =======
legacy seed 000-004 vs its clean headline + body            0.99-1.00   0.70-0.94
wire story, three outlets, other last line (and headline)   0.92-0.98   0.84-0.94
one sentence corrected (amount, year, market name)          0.94        0.89
re-extraction with a different sidebar                      0.87        0.72
same weekly fuel-price template, different numbers          0.61        0.44
two releases sharing a 2-sentence city press opening        0.26        0.15
two briefs sharing an outlet footer (~35 % of the text)     0.38        0.21
two short briefs sharing a reporter's sign-off              0.13        0.07
distinct same-topic articles (seeds and stored gold texts)  <= 0.03     <= 0.01
=========================================================  ==========  =======

Positives start at 0.87 and negatives stop at 0.61, so DEFAULT_THRESHOLD = 0.8 sits in the gap,
nearer the positives because a false merge loses an article while a missed one only stores a
copy. k = 7 rather than 5 because each changed number breaks k shingles: at k = 5 the template
pair scored 0.70, at k = 7 0.61, while the positives moved by at most 0.02.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import numpy.typing as npt

from crawler.neardup.threshold import DEFAULT_THRESHOLD as DEFAULT_THRESHOLD

SHINGLE_SIZE = 7
SIZE_GUARD = 0.5

U32Array = npt.NDArray[np.uint32]
U64Array = npt.NDArray[np.uint64]

# Whitespace, punctuation, symbols and "_": only letters and digits carry the story.
_NOT_ALNUM = re.compile(r"[\W_]+")
_FNV_PRIME = np.uint64(0x100000001B3)


def normalize_for_shingles(text: str) -> str:
    """NFKC, case-folded, letters and digits only: spacing and quote styles stop mattering."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    # split() drops the whitespace first, so the regex only meets the punctuation runs.
    return _NOT_ALNUM.sub("", "".join(folded.split()))


def mix64(values: U64Array) -> U64Array:
    """MurmurHash3's 64-bit finaliser, element-wise (wrapping arithmetic is the point)."""
    with np.errstate(over="ignore"):
        values = values ^ (values >> np.uint64(33))
        values = values * np.uint64(0xFF51AFD7ED558CCD)
        values = values ^ (values >> np.uint64(33))
        values = values * np.uint64(0xC4CEB9FE1A85EC53)
        return values ^ (values >> np.uint64(33))


def shingle_array(text: str, k: int = SHINGLE_SIZE) -> U32Array:
    """Sorted unique 32-bit hashes of the text's k-character shingles (normalised text).

    A text shorter than k yields one shingle of the whole text; an empty one yields none.
    """
    normalized = normalize_for_shingles(text)
    if not normalized:
        return np.empty(0, dtype=np.uint32)
    points = np.frombuffer(normalized.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    width = min(k, len(points))
    count = len(points) - width + 1
    hashes = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(width):
            hashes = hashes * _FNV_PRIME + points[offset : offset + count]
    high = mix64(hashes) >> np.uint64(32)
    return sorted_unique(high.astype(np.uint32))


def sorted_unique(values: U32Array) -> U32Array:
    """np.unique(values) for a 1-d array: sort, then keep each first of a run."""
    # numpy's own unique goes through a hash table first and costs ~8x this on a page's shingles.
    ordered = np.sort(values)
    if len(ordered) < 2:
        return ordered
    first = np.empty(len(ordered), dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return ordered[first]


def shingles(text: str, k: int = SHINGLE_SIZE) -> set[int]:
    """The text's shingle hashes as a Python set (for callers and tests)."""
    return set(shingle_array(text, k).tolist())


def guarded_containment(shared: int, size_a: int, size_b: int) -> float:
    """Shared shingles over max(smaller size, SIZE_GUARD * larger size); 0 for empty sets."""
    small, large = sorted((size_a, size_b))
    denominator = max(float(small), SIZE_GUARD * large)
    return shared / denominator if denominator > 0 else 0.0


def set_similarity(a: U32Array, b: U32Array) -> float:
    """The exact measure between two sorted unique shingle arrays."""
    shared = len(np.intersect1d(a, b, assume_unique=True))
    return guarded_containment(shared, len(a), len(b))


def similarity(a: str, b: str) -> float:
    """The exact near-duplicate measure between two texts, 0..1."""
    return set_similarity(shingle_array(a), shingle_array(b))


def lowest_jaccard(threshold: float) -> float:
    """The smallest Jaccard index a pair at the threshold can have (sizes at the guard ratio)."""
    shared = threshold * SIZE_GUARD
    return shared / (1.0 + SIZE_GUARD - shared)
