"""What one capture holds (the exchange as sent and received) and what newsmon decided about it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

# Headers that describe the bytes on the wire, not the body stored: the body is kept after
# transfer and content decoding, so a reader must not decode it again. Each is kept renamed
# with this prefix (the name replay tools such as pywb give an archived original header).
ORIGINAL_PREFIX = "X-Archive-Orig-"
WARC_SUFFIX = ".warc.gz"  # the archive's files
_WIRE_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})


@dataclass(frozen=True)
class Decision:
    """What newsmon did with the page: `added` (with the corpus file), `duplicate`, `off_topic`...

    Written into the capture's metadata record and its index row.
    """

    status: str
    detail: str | None = None  # e.g. "duplicate of 012_ab….txt", "off topic (no place)"
    file_name: str | None = None  # the corpus file, when the page became one
    seq: int | None = None

    def as_fields(self) -> dict[str, str]:
        """The decision as WARC-style `name: value` fields (the metadata record's payload)."""
        fields = {"newsmon-decision": self.status}
        if self.detail:
            fields["newsmon-detail"] = self.detail
        if self.file_name:
            fields["newsmon-corpus-file"] = self.file_name
        if self.seq is not None:
            fields["newsmon-corpus-seq"] = str(self.seq)
        return fields


@dataclass(frozen=True)
class Capture:
    """One HTTP exchange: the request as sent, the response status and headers as received,
    and the body after transfer and content decoding (what the extractor read)."""

    url: str
    captured_at: datetime  # timezone-aware: the WARC-Date
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    protocol: str = "HTTP/1.1"
    reason: str = ""
    method: str = "GET"
    request_headers: list[tuple[str, str]] | None = None  # None: no request record
    source: str | None = None
    canonical_url: str | None = None
    extra: dict[str, str] = field(default_factory=dict)  # more metadata fields (ingest origin)


def http_headers_of(
    headers: Iterable[tuple[str, str]], body_length: int, decoded: Iterable[str] = ()
) -> list[tuple[str, str]]:
    """Response headers for a record whose body is stored decoded.

    `decoded`: the Content-Encoding values the client removed while decoding (Scrapy drops the
    header once it decompressed the body). Wire headers are kept under ORIGINAL_PREFIX, the
    Content-Length becomes the stored body's, so warcio, pywb or a CDX indexer reads the body
    as it is instead of trying to gunzip or de-chunk it again.
    """
    result: list[tuple[str, str]] = []
    for name, value in headers:
        if name.lower() in _WIRE_HEADERS:
            result.append((ORIGINAL_PREFIX + name, value))
        else:
            result.append((name, value))
    for encoding in decoded:
        result.append((ORIGINAL_PREFIX + "Content-Encoding", encoding))
    result.append(("Content-Length", str(body_length)))
    return result
