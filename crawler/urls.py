"""Pure URL normalisation: canonical URLs drop tracking and rendering variants, keep the id."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

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


MAX_REDIRECTS = 20  # hops of one request, for every client (the crawl's REDIRECT_MAX_TIMES)
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})  # a Location to follow


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
