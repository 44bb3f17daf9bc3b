"""The index's sealed runs: lookups through memory-mapped tables match the in-memory tail."""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from crawler.neardup import NearDuplicateIndex, runs, similarity, store
from crawler.neardup.records import RECORD
from crawler.neardup.signature import DOC_MASK, KEY_MASK
from tests.unit.test_neardup import DISTINCT, NEAR_DUPLICATES, generation_file, read

FILLER = (
    "광주시 {n}번째 소식입니다. 인공지능 산업단지에 입주한 기업 {n}곳이 새로운 사업을 시작했다. "
    "시는 예산 {m}억원을 들여 {n}개 과제를 지원하고 {m}명의 인력을 양성할 계획이라고 밝혔다."
)


def filler(number: int) -> str:
    # Distinct enough texts: every sentence carries the number in several forms.
    return FILLER.format(n=f"{number:05d}", m=number * 7919 % 100003) + f" 문의 {number * 31}"


@pytest.fixture(autouse=True)
def small_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "SEAL_AT", 4)
    monkeypatch.setattr(store, "BULK_SEAL_AT", 8)


def runs_of(directory: Path) -> list[list[int]]:
    manifest = generation_file(directory, "runs.json")
    return [list(span) for span in json.loads(manifest.read_text())["runs"]]


def test_sealed_documents_are_found_and_runs_stay_few(tmp_path: Path) -> None:
    index = NearDuplicateIndex.open(tmp_path)
    originals = [pair[0] for pair in NEAR_DUPLICATES.values()]
    index.add("first.txt", read(originals[0]))
    for number in range(37):
        index.add(f"f{number}.txt", filler(number))
    index.close()
    reopened = NearDuplicateIndex.open(tmp_path)
    spans = runs_of(tmp_path)
    assert spans[0][0] == 0 and all(a[1] == b[0] for a, b in pairwise(spans))
    assert len(spans) <= 4 and spans[-1][1] >= 34  # merged: 36 sealed documents in few runs
    assert len(reopened) == 38 and len(reopened._store.docs) < 4
    assert "first.txt" in reopened and "f20.txt" in reopened and "f99.txt" not in reopened
    match = reopened.query(read(NEAR_DUPLICATES["wire/other-outlet-last-line"][1]))
    assert match is not None and match.key == "first.txt"
    assert match.similarity == pytest.approx(0.98, abs=0.01)
    twin = reopened.query(filler(12) + " 끝")
    assert twin is not None and twin.key == "f12.txt"
    reopened.close()


def test_add_many_resumes_and_skips_what_it_holds(tmp_path: Path) -> None:
    index = NearDuplicateIndex.open(tmp_path)
    assert index.add_many((f"f{n}.txt", filler(n)) for n in range(20)) == 20
    assert index.add_many((f"f{n}.txt", filler(n)) for n in range(30)) == 10
    assert index.known(["f3.txt", "f29.txt", "nope.txt"]).tolist() == [True, True, False]
    index.close()
    reopened = NearDuplicateIndex.open(tmp_path)
    assert len(reopened) == 30
    reopened.close()


def test_other_process_sees_a_seal(tmp_path: Path) -> None:
    writer = NearDuplicateIndex.open(tmp_path)
    reader = NearDuplicateIndex.open(tmp_path)
    for number in range(9):
        writer.add(f"f{number}.txt", filler(number))
    match = reader.query(filler(2) + " 끝")
    assert match is not None and match.key == "f2.txt"
    assert len(reader) == 9 and "f0.txt" in reader
    writer.close()
    reader.close()


def test_damaged_sealed_record_asks_for_a_rebuild(tmp_path: Path) -> None:
    index = NearDuplicateIndex.open(tmp_path)
    for number in range(6):
        index.add(f"f{number}.txt", filler(number))
    index.close()
    docs = generation_file(tmp_path, "docs.bin")
    data = bytearray(docs.read_bytes())
    data[RECORD.itemsize + 20] ^= 0xFF  # document 1, sealed: not checked at open
    docs.write_bytes(bytes(data))
    reopened = NearDuplicateIndex.open(tmp_path)
    assert not reopened.needs_rebuild
    assert reopened.query(filler(1) + " 끝") is None
    assert reopened.needs_rebuild
    reopened.close()


