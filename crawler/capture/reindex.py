"""The capture index checked against the WARC files: records without an index row (a killed
crawl's last batch) rebuilt from their metadata records, and files that end in a partial record.

The index is written in batches after the records (crawler/capture/log.py), so a crawl killed
between the two leaves records the index does not know; the records themselves, with their
metadata records, hold everything a row needs. A crawl killed in the middle of a write leaves
its file ending in part of a record, which WARC readers stop at with an error.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders

from crawler.capture.read import warc_datetime
from crawler.capture.record import WARC_SUFFIX
from crawler.capture.warc import writing_markers
from db import captures
from db.captures import CaptureEntry
from db.session import Database

logger = logging.getLogger(__name__)

# A writer's name carries its process: `newsmon-<UTC time>-<pid>-<serial>.warc.gz`.
_WRITER = re.compile(r"-(\d+)-\d+\.warc\.gz$")
QUIET_SECONDS = 3600  # a partial tail is cut only from a file untouched this long


@dataclass
class FileCheck:
    """One WARC file against the index: response records without a row, and where a partial
    last record begins (None when the file ends whole)."""

    file: str
    missing: list[CaptureEntry] = field(default_factory=list)
    partial_at: int | None = None


def check_file(path: Path, indexed: set[int]) -> FileCheck:
    """Read `path` once: each response record at an offset not in `indexed` becomes an index
    entry, with the decision its metadata record names."""
    check = FileCheck(path.name)
    waiting: dict[str, CaptureEntry] = {}  # response record id -> entry, until its metadata
    last, end = 0, 0
    with open(path, "rb") as stream:
        records = ArchiveIterator(stream)
        try:
            for record in records:
                block = record.content_stream().read()  # first: the offset reads to the end
                offset, length = records.get_record_offset(), records.get_record_length()
                last, end = offset, offset + length
                headers = record.rec_headers
                if record.rec_type == "response" and offset not in indexed:
                    waiting[headers.get_header("WARC-Record-ID")] = _entry(
                        check.file, offset, length, headers
                    )
                elif record.rec_type == "metadata":
                    entry = waiting.pop(headers.get_header("WARC-Refers-To") or "", None)
                    if entry is not None:
                        check.missing.append(_decided(entry, _fields(block)))
        except (ArchiveLoadFailed, EOFError, OSError, ValueError, zlib.error):
            check.partial_at = end
    if check.partial_at is None and end < path.stat().st_size:
        check.partial_at = end
    elif check.partial_at is None and end and not _whole_member(path, last, end):
        check.partial_at = last  # warcio reads a cut gzip member as far as it goes
    check.missing.extend(waiting.values())  # a response whose metadata record was never written
    return check


def _whole_member(path: Path, start: int, end: int) -> bool:
    """The gzip member at [start, end) ends with its trailer (appends only ever cut the last)."""
    with open(path, "rb") as stream:
        stream.seek(start)
        unpacker = zlib.decompressobj(zlib.MAX_WBITS + 16)
        unpacker.decompress(stream.read(end - start))
    return unpacker.eof


def _entry(file: str, offset: int, length: int, headers: StatusAndHeaders) -> CaptureEntry:
    return CaptureEntry(
        url=headers.get_header("WARC-Target-URI") or "", canonical_url=None, source=None,
        warc_file=file, warc_offset=offset, warc_length=length,
        payload_digest=(headers.get_header("WARC-Payload-Digest") or "")[:64],
        captured_at=warc_datetime(headers.get_header("WARC-Date") or ""), decision="unknown",
    )  # fmt: skip


def _fields(block: bytes) -> dict[str, str]:
    pairs = (line.partition(":") for line in block.decode("utf-8", "replace").splitlines())
    return {name.strip(): value.strip() for name, _, value in pairs if name.strip()}


def _decided(entry: CaptureEntry, fields: dict[str, str]) -> CaptureEntry:
    seq = fields.get("newsmon-corpus-seq", "")
    return CaptureEntry(
        url=entry.url, canonical_url=fields.get("newsmon-canonical-url") or None,
        source=fields.get("newsmon-source") or None, warc_file=entry.warc_file,
        warc_offset=entry.warc_offset, warc_length=entry.warc_length,
        payload_digest=entry.payload_digest, captured_at=entry.captured_at,
        decision=fields.get("newsmon-decision", "unknown")[:24],
        detail=fields.get("newsmon-detail") or None,
        article_seq=int(seq) if seq.isdigit() else None,
    )  # fmt: skip


def warc_files(directory: Path) -> list[Path]:
    """The archive's WARC files, in name (time) order."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.name.endswith(WARC_SUFFIX))


