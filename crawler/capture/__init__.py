"""WARC captures: every fetched article kept as the bytes the server sent (warcio), and read back.

Pure code over files: the Scrapy layer (crawler/crawl/captures.py) hands pages in, the corpus
commands read them back by (file, offset) from the `captures` table. warcio loads with the
writer or reader, not with this package (`status` only sums file sizes).
"""

from typing import TYPE_CHECKING, Any

from crawler.capture.record import Capture, Decision, http_headers_of

if TYPE_CHECKING:
    from crawler.capture.warc import CaptureWriteError, Located, WarcArchive

__all__ = [
    "Capture",
    "CaptureWriteError",
    "Decision",
    "Located",
    "WarcArchive",
    "http_headers_of",
]


def __getattr__(name: str) -> Any:
    if name in ("CaptureWriteError", "Located", "WarcArchive"):
        from crawler.capture import warc

        return getattr(warc, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
