"""Per-process handles shared by the components of all crawlers: database, corpus, indexes."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from scrapy.settings import BaseSettings

from crawler.dedup import DEFAULT_THRESHOLD, NearDuplicateIndex
from crawler.extraction_pool import ExtractionPool
from db.corpus import CorpusStore
from db.session import Database, open_database

logger = logging.getLogger(__name__)

INDEX_DIR_NAME = ".newsmon-index"


@dataclass
class Resources:
    """What the pipelines, middlewares and extensions of one process write to.

    `writers` do the blocking work (fsyncs, commits) so the reactor keeps downloading
    meanwhile.
    """

    database: Database
    corpus: CorpusStore
    near: NearDuplicateIndex | None
    writers: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(
            max_workers=4, thread_name_prefix="newsmon-writer"
        )
    )
    extractor: ExtractionPool = field(default_factory=lambda: ExtractionPool(0))


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
            threshold = settings.getfloat("NEWSMON_NEAR_THRESHOLD", DEFAULT_THRESHOLD)
            with corpus.exclusive():  # opening may create the index files: one process at a time
                near = open_near_index(corpus, threshold)
        workers = settings.getint("NEWSMON_EXTRACT_WORKERS", 1)
        _OPEN[key] = Resources(database, corpus, near, extractor=ExtractionPool(workers))
    return _OPEN[key]


def open_near_index(corpus: CorpusStore, threshold: float) -> NearDuplicateIndex:
    """Load the near-duplicate index beside the corpus; index corpus files it does not know.

    The index is a cache of the corpus, so it skips per-add fsyncs: whatever a power cut
    takes from it is re-added here from the corpus files at the next start.
    """
    directory = corpus.directory / INDEX_DIR_NAME
    index = NearDuplicateIndex.open(
        directory, threshold=threshold, durable=False
    )
    names = corpus.file_names()

    def texts(wanted: list[str]) -> Iterator[tuple[str, str]]:
        for name in wanted:
            yield name, (corpus.directory / name).read_text(encoding="utf-8", errors="replace")

    if index.needs_rebuild:
        index.rebuild(texts(names))
        logger.info("Near-duplicate index rebuilt from %d corpus files", len(names))
    else:
        added = index.add_many(texts([name for name in names if name not in index]))
        if added:
            logger.info("Near-duplicate index: added %d corpus files", added)
    return index


def close_all() -> None:
    """Release every open handle (end of a crawl process)."""
    for resources in _OPEN.values():
        resources.writers.shutdown(wait=True)
        resources.extractor.close()
        if resources.near is not None:
            resources.near.close()
        resources.database.close()
    _OPEN.clear()
