"""Progress of a long job over files: a bar on a terminal, a log line now and then otherwise."""

from __future__ import annotations

import logging
import sys
import time
from types import TracebackType
from typing import Self

logger = logging.getLogger(__name__)

LOG_EVERY = 10.0  # seconds between log lines when no terminal shows a bar


class Progress:
    """Counts done items of `total` and shows files, rate and ETA.

    A tqdm bar when stderr is a terminal; otherwise one INFO line every LOG_EVERY seconds
    (a daemon's log or a redirected run gets the same figures, not a bar's control codes).
    """

    def __init__(self, total: int, what: str) -> None:
        self.total, self.what, self.done = total, what, 0
        self._started = self._logged = time.monotonic()
        self._bar = None
        if sys.stderr.isatty():
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc=what, unit=" files", unit_scale=True, leave=False)
        else:
            logger.info("%s: %d files", what, total)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def update(self, count: int = 1) -> None:
        self.done += count
        if self._bar is not None:
            self._bar.update(count)
            return
        now = time.monotonic()
        if now - self._logged >= LOG_EVERY:
            self._logged = now
            logger.info("%s: %s", self.what, self.summary())

    def summary(self) -> str:
        """`done/total files, rate/s, ETA m:ss`."""
        elapsed = max(time.monotonic() - self._started, 1e-9)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate > 0 else float("inf")
        eta = "?" if left == float("inf") else f"{int(left) // 60}:{int(left) % 60:02d}"
        return f"{self.done}/{self.total} files, {rate:.0f}/s, ETA {eta}"

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        logger.info("%s: %s", self.what, self.summary().split(", ETA")[0])
