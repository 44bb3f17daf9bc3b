"""What a backfill spider keeps while it walks: units in flight, ledger counts, cursors.

Everything here runs on the reactor thread; a finished unit becomes a `Change` that the
writer pool commits as it is.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from crawler.backfill.cdx import Capture
from crawler.backfill.doors import Step
from crawler.backfill.window import RECENT_DAYS, Window, kst_day, month_key, periods
from crawler.discovery import Link
from crawler.urls import canonical_url
from db.backfill import JobState

Cells = dict[tuple[str, str], Counter[str]]


@dataclass(frozen=True)
class Mark:
    """Where an article request came from: its door and unit, the date the door showed."""

    door: str
    unit: str
    listed_at: datetime | None
    original: str  # the article's own URL (the request may be its archived capture)
    capture: Capture | None
    url: str  # what was asked
    day: date | None = None  # the publication day the window was checked on


@dataclass(frozen=True)
class CaptureRecord:
    canonical: str
    original: str
    archive_url: str
    captured_at: datetime


@dataclass
class UnitState:
    """One step of a door: read yet, articles still in flight, its own ledger counts."""

    door: str
    unit: str
    pending: int = 0
    read: bool = False
    failed: bool = False
    finished: bool = False
    cells: Cells = field(default_factory=lambda: defaultdict(Counter))
    captures: list[CaptureRecord] = field(default_factory=list)
    days: list[date] = field(default_factory=list)  # its articles' own dates, in window or not
    deferred: Step | None = None  # an undated list's next page, decided by `days`


@dataclass
class DoorState:
    job_id: int | None
    done: set[str]
    base_requests: int
    requests: int = 0
    open: int = 0
    failed: bool = False


@dataclass(frozen=True)
class Change:
    """One finished unit, for one commit: ledger counts, captures, the job's new cursor."""

    job_id: int
    cells: dict[tuple[str, str], dict[str, int]]
    captures: tuple[CaptureRecord, ...]
    cursor: dict[str, Any]
    requests: int
    done: bool


class Ledger:
    """The spider's bookkeeping for one source (no I/O)."""

    def __init__(self, source: str, today: date) -> None:
        self.source = source
        self.today = today
        self.doors: dict[str, DoorState] = {}
        self.units: dict[tuple[str, str], UnitState] = {}
        self.reached: set[str] = set()
        self.totals: Counter[str] = Counter()
        self.dry: dict[str, Counter[str]] = defaultdict(Counter)
        self.walking: str | None = None  # the month the walk is in (oldest listed so far)

    def open_door(self, door: str, job: JobState | None, done: list[str]) -> None:
        job_id = job.id if job is not None else None
        self.doors[door] = DoorState(job_id, set(done), job.requests if job else 0)

    def step_opened(self, step: Step) -> None:
        state = self.doors[step.door]
        state.open += 1
        state.requests += 1
        self.unit(step)

    def unit(self, step: Step) -> UnitState:
        key = (step.door, step.unit)
        if key not in self.units:
            self.units[key] = UnitState(step.door, step.unit)
        return self.units[key]

    def unit_of(self, mark: Mark) -> UnitState:
        return self.units[(mark.door, mark.unit)]

    def listed(
        self, step: Step, links: list[Link], reached: set[str],
        span: tuple[date, date] | None, window: Window,
    ) -> None:  # fmt: skip
        unit = self.unit(step)
        for month in reached:
            unit.cells[(month, step.door)].update({})  # reached, even with nothing listed
        if span is not None:  # recent days the walk passed are reached too, one by one
            first = max(span[0], window.start, self.today - timedelta(days=RECENT_DAYS))
            for n in range((min(span[1], window.end) - first).days + 1):
                unit.cells[((first + timedelta(days=n)).isoformat(), step.door)].update({})
        self.reached |= reached
        for link in links:
            self.totals["found"] += 1
            if link.published_at is None:
                continue
            day = kst_day(link.published_at)
            for period in periods(day, self.today):
                unit.cells[(period, step.door)]["listed"] += 1
            self._walked(month_key(day))

    def _walked(self, month: str) -> None:
        if self.walking is None or month < self.walking:
            self.walking = month

    def would_fetch(self, door: str, link: Link) -> None:
        day = kst_day(link.published_at) if link.published_at else None
        self.dry[door][month_key(day) if day else "undated"] += 1

    def article_finished(self, mark: Mark, item: Any, added: bool = False) -> None:
        """An article request is through (fetched or not, stored or not)."""
        unit = self.unit_of(mark)
        unit.pending -= 1
        self.doors[mark.door].requests += 1
        self.totals["fetched"] += 1
        if item is None or mark.day is None:
            return
        self.reached.add(month_key(mark.day))
        self._walked(month_key(mark.day))
        on_topic = bool(getattr(item, "on_topic", False))
        for period in periods(mark.day, self.today):
            cell = unit.cells[(period, mark.door)]
            cell["fetched"] += 1
            cell["on_topic"] += on_topic
            cell["added"] += added
        if added:
            self.totals["added"] += 1
        if added and mark.capture is not None:
            record = CaptureRecord(
                canonical_url(mark.original), mark.original, mark.url, mark.capture.captured_at
            )
            unit.captures.append(record)

    def nothing_left(self, door: str) -> Change | None:
        """A door whose units are all done already: its job is finished."""
        state = self.doors[door]
        if state.job_id is None:
            return None
        cursor = {"done": sorted(state.done)}
        return Change(state.job_id, {}, (), cursor, state.base_requests, done=True)

    def finish(self, door: str, name: str) -> Change | None:
        """Close a unit whose page was read and whose articles are all through."""
        unit = self.units[(door, name)]
        if unit.finished:
            return None
        unit.finished = True
        state = self.doors[door]
        state.open -= 1
        if unit.failed:
            state.failed = True  # a rerun asks for it again: the job stays open
        else:
            state.done.add(name)
        if state.job_id is None:
            return None
        return Change(
            job_id=state.job_id,
            cells={key: dict(counts) for key, counts in unit.cells.items()},
            captures=tuple(unit.captures),
            cursor={"done": sorted(state.done)},
            requests=state.base_requests + state.requests,
            done=state.open == 0 and not state.failed,
        )
