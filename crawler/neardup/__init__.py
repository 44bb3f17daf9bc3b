"""Near-duplicate detection: shingle sets, the exact measure and the persistent MinHash index.

See crawler.neardup.shingling for the measure and the figures behind DEFAULT_THRESHOLD.
"""

from typing import TYPE_CHECKING, Any

from crawler.neardup.threshold import DEFAULT_THRESHOLD

if TYPE_CHECKING:
    from crawler.neardup.fingerprint import Fingerprint
    from crawler.neardup.index import NearDuplicateIndex, NearMatch
    from crawler.neardup.shingling import shingles, similarity

_LAZY = {
    "Fingerprint": "fingerprint",
    "NearDuplicateIndex": "index",
    "NearMatch": "index",
    "shingles": "shingling",
    "similarity": "shingling",
}


def __getattr__(name: str) -> Any:
    # numpy loads with the index, not with the configuration (`status` never needs it)
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)


__all__ = [
    "DEFAULT_THRESHOLD",
    "Fingerprint",
    "NearDuplicateIndex",
    "NearMatch",
    "shingles",
    "similarity",
]
