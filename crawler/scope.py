"""Which hosts an outlet source may fetch: the registrable domains of its own URLs (pure)."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

import tldextract

from crawler.sources import Source

# The Public Suffix List snapshot bundled with tldextract; never fetched (no network, no cache
# folder). Private suffixes count too, so "a.blogspot.com" does not open all of blogspot.com.
_EXTRACT = tldextract.TLDExtract(
    suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True
)


@lru_cache(maxsize=4096)
def registrable_domain(host: str) -> str:
    """`news.kbs.co.kr` -> `kbs.co.kr`; an IP address or a bare name stays as it is."""
    host = host.lower().strip(".")
    return _EXTRACT(host).top_domain_under_public_suffix or host


def url_domain(url: str) -> str:
    """The registrable domain of a URL's host ('' when it has none)."""
    host = urlsplit(url).hostname
    return registrable_domain(host) if host else ""


def source_domains(source: Source) -> frozenset[str]:
    """The domains an outlet source may fetch from: its homepage, discovery URLs, extra_hosts."""
    urls = (
        source.homepage,
        *source.feeds,
        *source.sitemaps,
        *source.listings,
        *source.api_listings,
    )
    domains = {url_domain(url) for url in urls if url}
    for host in source.extra_hosts:
        # a host ("cdn.example.kr") or a URL ("https://cdn.example.kr/") both name a domain
        domains.add(url_domain(host) if "//" in host else registrable_domain(host))
    domains.discard("")
    return frozenset(domains)


def in_scope(url: str, domains: frozenset[str]) -> bool:
    """True when the URL's host belongs to one of `domains`."""
    return url_domain(url) in domains
