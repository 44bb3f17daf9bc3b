"""Article extraction off the reactor: a small process pool, so parsing uses the other core."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from crawler.parsers import MIN_BODY_CHARS, extract
from crawler.parsers.base import Extracted

logger = logging.getLogger(__name__)


class ExtractionPool:
    """Runs `extract` in worker processes (inline when workers is 0); started on first use."""

    def __init__(self, workers: int, min_body_chars: int = MIN_BODY_CHARS) -> None:
        self.workers = workers
        # The parser applies the configured minimum itself: a lower one must reach it.
        self.min_body_chars = min_body_chars
        self._pool: ProcessPoolExecutor | None = None

    async def extract(self, body: bytes, url: str, content_type: str | None) -> Extracted | None:
        if self.workers <= 0:
            return extract(body, url, content_type=content_type, min_body_chars=self.min_body_chars)
        if self._pool is None:
            # spawn, not fork: the parent runs a reactor and threads that must not be copied
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(self.workers, mp_context=context)
        future = self._pool.submit(
            extract, body, url, content_type=content_type, min_body_chars=self.min_body_chars
        )
        try:
            return await asyncio.wrap_future(future)
        except BrokenProcessPool:
            logger.warning("Extraction worker died on %s; extracting it in-process", url)
            self.close()
            return extract(body, url, content_type=content_type, min_body_chars=self.min_body_chars)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
