"""What runs inside an extraction worker process: the parse and what storing it needs, and the
worker's start (it dies with its parent). Kept light: a worker imports this module, not the pool."""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from crawler.parsers.base import Extracted, NoArticle
from crawler.text import normalize_text

if TYPE_CHECKING:
    from crawler.capture.record import Capture
    from crawler.capture.warc import Encoded
    from crawler.neardup.fingerprint import Fingerprint


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
    found = extract_page(body, url, content_type, min_body_chars, fingerprint)
    return found if isinstance(found, Extraction) else None


def extract_page(
    body: bytes, url: str, content_type: str | None, min_body_chars: int, fingerprint: bool
) -> Extraction | NoArticle:
    """`extract_article`, saying why a page gave no article (what the crawl counts)."""
    # Imported here: the main process imports this module but parses no page.
    from crawler.parsers.article import read_article

    extracted = read_article(body, url, content_type=content_type, min_body_chars=min_body_chars)
    if isinstance(extracted, NoArticle):
        return extracted
    text = normalize_text(extracted.text)
    if not fingerprint:
        return Extraction(extracted, text, None)
    # Imported here: numpy loads only where fingerprints are wanted.
    from crawler.neardup.fingerprint import Fingerprint

    return Extraction(extracted, text, Fingerprint.of(text))


def extract_and_encode(
    body: bytes, url: str, content_type: str | None, min_body_chars: int, fingerprint: bool,
    capture: Capture,
) -> tuple[Extraction | NoArticle, Encoded]:  # fmt: skip
    """`extract_page`, and the page's WARC records ready to append (compressed here, beside
    the parse, instead of in the crawl's main process)."""
    from dataclasses import replace

    # Imported here: warcio loads only in workers of crawls that keep captures.
    from crawler.capture.warc import encode_exchange

    extraction = extract_page(body, url, content_type, min_body_chars, fingerprint)
    return extraction, encode_exchange(replace(capture, body=body))


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
PARENT_POLL = 1.0  # seconds between checks that the parent still lives (where prctl is missing)


def worker_start(parent: int, fingerprints: bool = False, captures: bool = False) -> None:
    """First thing in a worker: die with the parent, never hold the parent's stdout, and load
    the parsers (and numpy for `fingerprints`) while the first pages are still downloading.

    A SIGKILLed `newsmon crawl` cannot shut its pool down; without this its workers (and the
    resource tracker, which waits for them) live on, and under the daemon they would keep the
    run's output pipe open, so the daemon would wait for the run's timeout.
    """
    _release_stdout()
    if not _parent_death_signal(signal.SIGKILL):
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)
    import crawler.parsers.article

    if fingerprints:
        import crawler.neardup.fingerprint
    if captures:  # warcio and ISA-L (~0.08 s) before the first page, not while it waits
        import crawler.capture.warc  # noqa: F401


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
