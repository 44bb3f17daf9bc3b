"""Search-source requests for the news spider: Naver News Search API and Google News RSS."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from crawler.discovery import Link, parse_feed
from crawler.search import (
    SearchPage,
    google_news_query,
    google_news_url,
    naver_url,
    parse_naver,
    topic_queries,
)
from crawler.sources import Source
from crawler.sources.search import NAVER_ID_ENV, NAVER_SECRET_ENV, naver_credentials
from crawler.topic import Topic

logger = logging.getLogger(__name__)

Callback = Callable[..., Any]


class MissingCredentials(Exception):
    """The search engine needs API keys that are not set."""


def search_requests(
    source: Source, topic: Topic | None, callback: Callback, errback: Callback
) -> list[scrapy.Request]:
    """The first request of each query of a search source (raises MissingCredentials)."""
    if source.search == "naver":
        credentials = naver_credentials(os.environ)
        if credentials is None:
            raise MissingCredentials(f"set {NAVER_ID_ENV} and {NAVER_SECRET_ENV}")
        queries = topic_queries(topic, source.search_terms)
        return [
            request
            for query in queries
            for request in _naver_request(source, query, 1, credentials, callback, errback)
        ]
    query = google_news_query(topic, source.search_terms)
    if not query:
        return []
    url = google_news_url(source.search_url, query)
    return [_request(url, callback, errback, {"newsmon_query": query, "newsmon_page": 1})]


def next_search_request(
    source: Source, response: Response, page: SearchPage, callback: Callback, errback: Callback
) -> Iterator[scrapy.Request]:
    """The next result page of a Naver query, while there may be more and pages remain."""
    number = int(response.meta["newsmon_page"])
    credentials = naver_credentials(os.environ)
    if source.search != "naver" or not page.more or number >= source.max_listing_pages:
        return
    if credentials is None:
        return
    query = str(response.meta["newsmon_query"])
    yield from _naver_request(source, query, number + 1, credentials, callback, errback)


def parse_search(source: Source, response: Response) -> SearchPage:
    """Links of one search answer (raises DiscoveryError when it is no such answer)."""
    if source.search == "naver":
        return parse_naver(response.body, response.url)
    links: list[Link] = parse_feed(response.body, response.url)
    return SearchPage(links=tuple(links), more=False)


def _naver_request(
    source: Source,
    query: str,
    number: int,
    credentials: tuple[str, str],
    callback: Callback,
    errback: Callback,
) -> Iterator[scrapy.Request]:
    url = naver_url(source.search_url, query, number)
    if url is None:
        return
    request = _request(url, callback, errback, {"newsmon_query": query, "newsmon_page": number})
    request.headers["X-Naver-Client-Id"] = credentials[0]
    request.headers["X-Naver-Client-Secret"] = credentials[1]
    if number > 1:
        request.meta["newsmon_if_new"] = True
    yield request


def _request(
    url: str, callback: Callback, errback: Callback, meta: dict[str, Any]
) -> scrapy.Request:
    return scrapy.Request(
        url,
        callback=callback,
        errback=errback,
        dont_filter=True,
        priority=10,
        meta={
            **meta,
            "newsmon_kind": "search",
            "newsmon_discovery": True,
            "newsmon_unconditional": True,  # answers change with every new article
            # API endpoints are governed by their terms of use, not by a site's robots.txt
            "dont_obey_robotstxt": True,
        },
    )
