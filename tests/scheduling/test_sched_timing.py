"""Pure scheduling arithmetic: jitter bound, first runs from history, adaptive polling, silence."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from scheduler import timing
from tests.scheduling.conftest import T0

MIN = timedelta(minutes=1)


@pytest.mark.parametrize(
    "interval, expected",
    [
        (2.0, 0.2),
        (900.0, 90.0),
        (3600.0, 300.0),
        (86400.0, 300.0),
    ],
    ids=["2s", "15m", "1h", "1d-capped"],
)
def test_jitter_is_at_most_a_tenth_of_the_interval(interval: float, expected: float) -> None:
    assert timing.jitter_for(interval) == pytest.approx(expected)
    assert timing.jitter_for(interval) <= interval / 10


@pytest.mark.parametrize(
    "last, expected",
    [
        (None, T0),
        (T0 - 1 * MIN, T0 + 14 * MIN),
        (T0 - 15 * MIN, T0),
        (T0 - 3 * 60 * MIN, T0),
        (T0 + 1 * MIN, T0 + 16 * MIN),
    ],
    ids=["never-crawled", "crawled-a-minute-ago", "exactly-due", "overdue", "clock-skew-future"],
)
def test_first_run_follows_history(last: datetime | None, expected: datetime) -> None:
    assert timing.first_run_at(T0, last, timing.interval_next(900.0)) == expected


def _times(*minutes: float) -> list[datetime]:
    return [T0 + m * MIN for m in minutes]


@pytest.mark.parametrize(
    "times, expected",
    [
        ([], None),
        (_times(0, 10, 20), None),
        (_times(0, 10, 20, 30), 600.0),
        (_times(30, 0, 20, 10), 600.0),
        (_times(0, 10, 20, 30, 300), 600.0),
        (_times(0, 10, 10, 20, 30), 600.0),
    ],
    ids=[
        "none",
        "too-few-gaps",
        "regular",
        "unsorted",
        "outlier-ignored-by-median",
        "duplicate-times-skipped",
    ],
)
def test_usual_gap_is_the_median_gap(times: list[datetime], expected: float | None) -> None:
    assert timing.usual_gap(times) == expected


@pytest.mark.parametrize(
    "configured, gap, expected",
    [
        (900.0, None, 900.0),
        (900.0, 7200.0, 900.0),
        (900.0, 1000.0, 500.0),
        (900.0, 60.0, 225.0),
        (3600.0, 60.0, 900.0),
        (2.0, 0.5, 2.0),
    ],
    ids=[
        "no-history",
        "quiet-source",
        "busy-source",
        "very-busy-floor",
        "floor-quarter",
        "short-interval-unchanged",
    ],
)
def test_adaptive_interval_never_exceeds_configured(
    configured: float, gap: float | None, expected: float
) -> None:
    result = timing.adaptive_interval(configured, gap)
    assert result == pytest.approx(expected)
    assert result <= configured


def test_silence_threshold_is_factor_times_usual_gap() -> None:
    assert timing.silence_threshold(T0, 600.0, 4.0) == T0 + 40 * MIN
    assert timing.silence_threshold(None, 600.0, 4.0) is None
    assert timing.silence_threshold(T0, None, 4.0) is None


@pytest.mark.parametrize(
    "previous, now, expected",
    [
        (T0 + 30 * MIN, T0 + 35 * MIN, False),
        (T0 + 35 * MIN, T0 + 45 * MIN, True),
        (T0 + 45 * MIN, T0 + 55 * MIN, False),
        (None, T0 + 45 * MIN, True),
        (T0 + 35 * MIN, T0 + 40 * MIN, True),
    ],
    ids=[
        "before-threshold",
        "first-run-past-threshold",
        "already-alerted",
        "no-previous-run",
        "exactly-at-threshold",
    ],
)
def test_silence_is_crossed_once(previous: datetime | None, now: datetime, expected: bool) -> None:
    assert timing.silence_crossed(T0 + 40 * MIN, previous, now) is expected
