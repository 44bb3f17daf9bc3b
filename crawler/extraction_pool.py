"""Article extraction off the reactor: a small process pool, so parsing uses the other core."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from crawler.parsers import extract
from crawler.parsers.base import Extracted

logger = logging.getLogger(__name__)


class ExtractionPool:
    """Runs `extract` in worker processes (inline when workers is 0); started on first use."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    async def extract(self, body: bytes, url: str, content_type: str | None) -> Extracted | None:
        if self.workers <= 0:
            return extract(body, url, content_type=content_type)
        if self._pool is None:
            # spawn, not fork: the parent runs a reactor and threads that must not be copied
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(self.workers, mp_context=context)
        future = self._pool.submit(extract, body, url, content_type=content_type)
        try:
            return await asyncio.wrap_future(future)
        except BrokenProcessPool:
            logger.warning("Extraction worker died on %s; extracting it in-process", url)
            self.close()
            return extract(body, url, content_type=content_type)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