def writer_gone(path: Path, now: float | None = None) -> bool:
    """True when the process that wrote `path` has ended and the file has been quiet for an
    hour: only then is a partial tail cut (a live writer may be in the middle of a record)."""
    quiet = (now or time.time()) - path.stat().st_mtime >= QUIET_SECONDS
    pid = _writer_pid(path.name)
    return quiet and pid is not None and not _alive(pid)


def cut_partial(path: Path, at: int) -> None:
    """Drop a partial last record: the file ends with its last whole record again."""
    with open(path, "r+b") as stream:
        stream.truncate(at)
        stream.flush()
        os.fsync(stream.fileno())


@dataclass
class ArchiveCheck:
    """The archive against its index: records without a row, files ending in a partial record
    (`file@offset`), and what a repair did."""

    unindexed: list[str] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)
    indexed_now: int = 0
    cut: int = 0


def check_archive(directory: Path, database: Database, repair: bool = False) -> ArchiveCheck:
    """Every WARC file of the archive read once, one file's index rows in memory at a time;
    a file still being written (its writer alive, or on another host) is left to its writer.
    `repair` first heals the files of killed writers, then adds missing rows and cuts partial
    tails whose writers are gone."""
    result = ArchiveCheck()
    if repair:
        result.indexed_now += heal_abandoned(directory, database)
    busy = _being_written(directory)
    for path in warc_files(directory):
        if path.name in busy:
            continue
        found = _mend(path, database, index=repair)
        result.unindexed += [f"{e.warc_file}@{e.warc_offset} {e.url}" for e in found.missing]
        result.indexed_now += len(found.missing) if repair else 0
        if found.partial_at is not None:
            result.partial.append(f"{path.name}@{found.partial_at}")
            if repair and writer_gone(path):
                cut_partial(path, found.partial_at)
                result.cut += 1
    return result


def _mend(path: Path, database: Database, index: bool) -> FileCheck:
    """`check_file` against the file's index rows; `index`: add the missing rows."""
    with database.session() as session:
        found = check_file(path, captures.indexed_offsets(session, path.name))
        if index and found.missing:
            captures.add_captures(session, found.missing)
            session.commit()
    return found


def _being_written(directory: Path) -> set[str]:
    """The files whose markers name a writer that may still be writing them."""
    host = socket.gethostname()
    return {
        marker.name.partition(".healing.")[0]
        for marker in writing_markers(directory)
        if not _dead_writer(marker, marker.name.partition(".healing.")[0], host)
    }


def heal_abandoned(directory: Path, database: Database) -> int:
    """Index the records of files whose writers (on this host) died before their last index
    batch, cut a partial last record, and drop their markers; returns the rows added.

    Crawls start side by side: a marker is claimed by renaming it (`<file>.healing.<pid>`), so
    one process heals a file; a claim whose healer died is claimed again."""
    added = 0
    host = socket.gethostname()
    for marker in writing_markers(directory):
        file, _, healer = marker.name.partition(".healing.")
        if healer.isdigit() and _alive(int(healer)):
            continue
        if not _dead_writer(marker, file, host):
            continue
        claimed = marker.with_name(f"{file}.healing.{os.getpid()}")
        try:
            marker.rename(claimed)
        except FileNotFoundError:
            continue  # another process claimed it first
        path = directory / file
        if path.exists():
            found = _mend(path, database, index=True)
            added += len(found.missing)
            if found.partial_at is not None:
                cut_partial(path, found.partial_at)
        claimed.unlink(missing_ok=True)
    if added:
        logger.info("Indexed %d WARC captures a killed crawl had left without rows", added)
    return added


def _dead_writer(marker: Path, file: str, host: str) -> bool:
    """The file's writer ran on this host and its process has ended."""
    pid = _writer_pid(file)
    try:
        same_host = marker.read_text(encoding="utf-8").strip() == host
    except OSError:
        return False
    return same_host and pid is not None and not _alive(pid)


def _writer_pid(file: str) -> int | None:
    match = _WRITER.search(file)
    return int(match[1]) if match else None


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True
