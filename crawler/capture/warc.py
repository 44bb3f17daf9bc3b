"""Rotating gzip WARC files: one capture = response (+ request) + metadata records, appended.

Each record is its own gzip member (crawler/capture/member.py), so a record is read with one
seek to its offset. A file is closed and the next begun once it passes `max_file_bytes`; names
carry the time, the process and a serial (`newsmon-20260601T120000Z-4242-00000.warc.gz`), so
concurrent crawl processes never write into one file. A failed write is cut back to the last
whole record: the file stays readable by any WARC tool.
"""

from __future__ import annotations

import os
import threading
import uuid
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from crawler.capture.member import (
    http_head,
    new_record_id,
    sha1_label,
    warc_fields,
    warc_member,
)
from crawler.capture.record import WARC_SUFFIX as SUFFIX
from crawler.capture.record import Capture, Decision

SOFTWARE = "newsmon"


class CaptureWriteError(OSError):
    """A capture could not be written (full or read-only archive folder); nothing half-written."""


@dataclass(frozen=True)
class Located:
    """Where a capture's response record lies: file name (in the archive folder), offset and
    length of its gzip member, its payload digest."""

    file: str
    offset: int
    length: int
    digest: str


class WarcArchive:
    """Appends captures to the current WARC file of this process; thread-safe."""

    def __init__(self, directory: Path, max_file_bytes: int, prefix: str = "newsmon") -> None:
        self.directory = directory
        self.max_file_bytes = max_file_bytes
        self.prefix = prefix
        self._lock = threading.Lock()
        self._file: BinaryIO | None = None
        self._name = ""
        self._serial = 0
        self._stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")

    def write(
        self, capture: Capture, decision: Decision, encoded: Encoded | None = None
    ) -> Located:
        """Append the capture's records (`encoded` already, when the extraction worker did it);
        CaptureWriteError, and no partial record, on failure."""
        if encoded is None:
            encoded = encode_exchange(capture)
        with self._lock:
            try:
                out = self._current()
            except OSError as exc:
                raise CaptureWriteError(exc.errno, _why(exc, self.directory)) from exc
            start = out.tell()
            try:
                located = self._append(out, capture, decision, encoded)
                out.flush()
            except OSError as exc:
                self._cut(out, start)
                raise CaptureWriteError(exc.errno, _why(exc, self.directory)) from exc
            if out.tell() >= self.max_file_bytes:
                self._close_file()
            return located

    def close(self) -> None:
        """Close the current file (the next write begins a new one)."""
        with self._lock:
            self._close_file()

    def _append(
        self, out: BinaryIO, capture: Capture, decision: Decision, encoded: Encoded
    ) -> Located:
        offset = out.tell()
        out.write(encoded.data)
        fields = {**capture.extra, **decision.as_fields()}
        refers = [("WARC-Refers-To", encoded.record_id)]
        out.write(warc_member("metadata", capture.url, encoded.date, new_record_id(),
                              (warc_fields(fields),), refers))  # fmt: skip
        return Located(self._name, offset, encoded.response_length, encoded.digest)

    def _current(self) -> BinaryIO:
        if self._file is not None:
            return self._file
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"{self.prefix}-{self._stamp}-{os.getpid()}-{self._serial:05d}{SUFFIX}"
        self._serial += 1
        out = open(self.directory / name, "xb")  # noqa: SIM115 - kept open across writes
        try:
            info = {"software": SOFTWARE, "format": "WARC File Format 1.1",
                    "isPartOf": self.prefix, "newsmon-writer": uuid.uuid4().hex}  # fmt: skip
            date, filename = _warc_date(datetime.now(UTC)), [("WARC-Filename", name)]
            block = (warc_fields(info),)
            out.write(warc_member("warcinfo", "", date, new_record_id(), block, filename))
            out.flush()
        except OSError:
            out.close()
            (self.directory / name).unlink(missing_ok=True)
            raise
        self._file, self._name = out, name
        return out

    def _cut(self, out: BinaryIO, start: int) -> None:
        """Drop the bytes of a failed record; give up the file if even that fails."""
        try:
            out.seek(start)
            out.truncate(start)
            out.flush()
        except OSError:
            self._close_file()

    def _close_file(self) -> None:
        if self._file is not None:
            # its last bytes were flushed after each record: nothing more to lose
            with suppress(OSError):
                self._file.close()
            self._file = None


@dataclass(frozen=True)
class Encoded:
    """A capture's response (and request) records as gzip members, ready to append."""

    data: bytes
    response_length: int  # the response record's member, first in `data`
    digest: str  # WARC-Payload-Digest
    record_id: str  # the response's WARC-Record-ID (the metadata record refers to it)
    date: str


def encode_exchange(capture: Capture) -> Encoded:
    """The response record (status, headers, decoded body) and, when the request is known, its
    request record, each compressed as one gzip member.

    Pure and picklable: the crawl has it done by the extraction worker that parses the page,
    so compressing never costs the crawl's busy main process.
    """
    date = _warc_date(capture.captured_at)
    record_id = new_record_id()
    reason = capture.reason or _phrase(capture.status)
    status = f"{capture.protocol} {capture.status} {reason}".strip()
    block = (http_head(status, capture.headers), capture.body)
    digest = sha1_label(capture.body)
    response = warc_member("response", capture.url, date, record_id, block,
                           payload_digest=digest)  # fmt: skip
    if capture.request_headers is None:
        return Encoded(response, len(response), digest, record_id, date)
    request = _request_member(capture, date, record_id)
    return Encoded(response + request, len(response), digest, record_id, date)


def _request_member(capture: Capture, date: str, response_id: str) -> bytes:
    parts = urlsplit(capture.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = list(capture.request_headers or ())
    if not any(name.lower() == "host" for name, _ in headers):
        headers.insert(0, ("Host", parts.netloc))
    head = http_head(f"{capture.method} {target} {capture.protocol}", headers)
    concurrent = [("WARC-Concurrent-To", response_id)]
    return warc_member("request", capture.url, date, new_record_id(), (head,), concurrent,
                       payload_digest=sha1_label(b""))  # fmt: skip


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _warc_date(moment: datetime) -> str:
    """WARC/1.1 allows fractions of a second: captures of one second stay ordered."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _why(exc: OSError, directory: Path) -> str:
    return f"cannot write WARC captures in {directory} ({exc.strerror or exc})"
