"""CorpusStore on both backends: seeds, naming, duplicates, crashes, a full disk and verify."""

from __future__ import annotations

import errno
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from corpus_folder.staging import STAGING_DIR, CorpusWriteError
from corpus_folder.store import AppendResult, CorpusStore, VerifyReport
from db.models import Article
from db.session import Database
from tests import queries
from tests.paths import SEEDS

pytestmark = pytest.mark.database

FETCHED = datetime(2025, 6, 3, 8, 0, tzinfo=UTC)
SEED_NAMES = [seed.name for seed in SEEDS]


def append(store: CorpusStore, text: str) -> AppendResult:
    return store.append(
        text, url="https://news.example.kr/1", canonical_url="https://news.example.kr/1",
        source="example", headline=text.split("\n", 1)[0], published_at=None, fetched_at=FETCHED,
    )  # fmt: skip


def rows(database: Database) -> list[Article]:
    with database.session() as session:
        return list(session.scalars(select(Article).order_by(Article.seq)))


def corpus_files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if not p.name.startswith(".newsmon"))


def drop_file(directory: Path, seq: int, data: bytes) -> str:
    name = f"{seq:03d}_{hashlib.sha256(data).hexdigest()[:16]}.txt"
    (directory / name).write_bytes(data)
    return name


def test_seeds_are_indexed_on_first_sync(store: CorpusStore, database: Database) -> None:
    assert store.sync() == 5
    assert store.sync() == 0
    stored = rows(database)
    assert [a.file_name for a in stored] == SEED_NAMES
    assert {a.origin for a in stored} == {"folder"}
    seed = (store.directory / SEED_NAMES[2]).read_bytes()
    assert stored[2].content_hash == hashlib.sha256(seed).hexdigest()
    assert stored[2].headline == seed.decode().split("\n", 1)[0]


def test_first_append_indexes_seeds_and_takes_the_next_number(
    store: CorpusStore, database: Database
) -> None:
    text = "광주 AI 집적단지 2단계 착수\n광주시는 3일 사업을 시작했다."
    result = append(store, text)
    digest = hashlib.sha256(text.encode()).hexdigest()
    assert result == AppendResult("added", f"005_{digest[:16]}.txt", 5)
    written = (store.directory / result.file_name).read_bytes()
    assert written == text.encode("utf-8")
    assert hashlib.sha256(written).hexdigest()[:16] == result.file_name[4:20]
    assert [(a.seq, a.origin) for a in rows(database)][-1] == (5, "crawl")
    assert rows(database)[-1].content_hash == digest


def test_number_after_999_is_1000(store: CorpusStore) -> None:
    append(store, "첫 기사\n본문")
    dropped = drop_file(store.directory, 999, "사용자가 넣은 기사\n본문".encode())
    result = append(store, "다음 기사\n본문")
    assert result.seq == 1000
    assert result.file_name.startswith("1000_")
    assert dropped in corpus_files(store.directory)


def test_duplicate_is_not_written(store: CorpusStore, database: Database) -> None:
    first = append(store, "같은 기사\n같은 본문")
    before = corpus_files(store.directory)
    again = append(store, "같은 기사\n같은 본문")
    assert again == AppendResult("duplicate", first.file_name, first.seq)
    assert corpus_files(store.directory) == before
    assert len(rows(database)) == 6


def test_duplicate_of_a_seed_names_the_seed(store: CorpusStore) -> None:
    seed_text = (store.directory / SEED_NAMES[4]).read_text(encoding="utf-8")
    assert append(store, seed_text) == AppendResult("duplicate", SEED_NAMES[4], 4)


def test_text_with_trailing_newline_is_refused(store: CorpusStore) -> None:
    with pytest.raises(ValueError, match="newline"):
        append(store, "제목\n본문\n")


