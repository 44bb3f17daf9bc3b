"""WARC captures: every fetched article kept as the bytes the server sent (warcio), and read back.

Pure code over files: the Scrapy layer (crawler/crawl/captures.py) hands pages in, the corpus
commands read them back by (file, offset) from the `captures` table.
"""

from crawler.capture.record import Capture, Decision, http_headers_of
from crawler.capture.warc import CaptureWriteError, Located, WarcArchive

__all__ = [
    "Capture",
    "CaptureWriteError",
    "Decision",
    "Located",
    "WarcArchive",
    "http_headers_of",
]
