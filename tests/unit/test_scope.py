"""The crawl scope of every built-in outlet holds its own article URLs."""

from __future__ import annotations

import pytest

from crawler.scope import in_scope, source_domains
from crawler.sources import BUILTIN_SOURCES, Source

OUTLETS = [s for s in BUILTIN_SOURCES if s.search is None and s.sample_article]


@pytest.mark.parametrize("source", OUTLETS, ids=lambda s: s.key)
def test_sample_article_is_in_its_outlets_scope(source: Source) -> None:
    assert in_scope(source.sample_article, source_domains(source))


def test_scope_ignores_ports_and_subdomains_but_not_lookalikes() -> None:
    source = Source(key="o", name="o", feeds=("https://www.jnilbo.com/rss",))
    domains = source_domains(source)
    assert in_scope("http://m.jnilbo.com:8080/news/1", domains)
    assert not in_scope("https://jnilbo.com.evil.kr/news/1", domains)
    assert not in_scope("https://notjnilbo.com/news/1", domains)
