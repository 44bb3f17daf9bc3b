"""Article extraction off the reactor: a small process pool, so parsing uses the other core.

A worker also computes what storing the article needs from its text alone (the corpus form and
the near-duplicate fingerprint): the crawl's main process is its bottleneck, a worker is not.
What runs in the worker lives in crawler.extraction_worker, so a worker imports no asyncio.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import resource_tracker
from typing import TYPE_CHECKING, TypeVar

from crawler.extraction_worker import (
    Extraction,
    extract_and_encode,
    extract_article,
    extract_page,
    worker_start,
)
from crawler.parsers.base import MIN_BODY_CHARS, NoArticle

if TYPE_CHECKING:
    from crawler.capture.record import Capture
    from crawler.capture.warc import Encoded

__all__ = ["Extraction", "ExtractionPool", "extract_article"]

logger = logging.getLogger(__name__)
T = TypeVar("T")


class ExtractionPool:
    """Runs `extract_page` in worker processes (inline when workers is 0); started on
    first use. `fingerprints`: compute near-duplicate fingerprints too."""

    def __init__(
        self, workers: int, min_body_chars: int = MIN_BODY_CHARS, fingerprints: bool = False,
        captures: bool = False,
    ) -> None:  # fmt: skip
        self.workers = workers
        # The parser applies the configured minimum itself: a lower one must reach it.
        self.min_body_chars = min_body_chars
        self.fingerprints = fingerprints
        self.captures = captures  # workers load the WARC writer at start
        self._pool: ProcessPoolExecutor | None = None

    def start(self) -> None:
        """Start the workers now (once), so their start-up overlaps the first downloads.

        Called when the first article is scheduled: a crawl with nothing new never pays for it.
        """
        if self.workers > 0 and self._pool is None:
            self._open().submit(os.getpid)  # processes spawn on a submit, not before

    async def extract(
        self, body: bytes, url: str, content_type: str | None
    ) -> Extraction | NoArticle:
        args = (body, url, content_type, self.min_body_chars, self.fingerprints)
        return await self._call(extract_page, url, *args)

    async def extract_captured(
        self, body: bytes, url: str, content_type: str | None, capture: Capture
    ) -> tuple[Extraction | NoArticle, Encoded]:
        """`extract`, and the page's WARC records encoded by the same worker."""
        args = (body, url, content_type, self.min_body_chars, self.fingerprints, capture)
        return await self._call(extract_and_encode, url, *args)

    async def _call(self, function: Callable[..., T], url: str, *args: object) -> T:
        """`function(*args)` in a worker (inline without workers, or after a worker died)."""
        if self.workers <= 0:
            return function(*args)
        future = self._open().submit(function, *args)
        try:
            return await asyncio.wrap_future(future)
        except BrokenProcessPool:
            logger.warning("Extraction worker died on %s; extracting it in-process", url)
            self.close()
            return function(*args)

    def _open(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # spawn, not fork: the parent runs a reactor and threads that must not be copied
            context = multiprocessing.get_context("spawn")
            _start_resource_tracker()
            self._pool = ProcessPoolExecutor(
                self.workers,
                mp_context=context,
                initializer=worker_start,
                initargs=(os.getpid(), self.fingerprints, self.captures),
            )
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
            _stop_resource_tracker()


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker with /dev/null as its stdout.

    It inherits fd 1 and outlives a killed parent until its last client is gone; it must not
    be what keeps a daemon's pipe open.
    """
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        resource_tracker.ensure_running()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def _stop_resource_tracker() -> None:
    """Stop the resource tracker once the workers are gone, and wait for it.

    Left alone it exits only after the crawl's own exit closes its pipe (~0.5 s later): no
    process of a crawl may outlive it. A pool opened again starts a new one.
    """
    tracker = resource_tracker._resource_tracker
    stop = getattr(tracker, "_stop", None)  # private API (3.8+); absent: it exits by itself
    if stop is not None:
        try:
            stop()
        except (OSError, ChildProcessError) as exc:
            logger.debug("Resource tracker already gone: %s", exc)
