"""Near-duplicate measure, threshold figures and the persistent index."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from crawler.neardup import (
    DEFAULT_THRESHOLD,
    NearDuplicateIndex,
    NearMatch,
    shingles,
    similarity,
)

FIXTURES = Path(__file__).parent.parent / "fixtures"
NEARDUP = FIXTURES / "neardup"
SEEDS = FIXTURES / "seeds"
RECORD_SIZE = 96
REPO = Path(__file__).parents[2]

# Adds one text, then dies by SIGKILL during the next add: the shingles and signature are
# written and synced, the record gets only its first `cut` bytes.
KILLED_WRITER = """
import os, signal, sys
from pathlib import Path
from crawler.neardup import NearDuplicateIndex, store

directory, cut, first, second = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
index = NearDuplicateIndex.open(directory)
index.add("first.txt", first)
writes = []
original = store._write_at

def dying_write(fd, position, data):
    writes.append(fd)
    if len(writes) == 3:
        original(fd, position, data[:cut])
        os.fsync(fd)
        os.kill(os.getpid(), signal.SIGKILL)
    original(fd, position, data)

store._write_at = dying_write
index.add("second.txt", second)
"""


def read(name: str) -> str:
    return (NEARDUP / f"{name}.txt").read_text(encoding="utf-8")


# (earlier, later, similarity measured when the threshold was chosen)
NEAR_DUPLICATES = {
    "wire/other-outlet-last-line": ("wire_yna", "wire_gwangnam", 0.98),
    "wire/other-headline-and-last-line": ("wire_yna", "wire_namdo", 0.93),
    "wire/two-republications": ("wire_gwangnam", "wire_namdo", 0.92),
    "sidebar/re-extracted-with-other-sidebar": ("sidebar_old", "sidebar_new", 0.87),
    "correction/one-sentence-changed": ("correction_old", "correction_new", 0.94),
}
DISTINCT = {
    "press-release/same-two-sentence-opening": ("release_traffic", "release_heat", 0.26),
    "sign-off/same-reporter-line": ("signoff_forum", "signoff_library", 0.13),
    "boilerplate/same-outlet-footer": ("boilerplate_bridge", "boilerplate_rice", 0.38),
    "template/same-report-other-numbers": ("template_oil_w1", "template_oil_w2", 0.61),
}

# Each legacy seed reduced by hand to what a clean extraction gives: a headline, then the body
# lines from the first marker to the (exact) last line, first copy only.
SEED_CLEAN = {
    "000": (
        "광주테크노파크 “국가 AI 컴퓨팅센터, 인공지능 중심도시 광주에 설립돼야”",
        "[시사의창=송상교기자] 광주테크노파크(원장 김영집)는",
        "광주테크노파크 임직원 일동",
    ),
    "001": (
        "광주, 대한민국 ‘AI 중심도시’ 꿈 무르익는다",
        "‘대한민국을 대표하는",
        "/박진표 기자 lucky@kwangju.co.kr",
    ),
    "002": (
        "발목 잡힌 광주 AI 2단계…광주시 추경으로 돌파구?",
        "광주시가 핵심 전략사업인",
        "KBS 뉴스 김호입니다.",
    ),
    "003": (
        "“광주 AI 중심도시 도약 위해 의제 주도적 설정·AI 미래지도자 광주로 모아야”",
        "광주가 AI(인공지능) 중심도시로",
        "/정병호 기자 jusbh@kwangju.co.kr",
    ),
    "004": (
        "“모두의 AI 실현”…광주시, 중국 AI 심장 항저우와 손 잡는다",
        "대한민국 AI 중심도시 광주시와",
        "/정병호 기자 jusbh@kwangju.co.kr",
    ),
}


def seed_path(number: str) -> Path:
    return next(SEEDS.glob(f"{number}_*.txt"))


def clean_seed(number: str) -> str:
    headline, first, last = SEED_CLEAN[number]
    text = seed_path(number).read_text(encoding="utf-8")
    lines = [" ".join(line.split()) for line in text.splitlines()]  # folds the NBSPs too
    lines = [line for line in lines if line]
    start = next(i for i, line in enumerate(lines) if line.startswith(first))
    stop = next(i for i, line in enumerate(lines) if i > start and line == last)
    return "\n".join([headline, *lines[start : stop + 1]])


@pytest.fixture
def index(tmp_path: Path) -> Iterator[NearDuplicateIndex]:
    opened = NearDuplicateIndex.open(tmp_path / "index")
    yield opened
    opened.close()


def generation_file(directory: Path, name: str) -> Path:
    current = json.loads((directory / "CURRENT").read_text(encoding="utf-8"))
    return directory / str(current["generation"]) / name


# --- shingling ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("광주시는 21일 밝혔다.", "광주시는  21일\n밝혔다"),
        ("“AI 중심도시”라고", '"AI중심도시" 라고'),
        ("ＡＩ 데이터센터 １６６개", "ai 데이터센터 166개"),
        ("광주·전남 지역", "광주, 전남 지역"),
    ],
    ids=["spacing-and-line-breaks", "quote-styles", "full-width-and-case", "separator-marks"],
)
def test_shingles_ignore_spacing_and_punctuation(left: str, right: str) -> None:
    assert shingles(left) == shingles(right)
    assert similarity(left, right) == 1.0


def test_shingles_keep_digits() -> None:
    assert shingles("확진자 123명이 발생했다") != shingles("확진자 124명이 발생했다")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", 0), (" …!? ", 0), ("광주", 1), ("광주광역시청앞", 1), ("광주광역시청앞광장", 3)],
    ids=["empty", "punctuation-only", "shorter-than-k", "exactly-k", "k-plus-two"],
)
def test_shingle_count(text: str, expected: int) -> None:
    assert len(shingles(text)) == expected


def test_lone_surrogates_from_undecodable_bytes_are_shingled() -> None:
    text = b"\xff\xfe \xea\xb4\x91\xec\xa3\xbc\xec\x8b\x9c".decode("utf-8", "surrogateescape")
    assert len(shingles(text)) == 1
    assert similarity(text, text) == 1.0


def test_a_paragraph_is_not_a_near_duplicate_of_its_article() -> None:
    article = read("wire_yna")
    paragraph = article.splitlines()[3]
    assert set(shingles(paragraph)) <= set(shingles(article))
    assert similarity(paragraph, article) < 0.3


# --- threshold figures ----------------------------------------------------------------------


@pytest.mark.parametrize("case", NEAR_DUPLICATES.values(), ids=NEAR_DUPLICATES.keys())
def test_near_duplicates_reach_threshold(case: tuple[str, str, float]) -> None:
    earlier, later, measured = case
    score = similarity(read(later), read(earlier))
    assert score == pytest.approx(measured, abs=0.01)
    assert score >= DEFAULT_THRESHOLD


@pytest.mark.parametrize("case", DISTINCT.values(), ids=DISTINCT.keys())
def test_distinct_articles_stay_below_threshold(case: tuple[str, str, float]) -> None:
    earlier, later, measured = case
    score = similarity(read(later), read(earlier))
    assert score == pytest.approx(measured, abs=0.01)
    assert score < DEFAULT_THRESHOLD


@pytest.mark.parametrize("number", SEED_CLEAN, ids=lambda n: f"seed-{n}")
def test_clean_extraction_of_a_seed_matches_it(number: str) -> None:
    seed = seed_path(number).read_text(encoding="utf-8")
    clean = clean_seed(number)
    assert len(clean) < len(seed)
    assert similarity(clean, seed) >= 0.97


def test_distinct_seeds_are_far_apart() -> None:
    texts = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    scores = [similarity(a, b) for i, a in enumerate(texts) for b in texts[i + 1 :]]
    assert len(scores) == 10
    assert max(scores) < 0.1


# --- index queries --------------------------------------------------------------------------


def test_index_finds_the_best_near_duplicate_and_nothing_else(index: NearDuplicateIndex) -> None:
    stored = sorted({pair[0] for pair in (*NEAR_DUPLICATES.values(), *DISTINCT.values())})
    for name in stored:
        index.add(f"{name}.txt", read(name))
    for _earlier, later, _ in NEAR_DUPLICATES.values():
        best = max(stored, key=lambda name: similarity(read(later), read(name)))
        match = index.query(read(later))
        assert match is not None
        assert match.key == f"{best}.txt"
        assert match.similarity == pytest.approx(similarity(read(later), read(best)))
        assert match.similarity >= DEFAULT_THRESHOLD
    for _earlier, later, _ in DISTINCT.values():
        assert index.query(read(later)) is None


def test_index_matches_clean_extractions_to_seeds(index: NearDuplicateIndex) -> None:
    paths = sorted(SEEDS.glob("*.txt"))
    index.rebuild((path.name, path.read_text(encoding="utf-8")) for path in paths)
    for number, path in zip(SEED_CLEAN, paths, strict=True):
        match = index.query(clean_seed(number))
        assert match is not None
        assert match.key == path.name


def synthetic_article(number: int) -> str:
    """Random two-syllable Hangul words, 30 per line, 20 lines: unrelated to any other number."""
    syllables = "".join(map(chr, np.random.default_rng([7, number]).integers(0xAC00, 0xD7A4, 1200)))
    words = [syllables[start : start + 2] for start in range(0, 1200, 2)]
    return "\n".join(" ".join(words[start : start + 30]) for start in range(0, 600, 30))


def test_index_finds_republished_copies_among_many(index: NearDuplicateIndex) -> None:
    index.rebuild((f"{number:04d}.txt", synthetic_article(number)) for number in range(1000))
    index.add("extra.txt", synthetic_article(5000))
    for number in [*range(0, 1000, 47), 5000]:
        copy = synthetic_article(number).rsplit("\n", 1)[0] + "\n<저작권자 ⓒ 무단전재 금지>"
        match = index.query(copy)
        expected = "extra.txt" if number == 5000 else f"{number:04d}.txt"
        assert match is not None and match.key == expected
    assert all(index.query(synthetic_article(number)) is None for number in range(9000, 9020))


def test_exact_copy_matches_with_similarity_one(index: NearDuplicateIndex) -> None:
    index.add("001.txt", read("correction_old"))
    assert index.query(read("correction_old")) == NearMatch(key="001.txt", similarity=1.0)


def test_empty_text_is_kept_but_never_matches(index: NearDuplicateIndex) -> None:
    index.add("empty.txt", " \n ")
    index.add("other-empty.txt", "")
    assert "empty.txt" in index
    assert len(index) == 2
    assert index.query("") is None


def test_adding_a_key_twice_keeps_the_first_text(index: NearDuplicateIndex) -> None:
    index.add("a.txt", read("release_traffic"))
    index.add("a.txt", read("release_heat"))
    assert len(index) == 1
    assert index.query(read("release_heat")) is None


@pytest.mark.parametrize("key", ["", "x" * 77, "bad\0key"], ids=["empty", "too-long", "nul"])
def test_unusable_keys_are_refused(index: NearDuplicateIndex, key: str) -> None:
    with pytest.raises(ValueError, match="unusable index key"):
        index.add(key, read("release_heat"))
    assert len(index) == 0


def test_threshold_must_be_a_fraction(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="threshold"):
        NearDuplicateIndex.open(tmp_path, threshold=0)


# --- persistence ----------------------------------------------------------------------------


def fill(directory: Path, names: list[str]) -> None:
    index = NearDuplicateIndex.open(directory)
    for name in names:
        index.add(f"{name}.txt", read(name))
    index.close()


def test_index_survives_close_and_reopen(tmp_path: Path) -> None:
    fill(tmp_path, ["wire_yna", "sidebar_old"])
    reopened = NearDuplicateIndex.open(tmp_path)
    assert len(reopened) == 2
    assert "sidebar_old.txt" in reopened
    assert not reopened.needs_rebuild
    match = reopened.query(read("sidebar_new"))
    assert match is not None and match.key == "sidebar_old.txt"
    reopened.close()


def tear_last_record(directory: Path, how: str) -> None:
    docs = generation_file(directory, "docs.bin")
    data = bytearray(docs.read_bytes())
    if how.startswith("cut-at-"):
        del data[len(data) - RECORD_SIZE + int(how.removeprefix("cut-at-")) :]
    elif how == "bad-checksum":
        data[-1] ^= 0xFF
    elif how == "zero-filled":
        data[-RECORD_SIZE:] = bytes(RECORD_SIZE)
    elif how == "shingles-missing":
        shingle_file = generation_file(directory, "shingles.bin")
        os.truncate(shingle_file, shingle_file.stat().st_size - 4)
    docs.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "how", ["cut-at-1", "cut-at-50", "cut-at-95", "bad-checksum", "zero-filled", "shingles-missing"]
)
def test_torn_last_record_is_ignored_and_cut_by_the_next_add(tmp_path: Path, how: str) -> None:
    fill(tmp_path, ["wire_yna", "correction_old", "sidebar_old"])
    tear_last_record(tmp_path, how)
    index = NearDuplicateIndex.open(tmp_path)
    assert len(index) == 2
    assert "sidebar_old.txt" not in index
    assert not index.needs_rebuild
    index.add("sidebar_old.txt", read("sidebar_old"))
    index.close()
    reopened = NearDuplicateIndex.open(tmp_path)
    assert len(reopened) == 3
    match = reopened.query(read("sidebar_new"))
    assert match is not None and match.key == "sidebar_old.txt"
    reopened.close()


@pytest.mark.parametrize("cut", [0, 40, 95], ids=["before-record", "mid-record", "one-byte-short"])
def test_kill_during_add_loses_only_that_add(tmp_path: Path, cut: int) -> None:
    argv = [sys.executable, "-c", KILLED_WRITER, str(tmp_path), str(cut)]
    child = subprocess.run(
        [*argv, read("wire_yna"), read("sidebar_old")],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=False,
    )
    assert child.returncode == -signal.SIGKILL
    index = NearDuplicateIndex.open(tmp_path)
    assert (len(index), "first.txt" in index, "second.txt" in index) == (1, True, False)
    assert not index.needs_rebuild
    index.add("second.txt", read("sidebar_old"))
    index.close()
    reopened = NearDuplicateIndex.open(tmp_path)
    match = reopened.query(read("sidebar_new"))
    assert match is not None and match.key == "second.txt"
    assert len(reopened) == 2
    reopened.close()


def test_damage_before_the_last_record_asks_for_a_rebuild(tmp_path: Path) -> None:
    fill(tmp_path, ["wire_yna", "correction_old", "sidebar_old"])
    docs = generation_file(tmp_path, "docs.bin")
    data = bytearray(docs.read_bytes())
    data[RECORD_SIZE + 20] ^= 0xFF
    docs.write_bytes(bytes(data))
    index = NearDuplicateIndex.open(tmp_path)
    assert index.needs_rebuild
    assert len(index) == 1
    index.rebuild((f"{name}.txt", read(name)) for name in ["wire_yna", "sidebar_old"])
    assert not index.needs_rebuild
    assert len(index) == 2
    index.close()


@pytest.mark.parametrize("damage", ["deleted", "garbage", "other-parameters", "files-gone"])
def test_missing_or_foreign_files_ask_for_a_rebuild(tmp_path: Path, damage: str) -> None:
    fill(tmp_path, ["wire_yna"])
    current = tmp_path / "CURRENT"
    if damage == "deleted":
        current.unlink()
    elif damage == "garbage":
        current.write_bytes(b"\x00{not json")
    elif damage == "other-parameters":
        current.write_text(current.read_text().replace('"shingle_size": 7', '"shingle_size": 5'))
    else:
        generation_file(tmp_path, "sigs.bin").unlink()
    index = NearDuplicateIndex.open(tmp_path)
    assert index.needs_rebuild
    assert len(index) == 0
    index.close()


def test_fresh_directory_is_created_empty(tmp_path: Path) -> None:
    index = NearDuplicateIndex.open(tmp_path / "a" / "b")
    assert (tmp_path / "a" / "b" / "CURRENT").is_file()
    assert len(index) == 0
    assert index.query(read("wire_yna")) is None
    index.close()


def test_add_many_indexes_only_new_keys_and_persists(tmp_path: Path) -> None:
    index = NearDuplicateIndex.open(tmp_path)
    index.add("wire_yna.txt", read("wire_yna"))
    names = ["wire_yna", "sidebar_old", "correction_old", "sidebar_old"]
    assert index.add_many((f"{name}.txt", read(name)) for name in names) == 2
    index.close()
    reopened = NearDuplicateIndex.open(tmp_path)
    assert len(reopened) == 3
    match = reopened.query(read("correction_new"))
    assert match is not None and match.key == "correction_old.txt"
    reopened.close()


def test_refresh_sees_another_instance_adds(tmp_path: Path) -> None:
    writer = NearDuplicateIndex.open(tmp_path)
    reader = NearDuplicateIndex.open(tmp_path)
    writer.add("wire_yna.txt", read("wire_yna"))
    match = reader.query(read("wire_gwangnam"))
    assert match is not None and match.key == "wire_yna.txt"
    reader.add("sidebar_old.txt", read("sidebar_old"))
    writer.refresh()
    assert len(writer) == 2
    assert "sidebar_old.txt" in writer
    writer.close()
    reader.close()


def test_rebuild_replaces_everything_and_other_instances_follow(tmp_path: Path) -> None:
    first = NearDuplicateIndex.open(tmp_path)
    other = NearDuplicateIndex.open(tmp_path)
    first.add("old.txt", read("release_traffic"))
    assert len(other) == 0
    other.refresh()
    assert len(other) == 1
    first.rebuild(
        [
            ("a.txt", read("wire_yna")),
            ("b.txt", read("correction_old")),
            ("a.txt", read("sidebar_old")),
        ]
    )
    assert len(first) == 2
    assert "old.txt" not in first
    assert len(list(tmp_path.glob("gen-*"))) == 1
    match = other.query(read("correction_new"))
    assert match is not None and match.key == "b.txt"
    assert "old.txt" not in other
    first.close()
    other.close()
