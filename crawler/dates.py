"""Pure date stamps: Korean and other page stamps parsed as KST unless they say otherwise."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime, timedelta, timezone, tzinfo

from dateutil import parser as dateutil_parser

from crawler.timeutil import KST

_STAMP_NOISE = re.compile(
    r"(기사입력|최종수정|업데이트|입력|수정|승인|등록|발행|송고|게재)\s*(시간|일시|일)?\s*[:：]?"
)
_KOREAN_DATE = re.compile(
    r"(?P<y>\d{4})\s*[년.\-/]\s*(?P<mo>\d{1,2})\s*[월.\-/]\s*(?P<d>\d{1,2})\s*[일.]?"
    # An optional weekday: '(금)', '(금요일)', '금요일', '(Fri)'; a parenthesised time is not one.
    r"(?:\s*(?:\(\s*(?:[월화수목금토일](?:요일)?|[A-Za-z]{3})\s*\)|[월화수목금토일]요일))?"
    r"(?:(?:\s*|T)\(?\s*(?P<ap1>오전|오후|AM|PM|am|pm)?\s*"
    r"(?P<h>\d{1,2})\s*[:시]\s*(?P<mi>\d{1,2})(?:\s*[:분]\s*(?P<s>\d{1,2})(?:\.\d+)?)?\s*[분초]?"
    r"\s*(?P<ap2>오전|오후|AM|PM|am|pm)?\s*\)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2}|UTC|GMT|KST)?)?"
)
_TZ_NAMES: dict[str, tzinfo] = {"Z": UTC, "UTC": UTC, "GMT": UTC}
_DATEUTIL_TZINFOS = {"KST": KST}


def parse_kst(text: str | None) -> datetime | None:
    """Parse a date stamp ('2025.06.03 17:42', '입력 2025-06-03 17:42', ISO 8601, RFC 822).

    A stamp that carries its own offset keeps it; a naive one is Korean local time.
    Returns an aware UTC datetime, or None when the text holds no complete date.
    """
    if not text:
        return None
    cleaned = _STAMP_NOISE.sub(" ", unicodedata.normalize("NFC", text)).strip()
    if not cleaned:
        return None
    parsed = _parse_korean(cleaned)
    if parsed is None:
        parsed = _parse_other(cleaned)
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=KST)
    return parsed.astimezone(UTC)


def _parse_korean(text: str) -> datetime | None:
    match = _KOREAN_DATE.search(text)
    if match is None:
        return None
    hour = int(match["h"] or 0)
    meridiem = (match["ap1"] or match["ap2"] or "").upper()
    if meridiem in ("오후", "PM") and hour < 12:
        hour += 12
    elif meridiem in ("오전", "AM") and hour == 12:
        hour = 0
    try:
        return datetime(
            int(match["y"]),
            int(match["mo"]),
            int(match["d"]),
            hour,
            int(match["mi"] or 0),
            int(match["s"] or 0),
            tzinfo=_zone(match["tz"]),
        )
    except ValueError:
        return None


def _zone(name: str | None) -> tzinfo | None:
    if not name:
        return None
    if name == "KST":
        return KST
    if name in _TZ_NAMES:
        return _TZ_NAMES[name]
    digits = name.replace(":", "")
    offset = timedelta(hours=int(digits[1:3]), minutes=int(digits[3:5]))
    return timezone(-offset if digits[0] == "-" else offset)


def _parse_other(text: str) -> datetime | None:
    """RFC 822 and other formats through dateutil, refusing stamps without a full date."""
    results = []
    # dateutil fills missing fields from `default`: if two defaults give two dates, the
    # stamp lacked its year, month or day (e.g. a bare '15:40') and is not a date at all.
    for default in (datetime(2001, 1, 1), datetime(2002, 2, 2)):
        try:
            results.append(dateutil_parser.parse(text, default=default, tzinfos=_DATEUTIL_TZINFOS))
        except (ValueError, OverflowError):
            return None
    first, second = results
    return first if first.date() == second.date() else None
