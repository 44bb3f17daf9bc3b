"""WARC captures (crawler/capture): records warcio reads back, rotation, a failed write cut."""

from __future__ import annotations

import errno
import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.capture import Capture, CaptureWriteError, Decision, WarcArchive, http_headers_of
from crawler.capture.compare import compare_texts, token_f1
from crawler.capture.read import WarcScan, read_page

BODY = "<html><body><p>광주 AI</p></body></html>".encode()


def capture(n: int = 0, body: bytes = BODY) -> Capture:
    return Capture(
        url=f"https://news.example.kr/news/articleView.html?idxno={n}",
        captured_at=datetime(2026, 12, 6, 1, 2, 3, 456789, tzinfo=UTC),
        status=200,
        headers=http_headers_of(
            [("Content-Type", "text/html; charset=utf-8")], len(body), ["gzip"]
        ),
        body=body,
        request_headers=[("User-Agent", "newsmon")],
    )


def records(folder: Path) -> list[tuple[str, str, bytes]]:
    found = []
    for path in sorted(folder.glob("*.warc.gz")):
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                uri = record.rec_headers.get_header("WARC-Target-URI") or ""
                found.append((record.rec_type, uri, record.content_stream().read()))
    return found


def test_a_capture_is_response_request_metadata_and_reads_back_with_one_seek(
    tmp_path: Path,
) -> None:
    archive = WarcArchive(tmp_path, 1024 * 1024)
    located = archive.write(capture(), Decision("added", None, "005_ab.txt", 5))
    archive.close()
    kinds = [kind for kind, _, _ in records(tmp_path)]
    assert kinds == ["warcinfo", "response", "request", "metadata"]
    metadata = records(tmp_path)[-1][2].decode()
    assert "newsmon-decision: added" in metadata and "newsmon-corpus-file: 005_ab.txt" in metadata
    page = read_page(tmp_path / located.file, located.offset)
    assert page.body == BODY and page.status == 200
    assert page.captured_at == datetime(2026, 12, 6, 1, 2, 3, 456789, tzinfo=UTC)
    names = [name for name, _ in page.headers]
    assert "Content-Encoding" not in names and "X-Archive-Orig-Content-Encoding" in names
    assert located.digest.startswith("sha1:")


def test_files_rotate_past_the_size_setting(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path, 2000)
    big = random.Random(0).randbytes(10_000)  # does not compress: each capture passes the limit
    located = [archive.write(capture(n, big), Decision("no_body")) for n in range(3)]
    archive.close()
    assert len({spot.file for spot in located}) == 3
    for spot in located:
        assert read_page(tmp_path / spot.file, spot.offset).body == big


class FullDisk:
    """A file that takes `room` more bytes, then fails with ENOSPC (after a partial write)."""

    def __init__(self, real: Any, room: int) -> None:
        self.real, self.room = real, room

    def write(self, data: bytes) -> int:
        if len(data) > self.room:
            self.real.write(bytes(data)[: self.room])
            raise OSError(errno.ENOSPC, "No space left on device")
        self.room -= len(data)
        return int(self.real.write(data))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


def test_a_failed_write_is_cut_back_to_the_last_whole_record(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path, 1024 * 1024)
    archive.write(capture(1), Decision("added"))
    assert archive._file is not None
    archive._file = FullDisk(archive._file, 10)  # type: ignore[assignment]
    with pytest.raises(CaptureWriteError, match="cannot write WARC captures"):
        archive.write(capture(2), Decision("added"))
    archive.close()
    assert [kind for kind, _, _ in records(tmp_path)] == [
        "warcinfo", "response", "request", "metadata"
    ]  # fmt: skip


def test_scan_skips_other_hosts_and_tracks_its_position(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path, 1024 * 1024)
    for n in range(4):
        archive.write(capture(n), Decision("added"))
    archive.close()
    (path,) = tmp_path.glob("*.warc.gz")
    with open(path, "rb") as stream:
        scan = WarcScan(stream, lambda url: url.endswith(("=1", "=3")))
        pages = list(scan)
    assert [page.url[-1] for page in pages] == ["1", "3"]
    assert scan.position == path.stat().st_size and scan.records == 13
    with open(path, "rb") as stream:  # resumed from the second page's offset
        stream.seek(pages[1].offset)
        assert [page.url[-1] for page in WarcScan(stream)] == ["3"]


def test_compare_texts_reports_headline_lines_and_token_f1() -> None:
    old = "제목\n첫 문단\n둘째 문단\n/기자"
    assert not compare_texts(old, old).changed and token_f1(old, old) == 1.0
    change = compare_texts(old, "새 제목\n첫 문단\n둘째 문단")
    assert change.headline_changed and (change.lines_added, change.lines_removed) == (0, 1)
    assert 0 < change.token_f1 < 1
