"""`corpus verify` on the WARC archive: records a killed crawl left without index rows are found
and indexed from their metadata records; a partial last record is found, and cut once its
writer is gone."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import update
from warcio.archiveiterator import ArchiveIterator

from crawler.capture import Capture, Decision, WarcArchive, http_headers_of
from crawler.capture.log import CaptureLog
from crawler.capture.read import read_page
from crawler.capture.reindex import check_archive, heal_abandoned
from crawler.capture.warc import WRITING_DIR
from db import captures
from db.captures import CaptureEntry
from db.models import CaptureRow
from db.session import Database

WHEN = datetime(2026, 12, 6, 3, 4, 5, tzinfo=UTC)


def capture(n: int) -> Capture:
    body = f"<html><body><p>광주 AI 기사 {n}</p></body></html>".encode()
    return Capture(
        url=f"https://news.example.kr/news/articleView.html?idxno={n}&utm_source=x",
        captured_at=WHEN, status=200,
        headers=http_headers_of([("Content-Type", "text/html; charset=utf-8")], len(body)),
        body=body, request_headers=[("User-Agent", "newsmon")], source="example",
        canonical_url=f"https://news.example.kr/news/articleView.html?idxno={n}",
    )  # fmt: skip


def archive_of_a_killed_crawl(directory: Path, database: Database) -> Path:
    """Three captures written; only the first indexed (the batch of the rest died with it)."""
    archive = WarcArchive(directory, 1 << 30)
    decisions = [
        Decision("added", None, "007_0123456789abcdef.txt", 7),
        Decision("duplicate", "duplicate of 007_0123456789abcdef.txt"),
        Decision("off_topic", "off topic (no place)"),
    ]
    located = [archive.write(capture(n), d) for n, d in enumerate(decisions)]
    archive.close()
    first = located[0]
    with database.session() as session:
        captures.add_captures(session, [CaptureEntry(
            url=capture(0).url, canonical_url=capture(0).canonical_url, source="example",
            warc_file=first.file, warc_offset=first.offset, warc_length=first.length,
            payload_digest=first.digest, captured_at=WHEN, decision="added", article_seq=7,
        )])  # fmt: skip
        session.commit()
    (path,) = directory.glob("*.warc.gz")
    return path


def as_dead_writer(path: Path, database: Database) -> Path:
    """The file (its marker and its row) as a writer that has died would have left it."""
    dead = path.name.replace(f"-{os.getpid()}-", "-999999999-")
    marker = path.parent / WRITING_DIR / path.name
    marker.rename(marker.with_name(dead))
    with database.session() as session:  # the one row its writer got in, under the new name
        session.execute(update(CaptureRow).values(warc_file=dead))
        session.commit()
    return path.rename(path.with_name(dead))


def rows(database: Database, seq_or_url: str) -> list[CaptureRow]:
    with database.session() as session:
        return list(captures.captures_of_url(session, seq_or_url))


def test_records_without_rows_are_found_and_indexed_from_their_metadata(
    tmp_path: Path, database: Database
) -> None:
    path = as_dead_writer(archive_of_a_killed_crawl(tmp_path, database), database)
    found = check_archive(tmp_path, database)
    assert len(found.unindexed) == 2 and found.partial == []
    assert all(item.startswith(f"{path.name}@") for item in found.unindexed)
    assert rows(database, capture(1).canonical_url or "") == []  # a check changes nothing

    repaired = check_archive(tmp_path, database, repair=True)
    assert repaired.indexed_now == 2
    (duplicate,) = rows(database, capture(1).canonical_url or "")
    assert (duplicate.decision, duplicate.detail, duplicate.source, duplicate.article_seq) == (
        "duplicate", "duplicate of 007_0123456789abcdef.txt", "example", None,
    )  # fmt: skip
    assert read_page(path, duplicate.warc_offset).body == capture(1).body  # one seek, as a row
    (off_topic,) = rows(database, capture(2).canonical_url or "")
    assert off_topic.decision == "off_topic" and off_topic.captured_at.replace(tzinfo=UTC) == WHEN
    assert check_archive(tmp_path, database).unindexed == []  # and nothing twice


def test_a_partial_last_record_is_cut_only_when_its_writer_is_gone(
    tmp_path: Path, database: Database
) -> None:
    gone = as_dead_writer(archive_of_a_killed_crawl(tmp_path, database), database)
    check_archive(tmp_path, database, repair=True)
    whole = gone.stat().st_size
    with open(gone, "ab") as out:  # written again, then killed in the middle of a record
        out.write(gone.read_bytes()[:300])
    found = check_archive(tmp_path, database, repair=True)
    assert found.partial == [f"{gone.name}@{whole}"] and found.cut == 0  # not quiet an hour yet
    assert gone.stat().st_size == whole + 300

    with open(gone, "rb") as stream:  # a WARC reader takes the cut member for one more record
        before = [record.rec_type for record in ArchiveIterator(stream)]
    assert len(before) == 11 and before[-1] == "warcinfo"
    os.utime(gone, (0, 0))  # quiet for long
    cut = check_archive(tmp_path, database, repair=True)
    assert cut.cut == 1 and gone.stat().st_size == whole
    with open(gone, "rb") as stream:
        kinds = [record.rec_type for record in ArchiveIterator(stream)]
    assert kinds == ["warcinfo"] + ["response", "request", "metadata"] * 3
    assert check_archive(tmp_path, database).partial == []


def test_a_file_still_being_written_is_left_to_its_writer(
    tmp_path: Path, database: Database
) -> None:
    archive_of_a_killed_crawl(tmp_path, database)  # its writer, this process, is alive
    assert check_archive(tmp_path, database).unindexed == []  # its batch is still to come
    assert check_archive(tmp_path, database, repair=True).indexed_now == 0
    assert rows(database, capture(1).canonical_url or "") == []  # never indexed twice


def test_the_next_crawl_heals_a_killed_writers_file_once(
    tmp_path: Path, database: Database
) -> None:
    path = archive_of_a_killed_crawl(tmp_path, database)
    marker = tmp_path / WRITING_DIR / path.name
    assert marker.read_text(encoding="utf-8")  # left: its writer never closed cleanly
    assert heal_abandoned(tmp_path, database) == 0  # its writer (this process) is alive

    dead = as_dead_writer(path, database)
    with open(dead, "ab") as out:  # killed in the middle of a record
        out.write(b"\x1f\x8b\x08\x00partial")
    assert heal_abandoned(tmp_path, database) == 2
    assert list((tmp_path / WRITING_DIR).iterdir()) == []
    assert check_archive(tmp_path, database).unindexed == []
    assert check_archive(tmp_path, database).partial == []  # cut: its writer is gone
    assert heal_abandoned(tmp_path, database) == 0


def test_a_clean_close_leaves_no_marker(tmp_path: Path, database: Database) -> None:
    log = CaptureLog.open(tmp_path, 1 << 30, database)
    log.write(capture(1), Decision("off_topic"))
    log.close()
    assert list((tmp_path / WRITING_DIR).iterdir()) == []
    assert check_archive(tmp_path, database).unindexed == []
