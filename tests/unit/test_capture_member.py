"""WARC records written by warcio, one gzip member each (crawler/capture/member.py): what
warcio reads back and verifies."""

from __future__ import annotations

import gzip
import importlib
import io
import sys
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.capture import Capture, Decision, WarcArchive, http_headers_of, member
from crawler.capture.warc import encode_exchange

BODY = "<html><body><p>광주 AI 기사 본문</p></body></html>".encode() * 50


def capture(headers: list[tuple[str, str]] | None = None) -> Capture:
    return Capture(
        url="https://news.example.kr/news/articleView.html?idxno=7",
        captured_at=datetime(2026, 12, 6, 1, 2, 3, 456789, tzinfo=UTC),
        status=200,
        headers=http_headers_of(headers or [("Content-Type", "text/html")], len(BODY)),
        body=BODY,
        request_headers=[("User-Agent", "newsmon")],
    )


def test_every_record_is_one_gzip_member_whose_digests_warcio_verifies(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path, 1024 * 1024)
    archive.write(capture(), Decision("added", None, "007_ab.txt", 7))
    archive.close()
    (path,) = tmp_path.glob("*.warc.gz")
    with open(path, "rb") as stream:
        iterator = ArchiveIterator(stream, check_digests="raise")
        seen = []
        for record in iterator:
            seen.append((record.rec_type, record.content_stream().read()))
            assert record.digest_checker.passed is True  # block (and payload) digests checked
            offset, length = iterator.get_record_offset(), iterator.get_record_length()
            raw = path.read_bytes()[offset : offset + length]
            assert gzip.decompress(raw).startswith(b"WARC/1.1\r\n")  # exactly one member
    assert [kind for kind, _ in seen] == ["warcinfo", "response", "request", "metadata"]
    assert seen[1][1] == BODY


def test_the_request_record_has_a_whole_request_line() -> None:
    encoded = encode_exchange(capture())
    records = list(ArchiveIterator(io.BytesIO(encoded.data)))
    assert [r.rec_type for r in records] == ["response", "request"]
    request = records[1].http_headers
    assert request.protocol == "GET"
    assert request.statusline == "/news/articleView.html?idxno=7 HTTP/1.1"
    assert request.get_header("Host") == "news.example.kr"
    assert records[1].rec_headers.get_header("WARC-Concurrent-To") == encoded.record_id
    assert records[0].rec_headers.get_header("WARC-Payload-Digest") == encoded.digest


def test_a_non_ascii_header_value_is_percent_encoded_as_warcio_does() -> None:
    encoded = encode_exchange(capture([("Content-Disposition", "inline; filename=기사.html")]))
    (response, _) = ArchiveIterator(io.BytesIO(encoded.data))
    value = response.http_headers.get_header("Content-Disposition")
    assert value.isascii() and "%EA%B8%B0" in value


def test_without_isal_zlib_writes_the_same_records(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "isal", None)  # `import isal` raises ImportError
    try:
        fallback = importlib.reload(member)
        packed = fallback.gzip_member(BODY)
        assert zlib.decompress(packed, fallback.GZIP_WBITS) == BODY
        assert packed[:2] == b"\x1f\x8b"
    finally:
        monkeypatch.undo()
        importlib.reload(member)
