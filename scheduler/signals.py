"""SIGTERM/SIGINT for the daemon: the first asks for a clean stop, a second forces it."""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any


class StopSignal:
    """SIGTERM/SIGINT: the first asks for a clean stop, a second one stops at once."""

    def __init__(self) -> None:
        self.requested = threading.Event()
        self.forced = threading.Event()
        self._previous: dict[int, Any] = {}

    def install(self) -> None:
        for sig in (signal.SIGTERM, signal.SIGINT):
            self._previous[sig] = signal.signal(sig, self._handle)

    def restore(self) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        # No logging here: a handler may interrupt the logging module mid-write.
        (self.forced if self.requested.is_set() else self.requested).set()

    def wait(self) -> None:
        while not self.requested.wait(0.5):
            pass
