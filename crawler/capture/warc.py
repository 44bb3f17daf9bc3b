"""Rotating gzip WARC files: one capture = response (+ request) + metadata records, appended.

Records are written by warcio and each compressed as its own gzip member
(crawler/capture/member.py), so a record is read with one seek to its offset. A file is closed
and the next begun once it passes `max_file_bytes`; names carry the time, the process and a
serial (`newsmon-20260601T120000Z-4242-00000.warc.gz`), so concurrent crawl processes never
write into one file. A failed write is cut back to the last whole record: the file stays
readable by any WARC tool.
"""

from __future__ import annotations

import errno
import os
import socket
import threading
import uuid
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.capture.member import gzip_member
from crawler.capture.record import WARC_SUFFIX as SUFFIX
from crawler.capture.record import Capture, Decision

WARC_VERSION = "WARC/1.1"
SOFTWARE = "newsmon (warcio)"
WRITING_DIR = ".writing"  # in the archive folder: markers of files being written


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
        self.written: list[str] = []  # the files this process began (each with its marker)

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
                _write_all(out, encoded.data + _metadata(capture, decision, encoded))
            except OSError as exc:
                self._cut(out, start)
                raise CaptureWriteError(exc.errno, _why(exc, self.directory)) from exc
            located = Located(self._name, start, encoded.response_length, encoded.digest)
            if out.tell() >= self.max_file_bytes:
                self._close_file()
            return located

    def close(self) -> None:
        """Close the current file (the next write begins a new one)."""
        with self._lock:
            self._close_file()

    def _current(self) -> BinaryIO:
        if self._file is not None:
            return self._file
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"{self.prefix}-{self._stamp}-{os.getpid()}-{self._serial:05d}{SUFFIX}"
        self._serial += 1
        # unbuffered: a failed write leaves nothing in a buffer that a later flush would append
        out = open(self.directory / name, "xb", buffering=0)  # noqa: SIM115 - kept open
        try:
            mark_writing(self.directory, name)
            writer = _MemberWriter(out)
            info = {"software": SOFTWARE, "format": "WARC File Format 1.1",
                    "isPartOf": self.prefix, "newsmon-writer": uuid.uuid4().hex}  # fmt: skip
            writer.write_record(writer.create_warcinfo_record(name, info))
            out.flush()
        except OSError:
            out.close()
            (self.directory / name).unlink(missing_ok=True)
            (self.directory / WRITING_DIR / name).unlink(missing_ok=True)
            raise
        self._file, self._name = out, name
        self.written.append(name)
        return out

    def release(self) -> None:
        """Every record of this process's files is indexed: drop their markers."""
        for name in self.written:
            with suppress(OSError):
                (self.directory / WRITING_DIR / name).unlink()
        self.written.clear()

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


def _metadata(capture: Capture, decision: Decision, encoded: Encoded) -> bytes:
    """The metadata record naming newsmon's decision, as one gzip member."""
    # what the index row holds, so the archive stands on its own (crawler/capture/reindex)
    about = {"newsmon-source": capture.source, "newsmon-canonical-url": capture.canonical_url}
    fields = {**capture.extra, **{k: v for k, v in about.items() if v}, **decision.as_fields()}
    payload = "".join(f"{k}: {v}\r\n" for k, v in fields.items()).encode("utf-8")
    out = BytesIO()
    writer = _MemberWriter(out)
    writer.write_record(writer.create_warc_record(
        capture.url, "metadata", payload=BytesIO(payload), length=len(payload),
        warc_content_type="application/warc-fields",
        warc_headers_dict={"WARC-Date": encoded.date, "WARC-Refers-To": encoded.record_id},
    ))  # fmt: skip
    return out.getvalue()


def _write_all(out: BinaryIO, data: bytes) -> None:
    """Write every byte (an unbuffered write may take part of them) or raise."""
    view = memoryview(data)
    while view:
        written = out.write(view)
        if not written:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        view = view[written:]


