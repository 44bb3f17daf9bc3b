"""Pure: the archive door, captures of an outlet's pages in CDX indexes (Wayback, Common Crawl)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from crawler.backfill.cdx import Capture, cdx_url, parse_cdx, replay_headers, replay_url
from crawler.backfill.doors import Answer, Door, Step
from crawler.backfill.window import Window
from crawler.discovery import Link


@dataclass(frozen=True)
class Index:
    """One CDX index and where its captures are replayed from."""

    name: str  # "wayback", "commoncrawl": the cursor's unit prefix
    cdx: str
    replay: str


class ArchiveDoor(Door):
    """Captures of the outlet's article URLs in CDX indexes, one month of capture time at a
    time: from the window's first day (an earlier capture is an earlier article) to `lag`
    days after its last (an article is often captured after it was published)."""

    name = "archive"

    def __init__(
        self, indexes: Sequence[Index], host: str, window: Window, done: Iterable[str],
        pattern: re.Pattern[str] | None, lag: int, today: date, limit: int,
    ) -> None:  # fmt: skip
        super().__init__(window, done, pattern)
        self.indexes = {index.name: index for index in indexes}
        self.host = host
        self.last = min(window.end + timedelta(days=lag), today)
        self.limit = limit

    def first(self) -> list[Step]:
        captured = Window(self.window.start, max(self.last, self.window.start))
        steps = []
        for month in captured.months():
            for index in self.indexes.values():
                unit = f"{index.name}:{month}"
                if unit in self.done:
                    continue
                first, last = captured.month_days(month)
                url = cdx_url(index.cdx, self.host, first, last, self.limit)
                steps.append(Step(self.name, url, unit, chain=index.name, api=True, replays=True))
        return steps

    def read(self, step: Step, body: bytes) -> Answer:
        latest: dict[str, Capture] = {}
        for capture in parse_cdx(body):
            if self.pattern is None or self.pattern.search(capture.original):
                known = latest.get(capture.original)
                if known is None or capture.timestamp > known.timestamp:
                    latest[capture.original] = capture
        answer = Answer()
        for original, capture in latest.items():
            answer.links.append(Link(url=original, published_at=None))
            answer.captures[original] = dataclasses.replace(capture, index=step.chain)
        return answer

    def replay(self, capture: Capture) -> tuple[str, tuple[tuple[str, str], ...]]:
        """The request (URL, headers) that gives a capture's bytes."""
        index = self.indexes[capture.index]
        return replay_url(index.replay, capture), replay_headers(capture)
