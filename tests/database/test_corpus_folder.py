"""The corpus folder holds only corpus files: lock, staging and index live elsewhere or nowhere."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest

from corpus_folder.legacy import LEGACY_INDEX, LEGACY_LOCK, NEAR_INDEX
from corpus_folder.staging import STAGING_DIR, CorpusFolderError
from corpus_folder.store import NAME_PATTERN, AppendResult, CorpusStore
from db.session import Database
from tests.paths import REPO, SEEDS

pytestmark = pytest.mark.database

FETCHED = datetime(2025, 6, 3, 8, 0, tzinfo=UTC)


def append(store: CorpusStore, text: str) -> AppendResult:
    return store.append(
        text, url=None, canonical_url=None, source="example", headline=text.split("\n", 1)[0],
        published_at=None, fetched_at=FETCHED,
    )  # fmt: skip


def only_corpus_files(directory: Path) -> bool:
    return all(NAME_PATTERN.match(name) for name in os.listdir(directory))


def test_appends_leave_only_corpus_files(store: CorpusStore) -> None:
    store.sync()
    staged = store.stage("스테이징 중인 기사\n본문")
    assert only_corpus_files(store.directory)  # a staged file has no name in the folder
    staged.release()
    for n in range(3):
        append(store, f"기사 {n}\n본문 {n}")
    store.close()
    assert only_corpus_files(store.directory)
    assert len(os.listdir(store.directory)) == len(SEEDS) + 3
    assert store.verify().ok


def test_state_folder_is_beside_the_corpus(store: CorpusStore) -> None:
    assert store.state_dir == store.directory.resolve().with_name("corpus.newsmon")


def test_an_earlier_versions_folder_is_upgraded_in_place(
    store: CorpusStore, database: Database
) -> None:
    store.sync()
    first = append(store, "업그레이드 전 기사\n본문")
    store.close()
    names = sorted(os.listdir(store.directory))
    # What an earlier version left: lock file, staging folder (a dead writer's part), index.
    (store.directory / LEGACY_LOCK).write_bytes(b"")
    staging = store.directory / STAGING_DIR
    staging.mkdir()
    (staging / "0badc0ffee00.lock").write_bytes(b"")
    (staging / ".tmp-0badc0ffee00-x.part").write_bytes(b"half")
    index = store.directory / LEGACY_INDEX
    (index / "gen-1").mkdir(parents=True)
    (index / "CURRENT").write_text('{"generation": "gen-1"}')

    upgraded = CorpusStore(store.directory, database)
    assert upgraded.sync() == 0  # nothing re-added
    assert sorted(os.listdir(store.directory)) == names  # nothing renumbered or renamed
    moved = upgraded.state_dir / NEAR_INDEX
    assert (moved / "CURRENT").read_text() == '{"generation": "gen-1"}'
    again = append(upgraded, "업그레이드 후 기사\n본문")
    assert again.seq == (first.seq or 0) + 1
    upgraded.close()
    assert only_corpus_files(store.directory)
    assert upgraded.verify().ok


def test_a_read_only_folder_fails_clearly(
    store: CorpusStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_open = os.open

    def read_only(path: object, flags: int, *args: object, **kwargs: object) -> int:
        if flags & os.O_TMPFILE == os.O_TMPFILE or flags & os.O_CREAT:
            raise OSError(errno.EROFS, "Read-only file system")
        return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    before = sorted(os.listdir(store.directory))
    monkeypatch.setattr(os, "open", read_only)
    with pytest.raises(CorpusFolderError, match=r"corpus folder .* is not writable"):
        store.ensure_writable()
    assert store.sync() == len(SEEDS)  # reading (and indexing into the database) still works
    assert store.verify().ok
    monkeypatch.undo()
    assert sorted(os.listdir(store.directory)) == before


def test_a_folder_that_cannot_be_locked_fails_clearly(
    store: CorpusStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_locks(_fd: int, _operation: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr("corpus_folder.fs.fcntl.flock", no_locks)
    with pytest.raises(CorpusFolderError, match="network share"):
        store.sync()


_KILLED_WRITER = textwrap.dedent(
    """
    import sys, time
    from datetime import UTC, datetime
    from corpus_folder.store import CorpusStore
    from db.session import open_database
    store = CorpusStore(sys.argv[2], open_database(sys.argv[1]))
    staged = [store.stage(f"죽는 작성자 {n}\\n" + "본문 " * 5000) for n in range(20)]
    store.append("죽기 전 기사\\n본문", url=None, canonical_url=None, source=None,
                 headline="죽기 전 기사", published_at=None, fetched_at=datetime.now(UTC))
    print("staged", flush=True)
    time.sleep(60)
    """
)


def test_a_killed_writer_leaves_nothing_in_the_folder(
    store: CorpusStore, database_url: str
) -> None:
    store.sync()
    writer = subprocess.Popen(
        [sys.executable, "-c", _KILLED_WRITER, database_url, str(store.directory)],
        cwd=REPO, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "staged"
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    assert only_corpus_files(store.directory)
    assert len(os.listdir(store.directory)) == len(SEEDS) + 1
    assert store.sync() == 0
    assert store.verify().ok


def test_an_empty_legacy_staging_folder_and_lock_go_on_first_use(store: CorpusStore) -> None:
    (store.directory / LEGACY_LOCK).write_bytes(b"")
    (store.directory / STAGING_DIR).mkdir()
    assert store.sync() == len(SEEDS)
    assert only_corpus_files(store.directory)
