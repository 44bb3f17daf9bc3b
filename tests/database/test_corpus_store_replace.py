"""CorpusStore.replace: the same number under a new name, the old bytes kept and recorded."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from corpus_folder.replace import REPLACED_DIR
from corpus_folder.store import CorpusStore, corpus_name
from db import captures
from db.session import Database

pytestmark = pytest.mark.database
FIRST = "광주 AI 데이터센터 착공\n광주시는 오늘 착공식을 열었다.\n/홍길동 기자"
SECOND = "전남 농가 수확 한창\n전남 농가가 가을 수확에 나섰다."


def _append(store: CorpusStore, text: str) -> tuple[int, str]:
    result = store.append(
        text, url=None, canonical_url=None, source="test", headline=text.split("\n")[0],
        published_at=None, fetched_at=datetime(2026, 1, 1, tzinfo=UTC),
    )  # fmt: skip
    assert result.seq is not None
    return result.seq, result.file_name


def test_replace_keeps_the_number_records_the_old_name_and_verifies(
    store: CorpusStore, database: Database
) -> None:
    seq, old = _append(store, FIRST)
    new_text = FIRST.rsplit("\n", 1)[0]
    new = store.replace(seq, new_text, reason="reextract", run="r1").new_name
    digest = hashlib.sha256(new_text.encode()).hexdigest()
    assert new == corpus_name(seq, digest) != old
    assert (store.directory / new).read_text(encoding="utf-8") == new_text
    assert not (store.directory / old).exists()
    assert (store.state_dir / REPLACED_DIR / old).read_text(encoding="utf-8") == FIRST
    assert store.kept_text(old) == FIRST
    with database.session() as session:
        (rename,) = captures.renames_of_seq(session, seq)
        assert (rename.old_file_name, rename.new_file_name, rename.run) == (old, new, "r1")
        assert captures.old_names(session) == {new: [old]}
    assert store.verify().ok
    back = store.replace(seq, store.kept_text(old), reason="undo").new_name
    assert back == old and (store.directory / old).read_text(encoding="utf-8") == FIRST
    assert store.verify().ok


def test_replace_with_the_same_bytes_changes_nothing(
    store: CorpusStore, database: Database
) -> None:
    seq, old = _append(store, FIRST)
    assert store.replace(seq, FIRST, reason="reextract").new_name == old
    with database.session() as session:
        assert captures.renames_of_seq(session, seq) == []


def test_replace_refuses_another_file_s_bytes_and_unknown_numbers(store: CorpusStore) -> None:
    seq, old = _append(store, FIRST)
    _append(store, SECOND)
    with pytest.raises(ValueError, match="same as"):
        store.replace(seq, SECOND, reason="reextract")
    with pytest.raises(ValueError, match="no corpus file"):
        store.replace(9999, "x\ny", reason="reextract")
    assert (store.directory / old).read_text(encoding="utf-8") == FIRST
    assert store.verify().ok
