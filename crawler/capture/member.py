"""One WARC record as one gzip member: deflated by ISA-L, or zlib where ISA-L is missing.

Keeping a capture costs what serialising (warcio) and compressing its records costs, on every
fetched page; compressing was ~80% of it with zlib. On the fixture news pages (~130 KB), one
core: ISA-L level 2 takes 0.22 ms a page for 31.4 KiB; zlib 0.9 ms at level 1 (32.1 KiB),
1.1 ms at level 3 (30.0 KiB), 2.2 ms at level 6 (26.9 KiB). Both write standard gzip
(RFC 1952), which any reader takes.
"""

from __future__ import annotations

import zlib
from typing import Final

GZIP_WBITS: Final = zlib.MAX_WBITS + 16  # a gzip header and trailer around the deflate stream
ISAL_LEVEL: Final = 2  # ISA-L's levels are 0-3; 3 is twice as slow for 4% smaller files
ZLIB_LEVEL: Final = 3  # without ISA-L: most of level 6's size for half of its time

try:
    from isal import isal_zlib

    def gzip_member(data: bytes | memoryview) -> bytes:
        """`data` compressed as one gzip member."""
        return isal_zlib.compress(data, ISAL_LEVEL, GZIP_WBITS)

except ImportError:  # no ISA-L build for this platform: the standard library's deflate

    def gzip_member(data: bytes | memoryview) -> bytes:
        """`data` compressed as one gzip member."""
        packer = zlib.compressobj(ZLIB_LEVEL, zlib.DEFLATED, GZIP_WBITS)
        return packer.compress(data) + packer.flush()
