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
from db.legacy import NEAR_INDEX
from db.session import Database, open_database
from db.staging import CorpusFolderError

logger = logging.getLogger(__name__)


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
        corpus.ensure_writable()  # a read-only folder fails here, before anything is fetched
        corpus.sync()
        near = None
        if settings.getbool("NEWSMON_NEAR_ENABLED", True):
            threshold = settings.getfloat("NEWSMON_NEAR_THRESHOLD", DEFAULT_THRESHOLD)
            with corpus.exclusive():  # opening may create the index files: one process at a time
                near = open_near_index(corpus, threshold)
        workers = settings.getint("NEWSMON_EXTRACT_WORKERS", 1)
        minimum = settings.getint("NEWSMON_MIN_BODY_CHARS", 100)
        _OPEN[key] = Resources(database, corpus, near, extractor=ExtractionPool(workers, minimum))
    return _OPEN[key]


def open_near_index(corpus: CorpusStore, threshold: float) -> NearDuplicateIndex:
    """Load the near-duplicate index from the corpus's state folder (never inside the corpus
    folder); index corpus files it does not know.

    The index is a cache of the corpus, so it skips per-add fsyncs: whatever a power cut
    takes from it is re-added here from the corpus files at the next start.
    """
    directory = corpus.state_dir / NEAR_INDEX
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CorpusFolderError(
            exc.errno, f"cannot create the state folder {corpus.state_dir} ({exc.strerror})"
        ) from exc
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
        resources.corpus.close()
        resources.database.close()
    _OPEN.clear()
