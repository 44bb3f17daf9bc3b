"""Export rows and corpus stats on both backends: seeds, crawled files, seen URLs, KST dates."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from corpus_folder.store import CorpusStore
from crawler.capture.size import ArchiveSize
from crawler.config import AppConfig, CorpusConfig, DatabaseConfig
from db import queries
from db import repository as repo
from db.session import Database
from newsmon.export import CorpusStats, corpus_stats, export_rows
from tests.paths import SEEDS

pytestmark = pytest.mark.database

SEED_NAMES = [seed.name for seed in SEEDS]
# (text, source, published_at UTC, fetched_at UTC); KST is UTC+9.
CRAWLED = [
    (
        "광주 AI 기업 박람회 개막\n광주 김대중컨벤션센터에서 AI 박람회가 열렸다.",
        "jnilbo",
        datetime(2025, 5, 31, 15, 30, tzinfo=UTC),  # 2025-06-01 00:30 KST: June
        datetime(2025, 6, 1, 14, 59, tzinfo=UTC),  # 2025-06-01 23:59 KST
    ),
    (
        "광주 AX 실증 착수\n광주 부품사들이 AX 실증을 시작했다.",
        "jnilbo",
        datetime(2025, 5, 31, 14, 30, tzinfo=UTC),  # 2025-05-31 23:30 KST: May
        datetime(2025, 6, 1, 15, 0, tzinfo=UTC),  # 2025-06-02 00:00 KST
    ),
    (
        "광주 AI 사관학교 모집\n광주 인공지능사관학교가 교육생을 모집한다.",
        "kjdaily",
        None,
        datetime(2025, 6, 2, 3, 0, tzinfo=UTC),
    ),
]


def _config(corpus_dir: Path, database_url: str) -> AppConfig:
    return AppConfig(corpus=CorpusConfig(dir=corpus_dir), database=DatabaseConfig(url=database_url))


def _fill(store: CorpusStore, database: Database) -> list[str]:
    """Seeds plus three crawled files, then what became of seven more URLs."""
    names = []
    for index, (text, source, published, fetched) in enumerate(CRAWLED):
        url = f"https://{source}.example.kr/news/articleView.html?idxno={index}"
        result = store.append(
            text, url=url, canonical_url=url, source=source, headline=text.split("\n")[0],
            published_at=published, fetched_at=fetched,
        )  # fmt: skip
        names.append(result.file_name)
    seen = [
        ("https://b.example.kr/2", "near_duplicate", SEED_NAMES[0], 0.91, datetime(2025, 6, 5)),
        ("https://a.example.kr/1", "near_duplicate", SEED_NAMES[0], 0.88, datetime(2025, 6, 4)),
        ("https://c.example.kr/3", "near_duplicate", names[1], 0.95, datetime(2025, 6, 4)),
        ("https://d.example.kr/4", "duplicate", names[0], None, datetime(2025, 6, 4)),
        ("https://e.example.kr/5", "off_topic", None, None, datetime(2025, 6, 4)),
        ("https://f.example.kr/6", "off_topic", None, None, datetime(2025, 6, 4)),
        ("https://g.example.kr/7", "no_body", None, None, datetime(2025, 6, 4)),
    ]
    with database.session() as session:
        for url, status, duplicate_of, similarity, when in seen:
            repo.record_seen(
                session, url, url, "jnilbo", status, duplicate_of=duplicate_of,  # type: ignore[arg-type]
                similarity=similarity, seen_at=when.replace(tzinfo=UTC),
            )  # fmt: skip
    return names


def test_export_rows_one_per_file_with_near_duplicates(
    store: CorpusStore, database: Database, database_url: str
) -> None:
    names = _fill(store, database)
    rows = list(export_rows(_config(store.directory, database_url), None))
    assert [row["file"] for row in rows] == SEED_NAMES + names
    assert [row["seq"] for row in rows] == list(range(8))
    assert rows[0]["near_duplicate_of"] == ["https://a.example.kr/1", "https://b.example.kr/2"]
    assert rows[6]["near_duplicate_of"] == ["https://c.example.kr/3"]
    assert rows[5]["near_duplicate_of"] == []  # an exact duplicate is not a near one
    crawled = rows[5]
    assert crawled["source"] == "jnilbo"
    assert crawled["url"] == "https://jnilbo.example.kr/news/articleView.html?idxno=0"
    assert crawled["headline"] == "광주 AI 기업 박람회 개막"
    assert crawled["published_at"] == datetime(2025, 5, 31, 15, 30, tzinfo=UTC)
    assert len(str(crawled["content_hash"])) == 64
    assert rows[0]["source"] is None and rows[0]["published_at"] is None


def test_export_indexes_the_folder_first(
    database: Database, corpus_dir: Path, database_url: str
) -> None:
    rows = list(export_rows(_config(corpus_dir, database_url), None))
    assert [row["file"] for row in rows] == SEED_NAMES


@pytest.mark.parametrize(
    ("since", "crawled"),
    [(date(2025, 6, 1), [0, 1, 2]), (date(2025, 6, 2), [1, 2]), (date(2025, 6, 3), [])],
    ids=["june-1", "june-2-kst-midnight", "june-3"],
)
def test_export_since_is_a_kst_date_on_fetched_at(
    store: CorpusStore, database: Database, database_url: str, since: date, crawled: list[int]
) -> None:
    names = _fill(store, database)
    config = _config(store.directory, database_url)
    files = [row["file"] for row in export_rows(config, since)]
    # The seeds were "fetched" when their files were written (now), after every date above.
    assert files == SEED_NAMES + [names[i] for i in crawled]


def test_export_leaves_out_missing_files(
    store: CorpusStore, database: Database, database_url: str
) -> None:
    names = _fill(store, database)
    with database.session() as session:
        repo.set_missing(session, [names[2]])
    files = [row["file"] for row in export_rows(_config(store.directory, database_url), None)]
    assert names[2] not in files
    assert len(files) == 7


def test_corpus_stats(store: CorpusStore, database: Database, database_url: str) -> None:
    names = _fill(store, database)
    with database.session() as session:
        repo.set_missing(session, [names[2]])
    stats = corpus_stats(_config(store.directory, database_url))
    assert stats == CorpusStats(
        files=7,
        missing=1,
        by_source={"jnilbo": 2, "unknown": 5},
        by_month={"2025-05": 1, "2025-06": 1, "unknown": 5},
        exact_duplicates=1,
        near_duplicates=3,
        off_topic=2,
        no_body=1,
        archive=ArchiveSize(str(store.state_dir / "archive"), 0, 0, 0),
    )


def test_stats_of_an_empty_database(database: Database, database_url: str, tmp_path: Path) -> None:
    stats = corpus_stats(_config(tmp_path / "no-corpus-yet", database_url))
    assert stats == CorpusStats(files=0, archive=stats.archive)
    assert stats.archive is not None and stats.archive.files == stats.archive.records == 0
    assert not (tmp_path / "no-corpus-yet").exists()


@pytest.mark.parametrize(
    ("published", "month"),
    [
        (datetime(2024, 12, 31, 14, 59, 59, tzinfo=UTC), "2024-12"),
        (datetime(2024, 12, 31, 15, 0, tzinfo=UTC), "2025-01"),
    ],
    ids=["before-kst-new-year", "kst-new-year"],
)
def test_months_are_kst(
    store: CorpusStore, database: Database, published: datetime, month: str
) -> None:
    store.append(
        "제목\n본문", url=None, canonical_url=None, source="x", headline="제목",
        published_at=published, fetched_at=published,
    )  # fmt: skip
    with database.session() as session:
        assert queries.files_by_month(session) == {month: 1, "unknown": 5}
