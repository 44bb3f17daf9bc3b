"""Replacing the text of corpus file N: same number, new name from the new bytes, old file kept."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from corpus_folder.replace import REPLACED_DIR, ReplaceError, replace_text
from corpus_folder.store import CorpusStore, corpus_name
from db import repository

pytestmark = pytest.mark.database
FETCHED = datetime(2026, 12, 1, tzinfo=UTC)
FIRST = "광주 AI 사업 발표\n사업비는 4천억원 규모다."
SECOND = "광주 AI 사업 재검토\n사업비는 3천억원 규모다."


def _append(store: CorpusStore, text: str) -> int:
    added = store.append(
        text, url=None, canonical_url=None, source="s", headline=text.split("\n")[0],
        published_at=None, fetched_at=FETCHED,
    )  # fmt: skip
    assert added.seq is not None
    return added.seq


def test_replace_keeps_the_number_and_verify_clean(store: CorpusStore) -> None:
    seq = _append(store, FIRST)
    old = corpus_name(seq, store.stage(FIRST).digest)
    replaced = replace_text(store, seq, SECOND)
    assert replaced is not None and replaced.old_name == old and replaced.seq == seq
    assert (store.directory / replaced.new_name).read_text(encoding="utf-8") == SECOND
    assert not (store.directory / old).exists()
    assert (store.state_dir / REPLACED_DIR / old).read_text(encoding="utf-8") == FIRST
    with store.database.session() as session:
        row = repository.article_by_seq(session, seq)
        assert row is not None and row.file_name == replaced.new_name
        assert row.headline == "광주 AI 사업 재검토"
    assert store.verify().ok
    assert replace_text(store, seq, SECOND) is None  # already the text
    # The next append still takes a new number.
    assert _append(store, "다른 기사\n본문이다.") == seq + 1


def test_refusals_change_nothing(store: CorpusStore) -> None:
    seq = _append(store, FIRST)
    other = _append(store, SECOND)
    before = store.file_names()
    with pytest.raises(ReplaceError, match="the same as"):
        replace_text(store, seq, SECOND)
    with pytest.raises(ReplaceError, match="no corpus file with number"):
        replace_text(store, other + 100, "무엇\n이든")
    assert store.file_names() == before and store.verify().ok


def test_a_call_that_died_before_its_commit_is_finished_by_the_next(store: CorpusStore) -> None:
    seq = _append(store, FIRST)
    new_name = corpus_name(seq, store.stage(SECOND).digest)
    (store.directory / new_name).write_text(SECOND, encoding="utf-8")  # placed, not committed
    replaced = replace_text(store, seq, SECOND)
    assert replaced is not None and replaced.new_name == new_name
    assert [n for n in store.file_names() if n.startswith(f"{seq:03d}_")] == [new_name]
    assert store.verify().ok
