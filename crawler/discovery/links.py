"""Pure: the article links discovery finds, its error, and URL clean-up shared by every reader."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin

_URL_WHITESPACE = re.compile(r"[\t\n\r]")
_HTTP_URL = re.compile(r"https?://", re.IGNORECASE)


@dataclass(frozen=True)
class Link:
    """An article link found by discovery."""

    url: str  # absolute, as found (not canonicalised)
    published_at: datetime | None  # aware UTC (naive stamps are KST)
    title: str | None = None


class DiscoveryError(ValueError):
    """A discovery document is malformed, truncated beyond use, or refused as dangerous."""


def _http_url(base: str, href: str | None) -> str | None:
    """`href` resolved against `base`, without fragment, if it is an http(s) URL."""
    if not href:
        return None
    href = _URL_WHITESPACE.sub("", href.strip())
    # Sitemaps list tens of thousands of absolute URLs: skip urljoin's parsing for them.
    url = href if _HTTP_URL.match(href) else urljoin(base, href)
    url = url.partition("#")[0]
    return url if _HTTP_URL.match(url) else None


def _unique_links(links: Iterable[Link]) -> list[Link]:
    seen: set[str] = set()
    out = []
    for link in links:
        if link.url not in seen:
            seen.add(link.url)
            out.append(link)
    return out
