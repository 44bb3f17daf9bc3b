"""Pure search discovery: queries from the topic, request URLs, and result links.

Naver News Search API answers JSON whose items carry `originallink` (the outlet's URL) and
`link` (Naver's copy); Google News search answers an RSS feed.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Protocol
from urllib.parse import urlencode

from crawler.discovery.feeds import parse_feed
from crawler.discovery.links import DiscoveryError, Link, _http_url
from crawler.text import normalize_line

NAVER_ID_ENV = "NEWSMON_NAVER_CLIENT_ID"
NAVER_SECRET_ENV = "NEWSMON_NAVER_CLIENT_SECRET"
NAVER_PAGE_SIZE = 100  # the API's maximum `display`
NAVER_MAX_START = 1000  # the API refuses a larger `start`
_BOLD = re.compile(r"</?b>")


class Engine(Protocol):
    """What a search asks of its source (a registry `Source` is one): the engine and its
    endpoint, explicit queries, how many result pages to read."""

    @property
    def search(self) -> str | None: ...
    @property
    def search_url(self) -> str: ...
    @property
    def search_terms(self) -> tuple[str, ...]: ...
    @property
    def max_listing_pages(self) -> int: ...


class Terms(Protocol):
    """What a search asks of the topic (a `Topic` is one): its required, optional and
    excluded terms."""

    @property
    def all(self) -> tuple[str, ...]: ...
    @property
    def any(self) -> tuple[str, ...]: ...
    @property
    def none(self) -> tuple[str, ...]: ...


def naver_credentials(env: Mapping[str, str]) -> tuple[str, str] | None:
    """(client id, client secret) from the environment, or None when either is missing."""
    client_id = env.get(NAVER_ID_ENV, "").strip()
    secret = env.get(NAVER_SECRET_ENV, "").strip()
    return (client_id, secret) if client_id and secret else None


@dataclass(frozen=True)
class SearchPage:
    """One page of search results and whether the engine may have more."""

    links: tuple[Link, ...]
    more: bool


def topic_queries(topic: Terms | None, explicit: tuple[str, ...] = ()) -> list[str]:
    """Search queries for a topic: each `any` term with all `all` terms (engines AND words)."""
    if explicit:
        return list(explicit)
    if topic is None:
        return []
    required = " ".join(topic.all)
    if not topic.any:
        return [required] if required else []
    return [f"{required} {term}".strip() for term in topic.any]


def google_news_query(topic: Terms | None, explicit: tuple[str, ...] = ()) -> str:
    """One Google News query: the required terms, any of the optional ones, none excluded."""
    if explicit:
        return " OR ".join(f"({q})" for q in explicit)
    if topic is None:
        return ""
    parts = [_quoted(term) for term in topic.all]
    if topic.any:
        parts.append("(" + " OR ".join(_quoted(term) for term in topic.any) + ")")
    parts.extend(f"-{_quoted(term)}" for term in topic.none)
    return " ".join(parts)


def _quoted(term: str) -> str:
    return f'"{term}"' if " " in term else term


def naver_url(endpoint: str, query: str, page: int) -> str | None:
    """The API URL of result page `page` (1-based), newest first; None past the API's limit."""
    start = 1 + (page - 1) * NAVER_PAGE_SIZE
    if start > NAVER_MAX_START:
        return None
    params = {"query": query, "display": NAVER_PAGE_SIZE, "start": start, "sort": "date"}
    return f"{endpoint}?{urlencode(params)}"


def google_news_url(endpoint: str, query: str) -> str:
    """The Google News RSS search URL for `query`, in Korean, for Korea."""
    params = {"q": query, "hl": "ko", "gl": "KR", "ceid": "KR:ko"}
    return f"{endpoint}?{urlencode(params)}"


def parse_naver(body: bytes, base_url: str) -> SearchPage:
    """Result links of a Naver News Search API answer: the outlet's URL, else Naver's."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DiscoveryError(f"not a Naver search answer: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        message = data.get("errorMessage") if isinstance(data, dict) else None
        raise DiscoveryError(f"not a Naver search answer: {message or 'no items'}")
    links = [_naver_link(item, base_url) for item in data["items"] if isinstance(item, dict)]
    found = tuple(link for link in links if link is not None)
    total = _int(data.get("total"))
    start = _int(data.get("start")) or 1
    more = len(data["items"]) >= NAVER_PAGE_SIZE and start + NAVER_PAGE_SIZE <= total
    return SearchPage(links=found, more=more)


def _naver_link(item: dict[str, Any], base_url: str) -> Link | None:
    url = _http_url(base_url, item.get("originallink")) or _http_url(base_url, item.get("link"))
    if url is None:
        return None
    title = normalize_line(_strip_tags(str(item.get("title") or ""))) or None
    return Link(url=url, published_at=_rfc822(item.get("pubDate")), title=title)


def _strip_tags(text: str) -> str:
    # Naver marks the query words with <b>…</b> and escapes quotes as entities.
    return html.unescape(_BOLD.sub("", text))


def _rfc822(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        stamp = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return stamp.astimezone(UTC) if stamp.tzinfo else None


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


# --- the one request builder, shared by the spider and `sources check` ----------------------


class MissingCredentials(Exception):
    """The search engine needs API keys that are not set."""


@dataclass(frozen=True)
class SearchRequest:
    """One search request: its URL, the headers it needs, and which query and page it asks."""

    url: str
    query: str
    page: int
    headers: tuple[tuple[str, str], ...] = ()


def search_requests(
    source: Engine, topic: Terms | None, env: Mapping[str, str]
) -> list[SearchRequest]:
    """The first request of each query of a search source (raises MissingCredentials)."""
    if source.search == "naver":
        credentials = naver_credentials(env)
        if credentials is None:
            raise MissingCredentials(f"set {NAVER_ID_ENV} and {NAVER_SECRET_ENV}")
        firsts = (
            _naver_request(source, q, 1, credentials)
            for q in topic_queries(topic, source.search_terms)
        )
        return [request for request in firsts if request is not None]
    query = google_news_query(topic, source.search_terms)
    return [SearchRequest(google_news_url(source.search_url, query), query, 1)] if query else []


def next_search_request(
    source: Engine, asked: SearchRequest, answer: SearchPage, env: Mapping[str, str]
) -> SearchRequest | None:
    """The next result page of a Naver query, while there may be more and pages remain."""
    if source.search != "naver" or not answer.more or asked.page >= source.max_listing_pages:
        return None
    credentials = naver_credentials(env)
    if credentials is None:
        return None
    return _naver_request(source, asked.query, asked.page + 1, credentials)


def parse_search(source: Engine, body: bytes, url: str) -> SearchPage:
    """Links of one search answer (raises DiscoveryError when it is no such answer)."""
    if source.search == "naver":
        return parse_naver(body, url)
    return SearchPage(links=tuple(parse_feed(body, url)), more=False)


def _naver_request(
    source: Engine, query: str, page: int, credentials: tuple[str, str]
) -> SearchRequest | None:
    url = naver_url(source.search_url, query, page)
    if url is None:
        return None
    headers = (("X-Naver-Client-Id", credentials[0]), ("X-Naver-Client-Secret", credentials[1]))
    return SearchRequest(url, query, page, headers)
