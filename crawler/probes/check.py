"""`newsmon sources check`: probe every discovery URL live and report what it answers.

Uses httpx (not Scrapy) so it runs anywhere in a second, outside any crawl; bodies are read by
the same discovery functions the crawl uses, so "items" means what the crawl would find.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

from crawler.config import AppConfig
from crawler.discovery import DiscoveryError, Link, read_discovery
from crawler.discovery.search import MissingCredentials, parse_search, search_requests
from crawler.probes.discover import discover_site
from crawler.probes.fetch import HttpFetcher
from crawler.probes.tls import tls_context, with_tls_hint
from crawler.sources import Source
from crawler.timeutil import KST

logger = logging.getLogger(__name__)

MAX_WORKERS = 8


@dataclass(frozen=True)
class UrlHealth:
    """What one discovery URL answered."""

    url: str
    kind: str
    status: int | None = None
    content_type: str | None = None
    items: int | None = None
    newest: datetime | None = None
    error: str | None = None
    skipped: str | None = None

    @property
    def ok(self) -> bool:
        return self.skipped is not None or (self.error is None and bool(self.items))

    def as_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "kind": self.kind,
            "status": self.status,
            "content_type": self.content_type,
            "items": self.items,
            "newest": self.newest.isoformat() if self.newest else None,
            "error": self.error,
            "skipped": self.skipped,
            "ok": self.ok,
        }


@dataclass(frozen=True)
class SourceHealth:
    """The probes of one source's discovery URLs."""

    key: str
    name: str
    urls: tuple[UrlHealth, ...] = field(default_factory=tuple)
    suggestion: dict[str, Any] | None = None  # what discovery found, for a broken source

    @property
    def ok(self) -> bool:
        return all(probe.ok for probe in self.urls)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "ok": self.ok,
            "urls": [probe.as_dict() for probe in self.urls],
            "suggestion": self.suggestion,
        }


@dataclass(frozen=True)
class _Probe:
    source: Source
    kind: str
    url: str
    headers: tuple[tuple[str, str], ...] = ()
    shown_url: str = ""


def check_sources(config: AppConfig, keys: list[str] | None = None) -> list[SourceHealth]:
    """Probe the discovery URLs of the named sources (default: every enabled one)."""
    sources = [config.source(k) for k in keys] if keys else [s for s in config.sources if s.enabled]
    probes = [(source, _probes(source, config)) for source in sources]
    flat = [probe for _, items in probes for probe in items if isinstance(probe, _Probe)]
    agent = config.crawl.agent
    ciphers = {probe.source.tls_ciphers for probe in flat}
    clients = {
        cipher: httpx.Client(
            timeout=config.crawl.timeout,
            follow_redirects=True,
            headers={"User-Agent": agent},
            verify=tls_context(cipher) if cipher else True,
        )
        for cipher in ciphers
    }
    try:
        with ThreadPoolExecutor(max_workers=MAX_WORKERS) as pool:
            answers = pool.map(lambda p: _probe(clients[p.source.tls_ciphers], p, config), flat)
            done = dict(zip(flat, answers, strict=True))
    finally:
        for client in clients.values():
            client.close()
    results = [
        SourceHealth(
            key=source.key,
            name=source.name,
            urls=tuple(done[item] if isinstance(item, _Probe) else item for item in items),
        )
        for source, items in probes
    ]
    return [
        _with_suggestion(result, source, config, agent)
        for result, (source, _) in zip(results, probes, strict=True)
    ]


def _with_suggestion(
    result: SourceHealth, source: Source, config: AppConfig, agent: str
) -> SourceHealth:
    """An outlet whose every discovery URL failed (as the crawl's fallback decides) and
    that has a homepage gets what entry-point discovery finds there."""
    if any(probe.ok for probe in result.urls) or not source.homepage or source.search:
        return result
    with HttpFetcher(
        agent,
        timeout=config.crawl.timeout,
        obey_robots=config.crawl.obey_robots,
        tls_ciphers=source.tls_ciphers,
    ) as fetcher:
        found = discover_site(source.homepage, fetcher)
    keys = ("found", "feeds", "sitemaps", "listings", "article_pattern", "samples", "reasons")
    suggestion = {key: value for key, value in found.as_dict().items() if key in keys}
    return SourceHealth(result.key, result.name, result.urls, suggestion)