def mark_writing(directory: Path, name: str) -> None:
    """A marker for a file whose records may lack index rows until its writer closes cleanly
    (`WRITING_DIR/<name>`, holding the writer's host): a crawl killed before its last index
    batch leaves it, and the next crawl indexes that file's records (crawler/capture/reindex)."""
    markers = directory / WRITING_DIR
    markers.mkdir(exist_ok=True)
    (markers / name).write_text(socket.gethostname(), encoding="utf-8")


def writing_markers(directory: Path) -> list[Path]:
    """The markers left in the archive folder, in name order (none: every row committed)."""
    try:
        return sorted((directory / WRITING_DIR).iterdir())
    except OSError:  # no marker folder yet
        return []


@dataclass(frozen=True)
class Encoded:
    """A capture's response (and request) records as gzip members, ready to append."""

    data: bytes
    response_length: int  # the response record's member, first in `data`
    digest: str  # WARC-Payload-Digest
    record_id: str  # the response's WARC-Record-ID (the metadata record refers to it)
    date: str


def encode_exchange(capture: Capture) -> Encoded:
    """The response record (status, headers, decoded body; digests by warcio) and, when the
    request is known, its request record, each compressed as one gzip member.

    Pure and picklable: the crawl has it done by the extraction worker that parses the page,
    so compressing never costs the crawl's busy main process.
    """
    out = BytesIO()
    writer = _MemberWriter(out)
    date = _warc_date(capture.captured_at)
    response = writer.create_warc_record(
        capture.url, "response", payload=BytesIO(capture.body), length=len(capture.body),
        http_headers=_status_and_headers(capture), warc_headers_dict={"WARC-Date": date},
    )  # fmt: skip
    record_id = response.rec_headers.get_header("WARC-Record-ID")
    writer.write_record(response)
    length = out.tell()
    if capture.request_headers is not None:
        writer.write_record(_request_record(writer, capture, date, record_id))
    digest = response.rec_headers.get_header("WARC-Payload-Digest") or ""
    return Encoded(out.getvalue(), length, digest, record_id, date)


class _MemberWriter(WARCWriter):  # type: ignore[misc]
    """warcio's writer, each record compressed as one gzip member by `gzip_member`.

    warcio's own gzip mode compresses with zlib at level 9 in 16 KiB pieces: on a 130 KB news
    page that cost ~20 ms of CPU for 1% smaller files than level 6. The record is serialised
    uncompressed by warcio (digests, lengths, headers), then compressed and written in one
    call, so a failed write leaves at most one partial member to cut.
    """

    def __init__(self, out: BinaryIO) -> None:
        super().__init__(out, gzip=False, warc_version=WARC_VERSION)
        self._target = out

    def write_record(self, record: Any, params: Any = None) -> None:
        buffer = BytesIO()
        self._write_warc_record(buffer, record)
        _write_all(self._target, gzip_member(buffer.getbuffer()))


def _status_and_headers(capture: Capture) -> StatusAndHeaders:
    reason = capture.reason or _phrase(capture.status)
    status = f"{capture.status} {reason}".strip()
    return StatusAndHeaders(status, list(capture.headers), protocol=capture.protocol)


def _request_record(writer: WARCWriter, capture: Capture, date: str, response_id: str) -> object:
    parts = urlsplit(capture.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = list(capture.request_headers or ())
    if not any(name.lower() == "host" for name, _ in headers):
        headers.insert(0, ("Host", parts.netloc))
    # a request's whole line: warcio splits the method off as its `protocol`
    line = f"{capture.method} {target} {capture.protocol}"
    http = StatusAndHeaders(line, headers, is_http_request=True)
    return writer.create_warc_record(
        capture.url, "request", payload=BytesIO(b""), length=0, http_headers=http,
        warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": response_id},
    )  # fmt: skip


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
