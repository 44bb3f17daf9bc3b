"""Near-duplicate detection: shingle sets, the exact measure and the persistent MinHash index.

See crawler.neardup.shingling for the measure and the figures behind DEFAULT_THRESHOLD.
"""

from crawler.neardup.index import NearDuplicateIndex, NearMatch
from crawler.neardup.shingling import DEFAULT_THRESHOLD, shingles, similarity

__all__ = ["DEFAULT_THRESHOLD", "NearDuplicateIndex", "NearMatch", "shingles", "similarity"]
