"""Pure scheduling arithmetic: jitter, first run after a restart, adaptive polling, silence."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from itertools import pairwise
from statistics import median

from apscheduler.triggers.cron import CronTrigger

from crawler.sources import Source
from crawler.timeutil import KST

CRON_TIMEZONE = KST  # a cron line is read in Korean time, as the outlets publish

# A tenth of the interval, but a day-long interval should not wander by more than this.
MAX_JITTER_SECONDS = 300.0
# Adaptive polling never goes below a quarter of the configured interval nor below this.
MIN_ADAPTIVE_SECONDS = 60.0
# Gaps needed before a source's rhythm is trusted (for adaptive polling and silence).
MIN_GAPS = 3


def jitter_for(interval: float) -> float:
    """Seconds of random delay added to each run: at most a tenth of the interval."""
    return max(0.0, min(interval / 10.0, MAX_JITTER_SECONDS))


def first_run_at(
    now: datetime, last_started: datetime | None, next_after: Callable[[datetime], datetime]
) -> datetime:
    """When a source should first run after a (re)start, from its latest run.

    Never crawled or overdue -> now; otherwise the time its schedule gives after the last run.
    """
    if last_started is None:
        return now
    due = next_after(last_started)
    return now if due <= now else due


def interval_next(interval: float) -> Callable[[datetime], datetime]:
    """`next_after` for an every = "…" schedule."""
    step = timedelta(seconds=interval)
    return lambda last: last + step


def usual_gap(times: Sequence[datetime]) -> float | None:
    """Median seconds between consecutive times (runs that added articles), None if too few."""
    ordered = sorted(times)
    gaps = [(b - a).total_seconds() for a, b in pairwise(ordered)]
    gaps = [g for g in gaps if g > 0]
    if len(gaps) < MIN_GAPS:
        return None
    return float(median(gaps))


def adaptive_interval(configured: float, gap: float | None) -> float:
    """Poll busy sources sooner (half their usual gap), never later than configured."""
    if gap is None:
        return configured
    lower = min(configured, max(configured / 4.0, MIN_ADAPTIVE_SECONDS))
    return max(lower, min(configured, gap / 2.0))


def silence_threshold(
    last_added: datetime | None, gap: float | None, factor: float
) -> datetime | None:
    """The moment a source counts as silent: last addition + factor × usual gap."""
    if last_added is None or gap is None or factor <= 0:
        return None
    return last_added + timedelta(seconds=gap * factor)


def silence_crossed(
    threshold: datetime | None, previous_run: datetime | None, now: datetime
) -> bool:
    """True exactly once per silence: on the first run at or after the threshold."""
    if threshold is None or now < threshold:
        return False
    return previous_run is None or previous_run < threshold


def next_after(source: Source) -> Callable[[datetime], datetime]:
    """When the schedule would run `source` again after a run started at the given time."""
    if not source.cron:
        return interval_next(source.interval_seconds)
    cron = CronTrigger.from_crontab(source.cron, timezone=CRON_TIMEZONE)
    return lambda last: cron.get_next_fire_time(None, last + timedelta(seconds=1))
