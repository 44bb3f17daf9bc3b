"""Pure parsing of human durations such as '15m', '5s', '1h30m', '2d'."""

from __future__ import annotations

import re

_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}


class DurationError(ValueError):
    """Not a duration."""


def parse_duration(text: str | int | float, *, allow_zero: bool = False) -> float:
    """Seconds in a duration: '15m', '5s', '1h30m', '2d', '250ms', or a bare number of seconds.

    Zero ('0', '0s', '0m') is refused unless `allow_zero`; negative durations always are.
    """
    if isinstance(text, bool):
        raise DurationError(f"{text!r} is not a duration")
    if isinstance(text, int | float):
        if text < 0 or (text == 0 and not allow_zero):
            raise DurationError(f"{text!r} must be positive")
        return float(text)
    compact = text.strip().lower().replace(" ", "")
    if not compact:
        raise DurationError("empty duration")
    if re.fullmatch(r"\d+(\.\d+)?", compact):
        return parse_duration(float(compact), allow_zero=allow_zero)
    total, pos = 0.0, 0
    for match in _PART.finditer(compact):
        if match.start() != pos:
            break
        total += float(match.group(1)) * _UNITS[match.group(2)]
        pos = match.end()
    if pos != len(compact) or pos == 0:
        raise DurationError(f"{text!r} is not a duration like '15m', '5s' or '1h30m'")
    if total == 0 and not allow_zero:
        raise DurationError(f"{text!r} must be positive")
    return total
