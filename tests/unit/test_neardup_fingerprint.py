"""A text's Fingerprint stands in for the text in every index call, with the same outcome."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np

from crawler.neardup import Fingerprint, NearDuplicateIndex
from crawler.neardup.files import fingerprint_files
from crawler.neardup.shingling import shingle_array, sorted_unique
from crawler.neardup.signature import NUM_PERM, minhash, minhash_many

NEARDUP = Path(__file__).parent.parent / "fixtures" / "neardup"
STORED = ("wire_yna", "sidebar_old", "correction_old", "release_traffic", "template_oil_w1")
QUERIED = ("wire_gwangnam", "sidebar_new", "correction_new", "release_heat", "template_oil_w2")


def read(name: str) -> str:
    return (NEARDUP / f"{name}.txt").read_text(encoding="utf-8")


def test_fingerprint_is_the_shingles_and_their_signature() -> None:
    text = read("wire_yna")
    fingerprint = Fingerprint.of(text)
    assert np.array_equal(fingerprint.shingles, shingle_array(text))
    assert np.array_equal(fingerprint.signature, minhash(shingle_array(text)))


def test_fingerprint_survives_pickling() -> None:
    fingerprint = Fingerprint.of(read("correction_new"))
    copy = pickle.loads(pickle.dumps(fingerprint))
    assert np.array_equal(copy.shingles, fingerprint.shingles)
    assert np.array_equal(copy.signature, fingerprint.signature)


def test_index_fed_fingerprints_answers_as_one_fed_texts(tmp_path: Path) -> None:
    by_text = NearDuplicateIndex.open(tmp_path / "text")
    by_print = NearDuplicateIndex.open(tmp_path / "print")
    try:
        for name in STORED:
            by_text.add(f"{name}.txt", read(name))
            by_print.add(f"{name}.txt", Fingerprint.of(read(name)))
        answers = [by_text.query(read(name)) for name in QUERIED]
        assert [by_print.query(Fingerprint.of(read(name))) for name in QUERIED] == answers
        # Mixed: the fingerprint index answers text queries, and the text index fingerprints.
        assert [by_print.query(read(name)) for name in QUERIED] == answers
        assert [by_text.query(Fingerprint.of(read(name))) for name in QUERIED] == answers
        assert sum(answer is not None for answer in answers) == 3  # the near pairs only
    finally:
        by_text.close()
        by_print.close()


def test_fingerprints_persist_like_texts(tmp_path: Path) -> None:
    index = NearDuplicateIndex.open(tmp_path)
    index.add("old.txt", Fingerprint.of(read("sidebar_old")))
    index.add("empty.txt", Fingerprint.of(""))
    index.close()
    reopened = NearDuplicateIndex.open(tmp_path)
    try:
        assert not reopened.needs_rebuild and len(reopened) == 2
        match = reopened.query(read("sidebar_new"))
        assert match is not None and match.key == "old.txt"
        assert reopened.query(Fingerprint.of("")) is None
    finally:
        reopened.close()


def test_sorted_unique_is_np_unique() -> None:
    rng = np.random.default_rng(7)
    for size in (0, 1, 2, 3, 50, 1000):
        for high in (3, 2**32 - 1):
            values = rng.integers(0, high, size, dtype=np.uint64).astype(np.uint32)
            found = sorted_unique(values)
            assert found.dtype == np.uint32
            assert np.array_equal(found, np.unique(values))


def test_minhash_many_is_minhash_of_each() -> None:
    rng = np.random.default_rng(7)
    arrays = [shingle_array(read(name)) for name in (*STORED, *QUERIED)]
    arrays += [np.empty(0, dtype=np.uint32), np.array([5], dtype=np.uint32)]
    arrays += [sorted_unique(rng.integers(0, 2**32, size, dtype=np.uint32)) for size in range(9)]
    arrays.insert(3, np.empty(0, dtype=np.uint32))  # empty texts amid a group and at its end
    signatures = minhash_many(arrays)
    assert signatures.shape == (len(arrays), NUM_PERM)
    for hashes, signature in zip(arrays, signatures, strict=True):
        assert np.array_equal(signature, minhash(hashes))


def test_a_workers_batch_holds_each_files_fingerprint(tmp_path: Path) -> None:
    names = [*STORED, "gone"]
    for name in STORED:
        (tmp_path / f"{name}.txt").write_text(read(name), encoding="utf-8")
    batch = fingerprint_files(str(tmp_path), [f"{name}.txt" for name in names])
    assert batch.keys == [f"{name}.txt" for name in STORED]  # a gone file is left out
    offset = 0
    for row, name in enumerate(STORED):
        fingerprint = Fingerprint.of(read(name))
        count = len(fingerprint.shingles)
        assert batch.counts[row] == count
        assert np.array_equal(batch.signatures[row], fingerprint.signature)
        assert np.array_equal(batch.shingles[offset : offset + count], fingerprint.shingles)
        offset += count
    assert offset == len(batch.shingles)
