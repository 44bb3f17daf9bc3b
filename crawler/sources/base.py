"""The Source record: one declarative entry per outlet, validated when it is built."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from crawler.discovery.apilisting import ApiListing
from crawler.durations import DurationError, parse_duration
from crawler.timeutil import KST

_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
NDSOFT_ARTICLE = r"/news/articleView\.html\?idxno=\d+"
TODAY = "{today}"  # in a discovery URL: the crawl day's KST date, YYYY-MM-DD
SEARCH_ENGINES = frozenset({"naver", "google_news"})
# The OpenSSL cipher level an old government server may need (a source's `tls_ciphers`).
LEGACY_TLS_CIPHERS = "DEFAULT:@SECLEVEL=1"


class SourceError(ValueError):
    """A source entry is invalid; the message names the key and the problem."""


@dataclass(frozen=True)
class Source:
    """An outlet to monitor and how to discover its articles."""

    key: str
    name: str
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    listings: tuple[str, ...] = ()
    # JSON listings: API answers whose items give article URLs (crawler/discovery/apilisting.py)
    api_listings: tuple[str, ...] = ()
    api_items: str = ""  # dotted path to the list of items ("" for a top-level array)
    api_url_field: str = ""  # the item field holding the article URL, or:
    api_url_template: str = ""  # a URL built from item fields, "https://…?ncd={newsCode}"
    api_date_field: str = ""  # the item field holding its date (optional)
    article_pattern: str | None = None
    every: str = "15m"
    cron: str | None = None
    region: str = ""
    homepage: str = ""
    max_listing_pages: int = 3
    download_delay: float | None = None
    concurrency: int | None = None
    enabled: bool = True
    provenance: str = ""
    sample_article: str = ""  # a real article URL of the outlet; article_pattern must match it
    search: str | None = None  # a search engine (SEARCH_ENGINES) instead of outlet discovery URLs
    search_url: str = ""  # that engine's endpoint (tests point it at 127.0.0.1)
    search_terms: tuple[str, ...] = ()  # queries; empty: derived from the configured topic
    extra_hosts: tuple[str, ...] = ()  # more hosts an outlet fetches from (see crawler/scope.py)
    tls_ciphers: str = ""  # OpenSSL cipher string for an old server, e.g. "DEFAULT:@SECLEVEL=1"
    # Backfill doors beyond what the CMS family gives (crawler/backfill/registry.py): the
    # outlet's site search with {term} and {page}, and its listing with {page}
    search_template: str = ""
    page_template: str = ""
    _compiled: re.Pattern[str] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        where = f"source {self.key!r}"
        if not _KEY.match(self.key):
            raise SourceError(f"{where}: key must be an ASCII slug (a-z, 0-9, '-', '_')")
        if not (self.feeds or self.sitemaps or self.listings or self.api_listings or self.search):
            raise SourceError(
                f"{where}: needs at least one of feeds, sitemaps, listings, api_listings, search"
            )
        if self.api_listings:
            try:
                self._api()
            except ValueError as exc:
                raise SourceError(f"{where}: api_listings: {exc}") from exc
        if self.search is not None and self.search not in SEARCH_ENGINES:
            raise SourceError(f"{where}: search must be one of {sorted(SEARCH_ENGINES)}")
        if self.listings and not self.article_pattern:
            raise SourceError(f"{where}: listings need an article_pattern")
        if self.article_pattern is not None:
            try:
                object.__setattr__(self, "_compiled", re.compile(self.article_pattern))
            except re.error as exc:
                raise SourceError(f"{where}: article_pattern is not a valid regex: {exc}") from exc
        try:
            parse_duration(self.every)
        except DurationError as exc:
            raise SourceError(f"{where}: every: {exc}") from exc
        templates = (*_given(self.search_template), *_given(self.page_template))
        urls = (*self.feeds, *self.sitemaps, *self.listings, *self.api_listings, *templates)
        for url in (*urls, *_given(self.search_url)):
            if not url.startswith(("http://", "https://")):
                raise SourceError(f"{where}: {url!r} is not an http(s) URL")
        for name, value, needs in (
            ("search_template", self.search_template, ("{term}", "{page}")),
            ("page_template", self.page_template, ("{page}",)),
        ):
            missing = [part for part in needs if value and part not in value]
            if missing:
                raise SourceError(f"{where}: {name} needs {' and '.join(missing)}")
        if self.sample_article and not self.is_article_url(self.sample_article):
            raise SourceError(f"{where}: article_pattern does not match sample_article")

    @property
    def pattern(self) -> re.Pattern[str] | None:
        """The compiled article_pattern, or None when every discovered link is an article."""
        return self._compiled

    @property
    def api_listing(self) -> ApiListing | None:
        """How to read this source's API answers (None without api_listings)."""
        return self._api() if self.api_listings else None

    def _api(self) -> ApiListing:
        return ApiListing(
            items=self.api_items,
            url_field=self.api_url_field,
            url_template=self.api_url_template,
            date_field=self.api_date_field,
        )

    @property
    def interval_seconds(self) -> float:
        return parse_duration(self.every)

    def is_article_url(self, url: str) -> bool:
        return self._compiled is None or self._compiled.search(url) is not None

    @property
    def discovery_urls(self) -> tuple[tuple[str, str], ...]:
        """(kind, URL) of every outlet discovery URL: feeds, sitemaps, listings, then API
        listings; '{today}' becomes today's KST date (daily pages such as /NewsDesk/2025-12-17)."""
        return tuple(
            (kind, _dated(url))
            for kind, urls in (
                ("feed", self.feeds),
                ("sitemap", self.sitemaps),
                ("listing", self.listings),
                ("api", self.api_listings),
            )
            for url in urls
        )


def _dated(url: str) -> str:
    return url.replace(TODAY, datetime.now(KST).strftime("%Y-%m-%d")) if TODAY in url else url


def _given(value: str) -> tuple[str, ...]:
    return (value,) if value else ()


def homepage_domain(source: Source) -> str:
    """The homepage's host without 'www.'/'m.' ('' without a homepage)."""
    host = (urlsplit(source.homepage).hostname or "").lower()
    for prefix in ("www.", "m."):
        host = host.removeprefix(prefix)
    return host


def check_registry(sources: Iterable[Source]) -> tuple[Source, ...]:
    """Validate a whole list: unique keys and unique homepage domains. Returns it as a tuple."""
    result = tuple(sources)
    keys: set[str] = set()
    domains: dict[str, str] = {}
    for source in result:
        if source.key in keys:
            raise SourceError(f"source {source.key!r} is listed twice")
        keys.add(source.key)
        domain = homepage_domain(source)
        if domain and domain in domains:
            raise SourceError(
                f"source {source.key!r}: homepage domain {domain} is already {domains[domain]!r}"
            )
        if domain:
            domains[domain] = source.key
    return result
