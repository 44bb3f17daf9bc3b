"""One WARC record as one gzip member: serialised here, deflated by ISA-L (zlib without it).

Keeping a capture costs what serialising and compressing its records costs, on every fetched
page. With warcio's writer and zlib at level 3, a ~130 KB news page took 1.36 ms on one core,
~0.2 ms of it warcio's own work (header objects, the payload read twice in 16 KiB pieces), and
each extraction worker imported warcio (~0.08 s); written here, 0.41 ms. The records are those
warcio writes (WARC/1.1, SHA-1 block and payload digests); warcio only reads them back.

Compression on the same pages: ISA-L level 2 takes 0.22 ms a page for 31.4 KiB; zlib 0.9 ms at
level 1 (32.1 KiB), 1.1 ms at level 3 (30.0 KiB), 2.2 ms at level 6 (26.9 KiB). Both write
standard gzip (RFC 1952), which any reader takes.
"""

from __future__ import annotations

import hashlib
import uuid
import zlib
from base64 import b32encode
from collections.abc import Iterable, Mapping
from typing import Final

WARC_VERSION: Final = "WARC/1.1"
GZIP_WBITS: Final = zlib.MAX_WBITS + 16  # a gzip header and trailer around the deflate stream
ISAL_LEVEL: Final = 2  # ISA-L's levels are 0-3; 3 is twice as slow for 4% smaller files
ZLIB_LEVEL: Final = 3  # without ISA-L: most of level 6's size for half of its time
CONTENT_TYPES: Final = {
    "response": "application/http; msgtype=response",
    "request": "application/http; msgtype=request",
    "metadata": "application/warc-fields",
    "warcinfo": "application/warc-fields",
}


def new_record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


def sha1_label(*parts: bytes) -> str:
    """A WARC digest (`sha1:` and base32) of the parts in order."""
    digest = hashlib.sha1(parts[0] if parts else b"")
    for part in parts[1:]:
        digest.update(part)
    return "sha1:" + b32encode(digest.digest()).decode("ascii")


def http_head(first_line: str, headers: Iterable[tuple[str, str]]) -> bytes:
    """An HTTP message's start line and headers, as warcio writes them: ASCII, a non-ASCII
    value %-encoded (RFC 8187)."""
    headers = list(headers)
    text = first_line + "\r\n" + "".join(f"{name}: {value}\r\n" for name, value in headers)
    try:
        return text.encode("ascii") + b"\r\n"
    except UnicodeEncodeError:  # rare: warcio's own encoding of such a header
        from warcio.statusandheaders import StatusAndHeaders

        return bytes(StatusAndHeaders(first_line, headers).to_ascii_bytes())


def warc_fields(fields: Mapping[str, str]) -> bytes:
    """`name: value` lines (application/warc-fields): a metadata or warcinfo record's block."""
    return "".join(f"{name}: {value}\r\n" for name, value in fields.items()).encode("utf-8")


def warc_member(
    kind: str, url: str, date: str, record_id: str, block: tuple[bytes, ...],
    fields: Iterable[tuple[str, str]] = (), payload_digest: str | None = None,
) -> bytes:  # fmt: skip
    """The record compressed as one gzip member; `block` is its content in parts (HTTP head,
    body), `fields` more WARC headers, `payload_digest` the HTTP body's digest."""
    head = [f"{WARC_VERSION}\r\nWARC-Type: {kind}\r\nWARC-Record-ID: {record_id}\r\n"]
    if url:
        head.append(f"WARC-Target-URI: {url}\r\n")
    head.append(f"WARC-Date: {date}\r\n")
    head.extend(f"{name}: {value}\r\n" for name, value in fields)
    if payload_digest is not None:
        head.append(f"WARC-Payload-Digest: {payload_digest}\r\n")
    length = sum(len(part) for part in block)
    head.append(
        f"WARC-Block-Digest: {sha1_label(*block)}\r\nContent-Type: {CONTENT_TYPES[kind]}\r\n"
        f"Content-Length: {length}\r\n\r\n"
    )
    return gzip_member(b"".join(("".join(head).encode("utf-8"), *block, b"\r\n\r\n")))


try:
    from isal import isal_zlib

    def gzip_member(data: bytes) -> bytes:
        """`data` compressed as one gzip member."""
        return isal_zlib.compress(data, ISAL_LEVEL, GZIP_WBITS)

except ImportError:  # no ISA-L build for this platform: the standard library's deflate

    def gzip_member(data: bytes) -> bytes:
        """`data` compressed as one gzip member."""
        packer = zlib.compressobj(ZLIB_LEVEL, zlib.DEFLATED, GZIP_WBITS)
        return packer.compress(data) + packer.flush()
