"""Search-source requests for the news spider (built by crawler.discovery.search)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from crawler.discovery.search import (
    MissingCredentials,
    SearchPage,
    SearchRequest,
    next_search_request,
    parse_search,
    search_requests,
)
from crawler.sources import Source
from crawler.topic import Topic

__all__ = ["MissingCredentials", "first_requests", "next_request", "read_answer"]

Callback = Callable[..., Any]


def first_requests(
    source: Source, topic: Topic | None, callback: Callback, errback: Callback
) -> list[scrapy.Request]:
    """The first request of each query of a search source (raises MissingCredentials)."""
    return [
        _request(asked, callback, errback) for asked in search_requests(source, topic, os.environ)
    ]


def next_request(
    source: Source, response: Response, page: SearchPage, callback: Callback, errback: Callback
) -> Iterator[scrapy.Request]:
    """The next result page of a query, while there may be more and pages remain."""
    asked: SearchRequest = response.meta["newsmon_search"]
    following = next_search_request(source, asked, page, os.environ)
    if following is not None:
        request = _request(following, callback, errback)
        request.meta["newsmon_if_new"] = True
        yield request


def read_answer(source: Source, response: Response) -> SearchPage:
    """Links of one search answer (raises DiscoveryError when it is no such answer)."""
    return parse_search(source, response.body, response.url)


def _request(asked: SearchRequest, callback: Callback, errback: Callback) -> scrapy.Request:
    return scrapy.Request(
        asked.url,
        callback=callback,
        errback=errback,
        headers=dict(asked.headers),
        dont_filter=True,
        priority=10,
        meta={
            "newsmon_search": asked,
            "newsmon_query": asked.query,
            "newsmon_page": asked.page,
            "newsmon_kind": "search",
            "newsmon_discovery": True,
            "newsmon_unconditional": True,  # answers change with every new article
            # API endpoints are governed by their terms of use, not by a site's robots.txt
            "dont_obey_robotstxt": True,
        },
    )
