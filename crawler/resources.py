"""Per-process handles shared by the components of all crawlers: database, corpus, indexes."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

from scrapy.settings import BaseSettings

from crawler.dedup import NearDuplicateIndex
from db.corpus import NAME_PATTERN, CorpusStore
from db.session import Database, open_database

logger = logging.getLogger(__name__)

INDEX_DIR_NAME = ".newsmon-index"


@dataclass
class Resources:
    """What the pipelines, middlewares and extensions of one process write to."""

    database: Database
    corpus: CorpusStore
    near: NearDuplicateIndex | None


_OPEN: dict[tuple[str, str], Resources] = {}


def resources_for(settings: BaseSettings) -> Resources:
    """Open (once per process) the database and corpus named by NEWSMON_* settings."""
    url = settings.get("NEWSMON_DATABASE_URL")
    directory = str(settings.get("NEWSMON_CORPUS_DIR"))
    key = (url, directory)
    if key not in _OPEN:
        database = open_database(url)
        corpus = CorpusStore(directory, database)
        corpus.sync()
        near = None
        if settings.getbool("NEWSMON_NEAR_ENABLED", True):
            near = open_near_index(corpus, settings.getfloat("NEWSMON_NEAR_THRESHOLD", 0.0))
        _OPEN[key] = Resources(database, corpus, near)
    return _OPEN[key]


def open_near_index(corpus: CorpusStore, threshold: float) -> NearDuplicateIndex:
    """Load the near-duplicate index beside the corpus; index corpus files it does not know."""
    directory = corpus.directory / INDEX_DIR_NAME
    index = (NearDuplicateIndex.open(directory, threshold=threshold) if threshold > 0
             else NearDuplicateIndex.open(directory))
    names = sorted(name for name in os.listdir(corpus.directory) if NAME_PATTERN.match(name))
    missing = [corpus.directory / name for name in names if name not in index]
    for path in missing:
        index.add(path.name, path.read_text(encoding="utf-8"))
    if missing:
        logger.info("Near-duplicate index: added %d corpus files", len(missing))
    return index


def close_all() -> None:
    """Release every open handle (end of a crawl process)."""
    for resources in _OPEN.values():
        if resources.near is not None:
            resources.near.close()
        resources.database.close()
    _OPEN.clear()
