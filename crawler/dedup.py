"""Deduplication entry point: the near-duplicate index (exact duplicates use content_hash)."""

from crawler.neardup import DEFAULT_THRESHOLD, NearDuplicateIndex, NearMatch, shingles, similarity
from crawler.normalize import content_hash

__all__ = [
    "DEFAULT_THRESHOLD",
    "NearDuplicateIndex",
    "NearMatch",
    "content_hash",
    "shingles",
    "similarity",
]
