"""The crawl's services (database, corpus, near index, extraction, writer pool) and their owner."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self, TypeVar

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request
from scrapy.settings import BaseSettings

from corpus_folder.store import CorpusStore
from crawler.capture.log import ARCHIVE_DIR, CaptureLog
from crawler.corpus_index import catch_up, open_index
from crawler.extraction_pool import ExtractionPool
from crawler.neardup import NearDuplicateIndex
from db.session import Database, open_database

logger = logging.getLogger(__name__)
T = TypeVar("T")

SERVICES_SETTING = "NEWSMON_SERVICES"  # a Services opened by the runner, shared by its crawlers
# Two: one can wait on a staged file's fsync while the other holds the corpus lock, which is
# all the overlap an append allows. More threads only queue for that lock and for the GIL
# the reactor needs: four made a 250-article crawl ~5% slower and costlier than two.
WRITER_THREADS = 2


@dataclass
class Services:
    """What the spider, pipelines, middlewares and extensions write to.

    `writers` do the blocking work (queries, fsyncs, commits) so the reactor keeps
    downloading meanwhile: components call `run` instead of touching the database directly.
    The near-duplicate index is caught up with the corpus on a thread of its own (`NearLoad`):
    the crawl discovers and fetches meanwhile, and only storing an article waits for it.
    """

    database: Database
    corpus: CorpusStore
    near_load: NearLoad | None
    writers: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(
            max_workers=WRITER_THREADS, thread_name_prefix="newsmon-writer"
        )
    )
    extractor: ExtractionPool = field(default_factory=lambda: ExtractionPool(0))
    captures: CaptureLog | None = None  # WARC captures, when they are on

    @classmethod
    def open(cls, settings: BaseSettings) -> Self:
        """Open the database and corpus named by NEWSMON_* settings (migrations, corpus sync)."""
        database = open_database(settings["NEWSMON_DATABASE_URL"])
        corpus = CorpusStore(str(settings["NEWSMON_CORPUS_DIR"]), database)
        corpus.ensure_writable()  # a read-only folder fails here, before anything is fetched
        corpus.sync()
        near_load = None
        if settings.getbool("NEWSMON_NEAR_ENABLED"):
            with corpus.exclusive():  # opening may create the index files: one process at a time
                index = open_index(corpus, settings.getfloat("NEWSMON_NEAR_THRESHOLD"))
            near_load = NearLoad(corpus, index)
        extractor = ExtractionPool(
            settings.getint("NEWSMON_EXTRACT_WORKERS"),
            settings.getint("NEWSMON_MIN_BODY_CHARS"),
            fingerprints=near_load is not None,
            captures=settings.getbool("NEWSMON_ARCHIVE_WARC"),
        )
        captures = open_captures(settings, corpus, database)
        return cls(database, corpus, near_load, extractor=extractor, captures=captures)

    @property
    def near(self) -> NearDuplicateIndex | None:
        """The near-duplicate index, once it holds every corpus file (waits until then)."""
        return None if self.near_load is None else self.near_load.index()

    def __deepcopy__(self, memo: dict[int, object]) -> Self:
        # Scrapy copies a crawler's settings; the handles in them are shared, never copied.
        return self

    async def run(self, function: Callable[..., T], *args: object) -> T:
        """Run blocking `function(*args)` on the writer pool; the reactor waits without blocking."""
        return await asyncio.wrap_future(self.writers.submit(function, *args))

    def close(self) -> None:
        """Wait for the writers, then release every handle."""
        self.writers.shutdown(wait=True)
        self.extractor.close()
        if self.captures is not None:
            self.captures.close()
        if self.near_load is not None:
            self.near_load.close()
        self.corpus.close()
        self.database.close()


class CrawlServices:
    """Extension that holds one crawler's Services and hands them to its other components.

    The runner opens one Services for all its crawlers (one corpus lock, one near index per
    process) and passes it in NEWSMON_SERVICES; a crawler built without it (a component
    test, a bare Scrapy run) opens its own and closes it when its engine stops.
    """

    def __init__(self, services: Services, owned: bool) -> None:
        self.services = services
        self.owned = owned

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        shared = crawler.settings.get(SERVICES_SETTING)
        extension = cls(shared or Services.open(crawler.settings), owned=shared is None)
        crawler.signals.connect(extension.request_scheduled, signal=signals.request_scheduled)
        if extension.owned:
            crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def request_scheduled(self, request: Request) -> None:
        # The first article past the known-URL filter: the extraction worker's start-up
        # (~0.3 s) overlaps its download instead of following it.
        if request.meta.get("newsmon_article"):
            self.services.extractor.start()

    def engine_stopped(self) -> None:
        self.services.close()


def services_of(crawler: Crawler) -> Services:
    """The Services of this crawler (from its CrawlServices extension)."""
    extension = crawler.get_extension(CrawlServices)
    if extension is None:
        raise NotConfigured("the CrawlServices extension is not enabled")
    return extension.services


def open_captures(
    settings: BaseSettings, corpus: CorpusStore, database: Database
) -> CaptureLog | None:
    """The capture log when captures are on (NEWSMON_ARCHIVE_WARC); its folder is made on the
    first write, so a read-only archive folder never stops a crawl (see CaptureLog)."""
    if not settings.getbool("NEWSMON_ARCHIVE_WARC"):
        return None
    folder = settings.get("NEWSMON_ARCHIVE_DIR") or ""
    directory = Path(folder) if folder else corpus.state_dir / ARCHIVE_DIR
    log = CaptureLog.open(directory, settings.getint("NEWSMON_ARCHIVE_MAX_BYTES"), database)
    log.heal()  # a killed crawl's last index batch, from its records (on the capture thread)
    return log


class NearLoad:
    """The near index's catch-up with the corpus, on a thread holding the corpus lock.

    A crawl that finds nothing new never waits for it: closing stops it at the next chunk
    and what was indexed stays for the next start (the catch-up resumes, see
    crawler.corpus_index). A crawl that stores articles waits for it before the first one:
    a near check against part of the corpus would keep copies the user never wanted.
    """

    def __init__(self, corpus: CorpusStore, index: NearDuplicateIndex) -> None:
        self.corpus, self._index = corpus, index
        self._stop = threading.Event()
        self._done: Future[bool] = Future()
        threading.Thread(target=self._run, name="newsmon-near-catch-up", daemon=True).start()

    def _run(self) -> None:
        try:
            with self.corpus.exclusive():
                complete = catch_up(self.corpus, self._index, self._stop)
        except BaseException as exc:
            self._done.set_exception(exc)
        else:
            self._done.set_result(complete)

    def index(self) -> NearDuplicateIndex:
        self._done.result()  # a failed catch-up raises here, for the item being stored
        return self._index

    def close(self) -> None:
        """Stop a catch-up still running, move the mark past this crawl's own files, close."""
        self._stop.set()
        try:
            if self._done.result():
                with self.corpus.exclusive():
                    catch_up(self.corpus, self._index)
        except Exception as exc:
            logger.error("Near-duplicate index not caught up with the corpus: %s", exc)
        finally:
            self._index.close()
