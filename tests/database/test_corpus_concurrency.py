"""Two processes appending to one corpus at once never share a number or store a text twice."""

from __future__ import annotations

import hashlib
import multiprocessing
from datetime import UTC, datetime
from multiprocessing.synchronize import Barrier
from pathlib import Path

import pytest

from corpus_folder.store import NAME_PATTERN, CorpusStore
from db.session import open_database

pytestmark = pytest.mark.database

PER_WORKER = 20
SHARED = [f"두 프로세스가 함께 보는 기사 {n}\n공통 본문 {n}" for n in range(5)]


def _texts(worker: str) -> list[str]:
    own = [f"{worker} 기사 {n}\n{worker} 본문 {n} 문단" for n in range(PER_WORKER)]
    # Shared texts interleaved so both workers race on the same bytes.
    return [text for pair in zip(own, SHARED * 4, strict=True) for text in pair]


def _append_all(url: str, directory: str, worker: str, barrier: Barrier) -> None:
    database = open_database(url)
    store = CorpusStore(directory, database)
    barrier.wait()
    for text in _texts(worker):
        store.append(
            text, url=None, canonical_url=None, source=worker, headline=text.split("\n")[0],
            published_at=None, fetched_at=datetime.now(UTC),
        )  # fmt: skip
    database.close()


def test_two_processes_append_without_collisions(database_url: str, corpus_dir: Path) -> None:
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(2)
    workers = [
        context.Process(target=_append_all, args=(database_url, str(corpus_dir), name, barrier))
        for name in ("A", "B")
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=240)
    assert [worker.exitcode for worker in workers] == [0, 0]

    names = sorted(p.name for p in corpus_dir.iterdir() if NAME_PATTERN.match(p.name))
    seqs = sorted(int(name.split("_")[0]) for name in names)
    assert seqs == list(range(5 + 2 * PER_WORKER + len(SHARED)))
    contents = [(corpus_dir / name).read_bytes() for name in names]
    assert len(set(contents)) == len(contents)
    assert not [p.name for p in corpus_dir.iterdir() if p.name.startswith(".tmp-")]
    for name, data in zip(names, contents, strict=True):
        if int(name.split("_")[0]) >= 5:
            assert name[-20:-4] == hashlib.sha256(data).hexdigest()[:16]

    database = open_database(database_url)
    try:
        assert CorpusStore(corpus_dir, database).verify().ok
    finally:
        database.close()