def test_rename_crash_leaves_nothing_behind(
    store: CorpusStore, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.sync()
    before = corpus_files(store.directory)

    def crash(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.EIO, "simulated crash")

    monkeypatch.setattr(os, "rename", crash)  # placing a named staged file
    monkeypatch.setattr(os, "link", crash)  # placing an unnamed one
    with pytest.raises(OSError, match="simulated crash"):
        append(store, "기사\n본문")
    monkeypatch.undo()
    assert sorted(os.listdir(store.directory)) == before
    assert len(rows(database)) == 5
    assert store.verify().ok
    assert append(store, "기사\n본문").seq == 5


def test_lost_commit_leaves_a_file_that_sync_indexes(
    store: CorpusStore, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.sync()

    def lost_commit(self: Session) -> None:
        raise RuntimeError("simulated lost commit")

    monkeypatch.setattr(Session, "commit", lost_commit)
    with pytest.raises(RuntimeError, match="lost commit"):
        append(store, "잃어버린 커밋\n본문")
    monkeypatch.undo()
    assert len(rows(database)) == 5
    assert not store.verify().ok
    assert store.sync() == 1
    assert store.verify().ok
    again = append(store, "잃어버린 커밋\n본문")
    assert (again.status, again.seq) == ("duplicate", 5)


def test_full_disk_leaves_no_file(
    store: CorpusStore, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.sync()
    before = corpus_files(store.directory)
    real_write = os.write

    def full_disk(handle: int, data: bytes) -> int:
        real_write(handle, bytes(data[:3]))  # a partial write first, like a real disk filling up
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full_disk)
    with pytest.raises(CorpusWriteError, match="corpus folder") as raised:
        append(store, "큰 기사\n" + "본문 " * 1000)
    monkeypatch.undo()
    assert (raised.value.errno, raised.value.reason) == (errno.ENOSPC, "corpus_disk_full")
    assert sorted(os.listdir(store.directory)) == before  # the folder holds only the corpus
    assert len(rows(database)) == 5


def test_a_killed_writers_staged_file_is_removed_but_a_live_one_is_kept(
    store: CorpusStore, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Filesystems without unnamed files stage under a hidden folder, per writer.
    monkeypatch.setattr("corpus_folder.staging._probe_tmpfile", lambda _directory: False)
    other = CorpusStore(store.directory, database)  # another live writer on the same folder
    live = other.stage("살아 있는 기사\n본문")
    assert live.path is not None
    staging = store.directory / STAGING_DIR
    (staging / ".tmp-0badc0ffee00-killed.part").write_bytes(b"half an art")  # its owner is gone
    (staging / "0badc0ffee01.lock").write_bytes(b"")  # a writer that exited cleanly
    assert store.verify().temp_files == [f"{STAGING_DIR}/.tmp-0badc0ffee00-killed.part"]
    store.sync()
    left = sorted(p.name for p in staging.iterdir() if p.suffix == ".part")
    assert left == [live.path.name]
    assert not (staging / "0badc0ffee01.lock").exists()
    live.release()
    assert store.verify().ok
    other.close()  # the last writer out removes the hidden folder
    assert sorted(os.listdir(store.directory)) == corpus_files(store.directory)
    assert not staging.exists()


def test_sync_removes_temp_files_and_reports_twin_files(store: CorpusStore) -> None:
    (store.directory / ".tmp-killed.part").write_bytes(b"half an art")
    data = "같은 내용의 두 파일\n본문".encode()
    first = drop_file(store.directory, 7, data)
    (store.directory / f"008_{first[4:]}").write_bytes(data)
    assert store.sync() == 6
    assert not (store.directory / ".tmp-killed.part").exists()
    report = store.verify()
    assert report.unknown_files == [f"008_{first[4:]}"]
    assert append(store, "새 기사\n본문").seq == 9


@dataclass(frozen=True)
class Breakage:
    """One way the folder and the database can disagree."""

    kind: str
    field: str
    repairable: bool
    act: Callable[[CorpusStore], str]


def _edit_crawled(store: CorpusStore) -> str:
    name = append(store, "수정될 기사\n본문").file_name
    (store.directory / name).write_bytes("수정된 기사\n본문".encode())
    return name


def _edit_seed(store: CorpusStore) -> str:
    (store.directory / SEED_NAMES[1]).write_bytes("고친 씨앗\n본문".encode())
    return SEED_NAMES[1]


def _delete_crawled(store: CorpusStore) -> str:
    name = append(store, "지워질 기사\n본문").file_name
    (store.directory / name).unlink()
    return name


def _restore_deleted(store: CorpusStore) -> str:
    name = append(store, "돌아올 기사\n본문").file_name
    data = (store.directory / name).read_bytes()
    (store.directory / name).unlink()
    store.verify(repair=True)
    (store.directory / name).write_bytes(data)
    return name


def _drop_unknown(store: CorpusStore) -> str:
    return drop_file(store.directory, 42, "사용자가 넣은 파일\n본문".encode())


def _leave_temp(store: CorpusStore) -> str:
    (store.directory / ".tmp-abandoned.part").write_bytes(b"partial")
    return ".tmp-abandoned.part"


def _trailing_newline(store: CorpusStore) -> str:
    return drop_file(store.directory, 43, "줄바꿈으로 끝나는 파일\n".encode())


def _invalid_utf8(store: CorpusStore) -> str:
    return drop_file(store.directory, 44, "깨진 파일\n".encode()[:-3] + b"\xff\xfe")


BREAKAGES = [
    Breakage("crawled file edited", "name_mismatch", False, _edit_crawled),
    Breakage("crawled file edited (hash)", "content_changed", False, _edit_crawled),
    Breakage("seed edited", "content_changed", False, _edit_seed),
    Breakage("crawled file deleted", "missing_files", True, _delete_crawled),
    Breakage("deleted file restored", "restored_files", True, _restore_deleted),
    Breakage("unknown file dropped", "unknown_files", True, _drop_unknown),
    Breakage("temp file left", "temp_files", True, _leave_temp),
    Breakage("trailing newline", "trailing_newline", False, _trailing_newline),
    Breakage("invalid utf-8", "invalid_utf8", False, _invalid_utf8),
]


def test_verify_is_ok_on_a_fresh_corpus(store: CorpusStore) -> None:
    append(store, "정상 기사\n본문")
    report = store.verify()
    assert report.ok
    assert report == VerifyReport()


@pytest.mark.parametrize("breakage", BREAKAGES, ids=lambda b: b.kind)
def test_verify_detects_and_repairs(store: CorpusStore, breakage: Breakage) -> None:
    store.sync()
    name = breakage.act(store)
    found = store.verify()
    assert getattr(found, breakage.field) == [name]
    assert not found.ok
    kept = [f for f in corpus_files(store.directory) if not f.startswith(".tmp-")]
    assert store.verify(repair=True).repaired
    # Repair never deletes, renames or rewrites a corpus file.
    assert corpus_files(store.directory) == kept
    after = store.verify()
    assert getattr(after, breakage.field) == ([] if breakage.repairable else [name])


def test_deleted_file_keeps_its_number(store: CorpusStore, database: Database) -> None:
    name = _delete_crawled(store)
    store.verify(repair=True)
    with database.session() as session:
        row = queries.article_by_file_name(session, name)
        assert row is not None and row.missing
    assert append(store, "그다음 기사\n본문").seq == 6
