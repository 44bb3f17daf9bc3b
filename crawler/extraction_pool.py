"""Article extraction off the reactor: a small process pool, so parsing uses the other core.

A worker also computes what storing the article needs from its text alone (the corpus form and
the near-duplicate fingerprint): the crawl's main process is its bottleneck, a worker is not.
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import resource_tracker
from typing import TYPE_CHECKING

from crawler.parsers import MIN_BODY_CHARS, extract
from crawler.parsers.base import Extracted
from crawler.text import normalize_text

if TYPE_CHECKING:
    from crawler.neardup.fingerprint import Fingerprint

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Extraction:
    """An extracted article with its corpus form and, when asked for, its fingerprint."""

    extracted: Extracted
    text: str  # normalize_text(extracted.text): the bytes the corpus would store
    fingerprint: Fingerprint | None  # Fingerprint.of(text), for the near-duplicate check


def extract_article(
    body: bytes, url: str, content_type: str | None, min_body_chars: int, fingerprint: bool
) -> Extraction | None:
    """`extract`, then the article's corpus text and (if `fingerprint`) its fingerprint."""
    extracted = extract(body, url, content_type=content_type, min_body_chars=min_body_chars)
    if extracted is None:
        return None
    text = normalize_text(extracted.text)
    if not fingerprint:
        return Extraction(extracted, text, None)
    # Imported here: numpy loads only where fingerprints are wanted.
    from crawler.neardup.fingerprint import Fingerprint

    return Extraction(extracted, text, Fingerprint.of(text))


class ExtractionPool:
    """Runs `extract_article` in worker processes (inline when workers is 0); started on
    first use. `fingerprints`: compute near-duplicate fingerprints too."""

    def __init__(
        self, workers: int, min_body_chars: int = MIN_BODY_CHARS, fingerprints: bool = False
    ) -> None:
        self.workers = workers
        # The parser applies the configured minimum itself: a lower one must reach it.
        self.min_body_chars = min_body_chars
        self.fingerprints = fingerprints
        self._pool: ProcessPoolExecutor | None = None

    def start(self) -> None:
        """Start the workers now (once), so their start-up overlaps the first downloads.

        Called when the first article is scheduled: a crawl with nothing new never pays for it.
        """
        if self.workers > 0 and self._pool is None:
            self._open().submit(os.getpid)  # processes spawn on a submit, not before

    async def extract(self, body: bytes, url: str, content_type: str | None) -> Extraction | None:
        args = (body, url, content_type, self.min_body_chars, self.fingerprints)
        if self.workers <= 0:
            return extract_article(*args)
        future = self._open().submit(extract_article, *args)
        try:
            return await asyncio.wrap_future(future)
        except BrokenProcessPool:
            logger.warning("Extraction worker died on %s; extracting it in-process", url)
            self.close()
            return extract_article(*args)

    def _open(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # spawn, not fork: the parent runs a reactor and threads that must not be copied
            context = multiprocessing.get_context("spawn")
            _start_resource_tracker()
            self._pool = ProcessPoolExecutor(
                self.workers, mp_context=context, initializer=worker_start, initargs=(os.getpid(),)
            )
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
PARENT_POLL = 1.0  # seconds between checks that the parent still lives (where prctl is missing)


def worker_start(parent: int) -> None:
    """First thing in a worker: die with the parent, and never hold the parent's stdout.

    A SIGKILLed `newsmon crawl` cannot shut its pool down; without this its workers (and the
    resource tracker, which waits for them) live on, and under the daemon they would keep the
    run's output pipe open, so the daemon would wait for the run's timeout.
    """
    _release_stdout()
    if not _parent_death_signal(signal.SIGKILL):
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)


def _parent_death_signal(sig: signal.Signals) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    return bool(libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0)


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_POLL)
    os._exit(1)


def _release_stdout() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # the descriptor itself: whatever sys.stdout wraps, fd 1 is the pipe
    os.close(devnull)


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
