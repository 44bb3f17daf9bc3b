"""Database fixtures: a migrated database (on each backend, see tests/conftest.py) and a corpus."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus_folder.store import CorpusStore
from db.session import Database, open_database
from tests.paths import SEEDS


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    """The database migrated to head."""
    handle = open_database(database_url)
    try:
        yield handle
    finally:
        handle.close()


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    """A corpus folder holding copies of the five seed files."""
    directory = tmp_path / "corpus"
    directory.mkdir()
    for seed in SEEDS:
        shutil.copyfile(seed, directory / seed.name)
    return directory


@pytest.fixture
def store(corpus_dir: Path, database: Database) -> CorpusStore:
    """A corpus store over the seeded folder."""
    return CorpusStore(corpus_dir, database)