def _probes(source: Source, config: AppConfig) -> list[_Probe | UrlHealth]:
    if source.search is not None:  # the crawl's first request, from the same builder
        try:
            requests = search_requests(source, config.topic, os.environ)
        except MissingCredentials:
            return [UrlHealth(url=source.search_url, kind="search", skipped="no API credentials")]
        if not requests:
            return [UrlHealth(url=source.search_url, kind="search", skipped="no query (no topic)")]
        first = requests[0]
        # a URL carrying API keys in headers is shown as its endpoint
        shown = source.search_url if first.headers else ""
        return [_Probe(source, "search", first.url, first.headers, shown_url=shown)]
    return [_Probe(source, kind, url) for kind, url in source.discovery_urls]


def _probe(client: httpx.Client, probe: _Probe, config: AppConfig) -> UrlHealth:
    shown = probe.shown_url or probe.url
    try:
        response = _get(client, probe)
    except httpx.HTTPError as exc:
        error = with_tls_hint(f"{type(exc).__name__}: {exc}".strip(), probe.source.tls_ciphers)
        return UrlHealth(url=shown, kind=probe.kind, error=error)
    status = response.status_code
    content_type = response.headers.get("Content-Type")
    base = {"url": shown, "kind": probe.kind, "status": status, "content_type": content_type}
    if status != 200:
        return UrlHealth(**base, error=f"HTTP {status}")
    body = response.content[: config.crawl.max_page_bytes]
    try:
        if probe.source.search is not None:
            links = list(parse_search(probe.source, body, str(response.url)).links)
        else:
            links = _outlet(body, str(response.url), probe.source, probe.kind)
    except DiscoveryError as exc:
        return UrlHealth(**base, items=0, error=f"bad {probe.kind}: {exc}")
    dates = [link.published_at for link in links if link.published_at is not None]
    return UrlHealth(**base, items=len(links), newest=max(dates, default=None))


MAX_CREDENTIAL_HOPS = 5


def _get(client: httpx.Client, probe: _Probe) -> httpx.Response:
    """GET a probe's URL; a request with credentials follows redirects on its own host only.

    httpx, like Scrapy, drops only Authorization on a change of host, not API-key headers.
    """
    if not probe.headers:
        return client.get(probe.url)
    url = httpx.URL(probe.url)
    for _ in range(MAX_CREDENTIAL_HOPS):
        response = client.get(url, headers=dict(probe.headers), follow_redirects=False)
        target = response.next_request.url if response.next_request is not None else None
        if target is None:
            return response
        if (target.scheme, target.host, target.port) != (url.scheme, url.host, url.port):
            raise httpx.TooManyRedirects(
                f"redirects to another host ({target.host}); not followed with credentials",
                request=response.request,
            )
        url = target
    raise httpx.TooManyRedirects("too many redirects", request=response.request)


def _outlet(body: bytes, url: str, source: Source, kind: str) -> list[Link]:
    found = read_discovery(kind, body, url, source.pattern, source.api_listing)
    return found.links + [Link(url=child, published_at=None) for child in found.children]


def format_health(results: Iterable[SourceHealth]) -> str:
    """A plain-text report: one line per discovery URL, grouped by source."""
    lines: list[str] = []
    for source in results:
        lines.append(f"{source.key} ({source.name}): {'ok' if source.ok else 'FAILED'}")
        for probe in source.urls:
            lines.append("  " + _line(probe))
        lines += _suggestion_lines(source.suggestion)
    return "\n".join(lines)


def _suggestion_lines(suggestion: dict[str, Any] | None) -> list[str]:
    if suggestion is None:
        return []
    if not suggestion.get("found"):
        reasons = "; ".join(suggestion.get("reasons") or []) or "nothing found"
        return [f"  discovery: {reasons}"]
    lines = ["  discovery suggests:"]
    for kind in ("feeds", "sitemaps", "listings"):
        lines += [f"    {kind[:-1]:<8} {url}" for url in suggestion.get(kind) or []]
    if suggestion.get("article_pattern"):
        lines.append(f"    pattern  {suggestion['article_pattern']}")
    return lines


def _line(probe: UrlHealth) -> str:
    if probe.skipped is not None:
        return f"skipped  {probe.kind:<8} {probe.url}: {probe.skipped}"
    mark = "ok" if probe.ok else "FAIL"
    status = str(probe.status) if probe.status is not None else "-"
    newest = probe.newest.astimezone(KST).strftime("%Y-%m-%d %H:%M KST") if probe.newest else "-"
    detail = f"items {probe.items if probe.items is not None else '-'}, newest {newest}"
    kind = (probe.content_type or "-").split(";")[0]
    error = f" - {probe.error}" if probe.error else ""
    return f"{mark:<8} {probe.kind:<8} {status:>3} {kind:<22} {detail}  {probe.url}{error}"
