"""Ranges and types of configuration values (pure): a bad value says what was expected."""

from __future__ import annotations

import typing
from typing import Any

from crawler.durations import parse_duration
from crawler.sources import Source

# (lowest, highest, lowest allowed itself): a zero concurrency hangs a crawl, a negative count
# means nothing. Durations are checked by parse_duration (positive, or 0 for the two delays).
RANGES: dict[tuple[str, str], tuple[float, float | None, bool]] = {
    ("crawl", "concurrent_requests"): (1, None, True),
    ("crawl", "concurrent_per_domain"): (1, None, True),
    ("crawl", "retries"): (0, None, True),
    ("crawl", "max_page_bytes"): (1, None, True),
    ("crawl", "min_body_chars"): (0, None, True),
    ("crawl", "extract_workers"): (0, None, True),
    ("dedup", "near_threshold"): (0, 1, False),
    ("archive", "max_file_bytes"): (1024 * 1024, None, True),
    ("alerts", "failures_before_alert"): (1, None, True),
    ("alerts", "silent_factor"): (0, None, False),
    ("search", "max_pages"): (1, None, True),
    # a heartbeat every tenth of it: below 5 s a busy machine would miss them
    ("daemon", "failover"): (5, None, True),
    ("backfill", "concurrent_per_domain"): (1, None, True),
    ("backfill", "max_pages"): (1, None, True),
    ("backfill", "archive_lag"): (0, None, True),
    ("backfill", "archive_limit"): (1, None, True),
}


def check_range(section: str, key: str, value: Any) -> Any:
    """The value, when inside its setting's range (ValueError otherwise)."""
    limits = RANGES.get((section, key))
    if limits is None:
        return value
    low, high, low_allowed = limits
    # Written as "not inside" so NaN is refused too.
    inside = (value >= low if low_allowed else value > low) and (high is None or value <= high)
    if not inside:
        bound = f"at least {low:g}" if low_allowed else f"more than {low:g}"
        if high is not None:
            bound += f" and at most {high:g}"
        raise ValueError(f"must be {bound}, got {value!r}")
    return value


KIND_NAMES = {
    "int": "an integer", "float": "a number", "Path": "a path string", "str": "a string",
    "bool": "a boolean",
}  # fmt: skip


def toml_type(value: Any) -> str:
    """How a TOML user would call the type of a parsed value."""
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return "a string"


# Real types (typing.get_type_hints), not the annotations' text.
_SOURCE_TYPES = {
    name: kind for name, kind in typing.get_type_hints(Source).items() if not name.startswith("_")
}
_SOURCE_MINIMUM: dict[str, float] = {"max_listing_pages": 1, "concurrency": 1, "download_delay": 0}
_EXPECTED = {"str": (str,), "int": (int,), "float": (int, float), "bool": (bool,)}


def source_value(key: str, value: Any) -> Any:
    """A [[sources]] value checked against the Source field's type (ValueError otherwise);
    arrays become tuples, a delay may be a duration ("250ms")."""
    kind = _SOURCE_TYPES[key]
    if typing.get_origin(kind) is tuple:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"expected an array of strings, got {toml_type(value)}")
        return tuple(value)
    # `X | None` fields take an X (TOML has no null)
    base = next(t for t in typing.get_args(kind) or (kind,) if t is not type(None)).__name__
    if key == "download_delay" and isinstance(value, str):
        value = 0.0 if value.strip() == "0" else parse_duration(value)
    if isinstance(value, bool) != (base == "bool") or not isinstance(value, _EXPECTED[base]):
        raise ValueError(f"expected {KIND_NAMES[base]}, got {toml_type(value)}")
    minimum = _SOURCE_MINIMUM.get(key)
    number: Any = value  # an int or float here (checked above)
    if minimum is not None and not number >= minimum:
        raise ValueError(f"must be at least {minimum:g}, got {value!r}")
    return value
