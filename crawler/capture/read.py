"""Reading captures back: one record by (file, offset), or every HTML response of a WARC file."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord
from warcio.timeutils import iso_date_to_datetime

# A stored page larger than this is not an article page (the crawl refuses such pages too).
MAX_BODY_BYTES = 16 * 1024 * 1024


class CaptureReadError(ValueError):
    """The capture is not where the index says, or the record there is not a response."""


@dataclass(frozen=True)
class Page:
    """A response record's target, date, HTTP status, headers and body (decoded as received)."""

    url: str
    captured_at: datetime
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    offset: int = 0  # of the record in its file

    @property
    def content_type(self) -> str | None:
        for name, value in self.headers:
            if name.lower() == "content-type":
                return value
        return None


def read_page(path: Path, offset: int) -> Page:
    """The response record at `offset` of the WARC file `path` (one seek, one gzip member)."""
    try:
        with open(path, "rb") as stream:
            stream.seek(offset)
            for record in ArchiveIterator(stream):
                if record.rec_type != "response":
                    break
                return _page(record, offset)  # read before the iterator reads past it
    except OSError as exc:
        raise CaptureReadError(f"cannot read capture {path}@{offset}: {exc.strerror}") from exc
    raise CaptureReadError(f"no response record at {path}@{offset}")


class WarcScan:
    """Every HTTP response record of a WARC stream whose target URI `wanted` accepts.

    Records are skipped from their WARC headers alone: warcio then reads past the payload
    without parsing it, so a file of other hosts costs only its decompression. `position` is
    the offset just past the last record read (where a resumed scan starts), `records` how
    many records were read.
    """

    def __init__(self, stream: BinaryIO, wanted: Callable[[str], bool] | None = None) -> None:
        self.stream = stream
        self.wanted = wanted
        self.position = stream.tell()
        self.records = 0

    def __iter__(self) -> Iterator[Page]:
        iterator = ArchiveIterator(self.stream)
        for record in iterator:
            self.records += 1
            page = self._page(record)
            # the body is read before the offset: asking for it reads the record to its end
            offset, length = iterator.get_record_offset(), iterator.get_record_length()
            self.position = offset + length
            if page is not None:
                yield replace(page, offset=offset)

    def _page(self, record: ArcWarcRecord) -> Page | None:
        if record.rec_type != "response" or record.http_headers is None:
            return None
        url = record.rec_headers.get_header("WARC-Target-URI") or ""
        if self.wanted is not None and not self.wanted(url):
            return None
        return _page(record, 0) if _is_html(record) else None


def _is_html(record: ArcWarcRecord) -> bool:
    kind = (record.http_headers.get_header("Content-Type") or "").lower()
    return not kind or "html" in kind


def _page(record: ArcWarcRecord, offset: int) -> Page:
    http = record.http_headers
    status_text = (http.get_statuscode() if http is not None else "") or "0"
    body = record.content_stream().read(MAX_BODY_BYTES + 1)
    date = record.rec_headers.get_header("WARC-Date") or ""
    return Page(
        url=record.rec_headers.get_header("WARC-Target-URI") or "",
        captured_at=warc_datetime(date),
        status=int(status_text) if status_text.isdigit() else 0,
        headers=list(http.headers) if http is not None else [],
        body=body[:MAX_BODY_BYTES],
        offset=offset,
    )


def warc_datetime(text: str) -> datetime:
    """A WARC-Date as an aware datetime (now, when missing)."""
    if not text:
        return datetime.now(UTC)
    parsed: datetime = iso_date_to_datetime(text)
    return parsed.replace(tzinfo=UTC)