@pytest.mark.parametrize("damage", ["runs-missing", "runs-past-records", "table-garbage"])
def test_unusable_runs_ask_for_a_rebuild(tmp_path: Path, damage: str) -> None:
    index = NearDuplicateIndex.open(tmp_path)
    for number in range(6):
        index.add(f"f{number}.txt", filler(number))
    index.close()
    manifest = generation_file(tmp_path, "runs.json")
    if damage == "runs-missing":
        manifest.unlink()
    elif damage == "runs-past-records":
        manifest.write_text(json.dumps({"runs": [[0, 4], [4, 400]], "shingle_end": 10}))
    else:
        table = next(manifest.parent.glob("run-*.bands"))
        table.write_bytes(b"garbage" * 10)
    reopened = NearDuplicateIndex.open(tmp_path)
    assert reopened.needs_rebuild
    reopened.rebuild((f"f{n}.txt", filler(n)) for n in range(6))
    assert not reopened.needs_rebuild and len(reopened) == 6 and "f5.txt" in reopened
    reopened.close()


def test_merge_streams_two_tables_into_one_sorted_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runs, "_CHUNK", 7)  # many steps, uneven between the two tables
    rng = np.random.default_rng(5)
    older = rng.integers(0, 2**63, 100, dtype=np.uint64)
    newer = np.concatenate((older[:5], rng.integers(0, 2**63, 31, dtype=np.uint64)))
    runs.write_table(tmp_path / "a", older)
    runs.write_table(tmp_path / "b", newer)
    a, b = runs.Table(tmp_path / "a"), runs.Table(tmp_path / "b")
    runs.merge_tables(tmp_path / "ab", a, b)
    merged = runs.Table(tmp_path / "ab")
    assert merged.entries().tolist() == np.sort(np.concatenate((older, newer))).tolist()
    key = int(newer[3]) & int(KEY_MASK)
    assert sorted(merged.find(np.array([key], dtype=np.uint64)).tolist()) == sorted(
        [int(newer[3]) & int(DOC_MASK)] * 2
    )
    for table in (a, b, merged):
        table.close()


def test_measured_pairs_decide_the_same_once_sealed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "SEAL_AT", 1)  # every document in a run, none in the tail
    stored = sorted({pair[0] for pair in (*NEAR_DUPLICATES.values(), *DISTINCT.values())})
    index = NearDuplicateIndex.open(tmp_path)
    for name in stored:
        index.add(f"{name}.txt", read(name))
    assert len(index._store.docs) == 0
    for _earlier, later, _ in NEAR_DUPLICATES.values():
        best = max(stored, key=lambda name: similarity(read(later), read(name)))
        match = index.query(read(later))
        assert match is not None and match.key == f"{best}.txt"
        assert match.similarity == pytest.approx(similarity(read(later), read(best)))
    assert all(index.query(read(later)) is None for _, later, _ in DISTINCT.values())
    index.close()


def test_a_bulk_seals_many_runs_then_merges_them_into_few(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "BULK_RUNS", 5)  # a merge half-way as well as at the end
    index = NearDuplicateIndex.open(tmp_path)
    index.add("first.txt", filler(1000))
    assert index.add_many((f"f{n}.txt", filler(n)) for n in range(70)) == 70
    spans = runs_of(tmp_path)
    assert spans[0][0] == 0 and all(a[1] == b[0] for a, b in pairwise(spans))
    assert len(spans) <= 3 and len(index._store.docs) < 4
    assert not list(manifest_dir(tmp_path).glob("*.tmp"))
    assert {path.name.split(".")[0] for path in manifest_dir(tmp_path).glob("run-*")} == {
        f"run-{start}-{end}" for start, end in spans
    }
    index.close()
    reopened = NearDuplicateIndex.open(tmp_path)
    assert len(reopened) == 71 and reopened.known(["first.txt", "f0.txt", "f69.txt"]).all()
    for number in (0, 33, 69):
        match = reopened.query(filler(number) + " 끝")
        assert match is not None and match.key == f"f{number}.txt"
    reopened.close()


def test_a_k_way_merge_is_one_sorted_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runs, "_CHUNK", 20)  # slices of 5 entries over four tables
    rng = np.random.default_rng(11)
    parts = [rng.integers(0, 2**63, size, dtype=np.uint64) for size in (40, 0, 17, 33)]
    tables = []
    for number, part in enumerate(parts):
        runs.write_table(tmp_path / f"t{number}", part)
        tables.append(runs.Table(tmp_path / f"t{number}"))
    runs.merge_tables(tmp_path / "all", *tables)
    merged = runs.Table(tmp_path / "all")
    assert merged.entries().tolist() == np.sort(np.concatenate(parts)).tolist()
    for table in (*tables, merged):
        table.close()


def manifest_dir(directory: Path) -> Path:
    return generation_file(directory, "runs.json").parent
