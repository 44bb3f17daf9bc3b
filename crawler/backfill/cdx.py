"""Pure: web-archive captures from a CDX index (Wayback Machine, Common Crawl) and their replay.

The Wayback Machine replays a capture's original bytes at `<replay>/<timestamp>id_/<url>`;
Common Crawl keeps each capture as one gzip member of a WARC file, fetched with a byte range.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlencode

from crawler.discovery.links import DiscoveryError

CDX_FIELDS = "timestamp,original,statuscode,mimetype"


@dataclass(frozen=True)
class Capture:
    """One archived capture of a URL: when it was taken and what the server answered."""

    original: str
    timestamp: str  # YYYYMMDDhhmmss, UTC
    status: str = "200"
    # Common Crawl: where the WARC record is (file, byte offset, length)
    filename: str = ""
    offset: int = 0
    length: int = 0
    index: str = ""  # which index listed it (set by the archive door)

    @property
    def captured_at(self) -> datetime:
        return datetime.strptime(self.timestamp[:14].ljust(14, "0"), "%Y%m%d%H%M%S").replace(
            tzinfo=UTC
        )


def cdx_url(endpoint: str, host: str, first: date, last: date, limit: int) -> str:
    """The CDX query for every capture of `host` taken from `first` to `last` (UTC days)."""
    params = {
        "url": host,
        "matchType": "host",
        "from": first.strftime("%Y%m%d"),
        "to": last.strftime("%Y%m%d") + "235959",
        "output": "json",
        "fl": CDX_FIELDS,
        "collapse": "urlkey",  # one capture per URL is enough for its text
        "limit": str(limit),
    }
    return f"{endpoint}?{urlencode(params)}"


def replay_url(replay: str, capture: Capture) -> str:
    """Where the capture's bytes are: the `id_` form of a Wayback replay (the original bytes,
    without the archive's banner), or a Common Crawl WARC file (see `replay_headers`)."""
    if capture.filename:
        return f"{replay.rstrip('/')}/{capture.filename}"
    return f"{replay.rstrip('/')}/{capture.timestamp}id_/{capture.original}"


def replay_headers(capture: Capture) -> tuple[tuple[str, str], ...]:
    """The byte range of a Common Crawl record; nothing for a Wayback replay."""
    if not capture.filename or capture.length <= 0:
        return ()
    return (("Range", f"bytes={capture.offset}-{capture.offset + capture.length - 1}"),)


def warc_payload(record: bytes) -> tuple[bytes, str | None]:
    """(HTTP body, Content-Type) of one WARC response record (gzip member or plain)."""
    if record[:2] == b"\x1f\x8b":
        try:
            record = gzip.decompress(record)
        except (OSError, EOFError) as exc:
            raise DiscoveryError(f"broken WARC record: {exc}") from exc
    _, sep, http = record.partition(b"\r\n\r\n")  # the WARC header block
    head, sep2, body = http.partition(b"\r\n\r\n")
    if not (sep and sep2) or not head.startswith(b"HTTP/"):
        raise DiscoveryError("not a WARC response record")
    content_type = None
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-type":
            content_type = value.strip().decode("latin-1")
    return body, content_type


def parse_cdx(body: bytes) -> list[Capture]:
    """Captures of a CDX answer: Wayback's JSON table (header row first) or Common Crawl's
    JSON lines. Only captures the server answered with 200 are kept."""
    text = body.decode("utf-8", errors="replace").strip()
    if not text:
        return []
    try:
        if text.startswith("["):
            rows = _table_rows(json.loads(text))
        else:
            rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    except json.JSONDecodeError as exc:
        raise DiscoveryError(f"not a CDX answer: {exc}") from exc
    captures = [_capture(row) for row in rows if isinstance(row, dict)]
    return [c for c in captures if c is not None and c.status in ("200", "-", "")]


def _table_rows(data: Any) -> list[dict[str, Any]]:
    if not isinstance(data, list) or not data or not isinstance(data[0], list):
        return []
    header = [str(name) for name in data[0]]
    return [dict(zip(header, row, strict=False)) for row in data[1:] if isinstance(row, list)]


def _capture(row: dict[str, Any]) -> Capture | None:
    original = row.get("original") or row.get("url")
    stamp = str(row.get("timestamp") or "")
    if not isinstance(original, str) or len(stamp) < 8 or not stamp.isdigit():
        return None
    status = str(row.get("statuscode") or row.get("status") or "")
    where = {"filename": str(row.get("filename") or "")}
    if where["filename"]:
        try:
            return Capture(
                original, stamp, status, where["filename"], int(row["offset"]), int(row["length"])
            )
        except (KeyError, TypeError, ValueError):
            return None  # a record that cannot be fetched
    return Capture(original=original, timestamp=stamp, status=status)
