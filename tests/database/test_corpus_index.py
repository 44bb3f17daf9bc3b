"""Start-up costs that stay flat: the folder stamp and the near index's catch-up mark."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import update

from corpus_folder.fs import counted_files
from corpus_folder.listing import FolderNames
from corpus_folder.store import CorpusStore
from crawler import corpus_index
from crawler.corpus_index import MARK, catch_up, open_index
from crawler.neardup.files import fingerprint_files
from crawler.progress import Progress
from db.models import Article
from tests.paths import SEEDS

TEXT = (
    "광주 인공지능 집적단지 2단계 사업이 예비타당성 조사를 통과했다.\n"
    "시는 2030년까지 4000억원을 들여 데이터센터를 넓힌다."
)


class StopAfter(threading.Event):
    """A stop request that arrives after `calls` checks (a Ctrl-C half-way)."""

    def __init__(self, calls: int) -> None:
        super().__init__()
        self.calls = calls

    def is_set(self) -> bool:
        self.calls -= 1
        return self.calls < 0


def append(store: CorpusStore, text: str) -> str:
    now = datetime.now(UTC)
    result = store.append(
        text, url=None, canonical_url=None, source=None, headline=text.split("\n")[0],
        published_at=None, fetched_at=now,
    )  # fmt: skip
    return result.file_name


def no_listing(store: CorpusStore, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> list[tuple[int, str]]:
        raise AssertionError("listed the whole corpus folder")

    monkeypatch.setattr(store, "_corpus_names", refuse)


def test_sync_lists_the_folder_only_when_it_changed(
    store: CorpusStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert store.sync() == len(SEEDS)
    name = append(store, TEXT)
    assert counted_files(store.directory) == len(SEEDS) + 1
    later = CorpusStore(store.directory, store.database)
    with monkeypatch.context() as patch:
        no_listing(later, patch)
        assert later.sync() == 0
        assert append(later, TEXT + " 추가") > name  # the next number, from the stamp
    (store.directory / "999_0123456789abcdef.txt").write_text("새 파일\n본문", encoding="utf-8")
    assert counted_files(store.directory) is None  # changed: count it
    assert CorpusStore(store.directory, store.database).sync() == 1


def test_a_start_indexes_only_rows_after_the_mark(
    store: CorpusStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.sync()
    index = open_index(store, 0.8)
    assert catch_up(store, index) and len(index) == len(SEEDS)
    assert (index.directory / MARK).is_file()
    name = append(store, TEXT)
    with monkeypatch.context() as patch:
        no_listing(store, patch)
        assert catch_up(store, index)
    assert len(index) == len(SEEDS) + 1 and name in index
    index.close()


def test_a_stopped_first_use_resumes_where_it_stopped(
    store: CorpusStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(corpus_index, "_CHUNK", 1)  # a stop is seen between chunks of files
    store.sync()
    index = open_index(store, 0.8)
    assert not catch_up(store, index, StopAfter(2))
    assert 0 < len(index) < len(SEEDS) and not (index.directory / MARK).exists()
    index.close()
    reopened = open_index(store, 0.8)
    held = len(reopened)
    added: list[str] = []
    original = reopened.add_batches

    def counting(batches):  # type: ignore[no-untyped-def]
        listed = list(batches)
        added.extend(key for batch in listed for key in batch.keys)
        return original(listed)

    monkeypatch.setattr(reopened, "add_batches", counting)
    assert catch_up(store, reopened) and len(reopened) == len(SEEDS)
    assert len(added) == len(SEEDS) - held  # only what the stopped run left
    reopened.close()


def test_another_database_voids_the_mark(
    store: CorpusStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.sync()
    index = open_index(store, 0.8)
    catch_up(store, index)
    with store.database.session() as session:
        session.execute(update(Article).values(file_name=Article.file_name + ".moved"))
        session.commit()
    listed: list[bool] = []
    original = store.listing

    def listing() -> FolderNames:
        listed.append(True)
        return original()

    monkeypatch.setattr(store, "listing", listing)
    assert catch_up(store, index)
    assert listed == [True]
    index.close()


def test_progress_without_a_terminal_logs_rate_and_eta(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="crawler.progress"), Progress(10, "Indexing") as bar:
        bar.update(4)
        assert bar.summary().startswith("4/10 files, ") and "ETA" in bar.summary()
    assert caplog.messages[0] == "Indexing: 10 files"
    assert caplog.messages[-1].startswith("Indexing: 4/10 files, ")


def test_unreadable_file_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "here.txt").write_text(TEXT, encoding="utf-8")
    batch = fingerprint_files(str(tmp_path), ["gone.txt", "here.txt"])
    assert batch.keys == ["here.txt"] and len(batch.signatures) == 1


def test_many_files_are_fingerprinted_by_worker_processes(
    store: CorpusStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(corpus_index, "PARALLEL_FROM", 1)
    monkeypatch.setattr(corpus_index, "_WINDOW", 2)  # several windows over five files
    monkeypatch.setattr(corpus_index, "_workers", lambda: 2)
    store.sync()
    index = open_index(store, 0.8)
    assert catch_up(store, index) and len(index) == len(SEEDS)
    first = sorted(store.file_names())[0]
    match = index.query((store.directory / first).read_text(encoding="utf-8"))
    assert match is not None and match.key == first
    index.close()


def test_a_crawl_closing_stops_its_catch_up_and_a_waiting_store_gets_the_index(
    store: CorpusStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crawler.crawl.services import NearLoad

    monkeypatch.setattr(corpus_index, "_CHUNK", 1)  # a stop is seen between chunks of files
    store.sync()
    started = threading.Event()
    original = corpus_index._counted

    def slow(*args, **kwargs):  # type: ignore[no-untyped-def]
        started.set()
        for pair in original(*args, **kwargs):
            stop = args[2]
            stop.wait(5)  # a long first use: one file per stop request at most
            yield pair

    monkeypatch.setattr(corpus_index, "_counted", slow)
    with store.exclusive():
        index = open_index(store, 0.8)
    load = NearLoad(store, index)
    assert started.wait(5)
    load.close()  # a crawl that found nothing new: returns at once, keeps what was indexed
    assert not (index.directory / MARK).exists()
    monkeypatch.setattr(corpus_index, "_counted", original)
    with store.exclusive():
        reopened = open_index(store, 0.8)
    load = NearLoad(store, reopened)
    assert len(load.index()) == len(SEEDS)  # waits for the catch-up, then holds every file
    load.close()
    assert (reopened.directory / MARK).is_file()
