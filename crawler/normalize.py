"""Pure normalisation: canonical URLs, KST date stamps, NFC text and the content hash."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from urllib.parse import unquote, urlsplit, urlunsplit

from dateutil import parser as dateutil_parser
from w3lib.url import canonicalize_url

from crawler.timeutil import KST

# Query parameters that only track the visitor; everything else may carry the article id.
_TRACKING_PARAMS = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|twclid|ttclid|igshid|mc_cid|"
    r"mc_eid|_ga|_gl|_hsenc|_hsmi|mkt_tok|ocid|ref|referer|referrer|from|sns|share|ncid|spm|"
    r"cmpid|rcode|trackingcode)$",
    re.IGNORECASE,
)
_AMP_PARAMS = re.compile(r"^(amp|_amp)$", re.IGNORECASE)
_AMP_OUTPUT_PARAMS = re.compile(r"^(outputtype|output|format)$", re.IGNORECASE)
# Host labels that only select a rendering of the same site (mobile, AMP, the www alias).
_ALIAS_LABELS = ("m.", "mobile.", "amp.", "www.")
_AMP_SUFFIX = re.compile(r"\.amp(?=\.[A-Za-z0-9]+$|$)", re.IGNORECASE)

# Line separators count as spaces inside a line: a headline or paragraph is always one line.
_SPACES = re.compile(
    r"[ \t\n\r\v\f\x1c-\x1e\x85\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+"
)
_INVISIBLE = re.compile(r"[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")

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


def normalize_line(line: str) -> str:
    """Drop invisible characters, fold runs of spaces, strip the ends, compose to NFC."""
    # Invisible characters go first: one between two jamo would block their composition.
    line = _INVISIBLE.sub("", line)
    return unicodedata.normalize("NFC", _SPACES.sub(" ", line).strip())


def normalize_text(text: str) -> str:
    """The corpus form of a text: NFC lines, single spaces, no blank lines, no trailing newline."""
    lines = (normalize_line(line) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def content_hash(text: str) -> str:
    """SHA-256 hex digest of the text's UTF-8 bytes (equals sha256sum of the corpus file)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


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


def canonical_url(url: str) -> str:
    """Canonical form of an article URL, equal for every rendering of the same article.

    https, host without m./mobile./amp./www. labels, no default port, no AMP variant,
    no fragment or tracking parameters. Other parameters (idxno, ncd, aid, …) are kept, sorted.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # an out-of-range port or a broken IPv6 literal: not a page URL
        return url
    if parts.scheme.lower() not in ("", "http", "https") or not parts.hostname:
        return url
    host = _canonical_host(parts.hostname)
    if ":" in host:
        host = f"[{host}]"
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    path = _strip_amp_path(parts.path) or "/"
    query = "&".join(_kept_params(parts.query))
    return canonicalize_url(urlunsplit(("https", host, path, query, "")))


def _canonical_host(hostname: str) -> str:
    host = hostname.lower().rstrip(".")
    stripped = True
    while stripped:
        stripped = False
        for label in _ALIAS_LABELS:
            # Keep at least two labels: 'm.com' is a site, not a mobile alias.
            if host.startswith(label) and "." in host[len(label) :]:
                host = host[len(label) :]
                stripped = True
    return host


def _strip_amp_path(path: str) -> str:
    segments = [seg for seg in path.split("/") if seg.lower() != "amp"]
    return _AMP_SUFFIX.sub("", "/".join(segments))


def _kept_params(query: str) -> list[str]:
    """Raw `key=value` pieces minus tracking and AMP switches (values are never re-decoded)."""
    kept = []
    for piece in query.split("&"):
        if not piece:
            continue
        raw_key, _, raw_value = piece.partition("=")
        key = unquote(raw_key.replace("+", " "))
        value = unquote(raw_value).lower()
        if _TRACKING_PARAMS.match(key) or _AMP_PARAMS.match(key):
            continue
        if _AMP_OUTPUT_PARAMS.match(key) and value == "amp":
            continue
        kept.append(piece)
    return kept
