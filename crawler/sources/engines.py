"""Built-in registry: topic-wide search sources (Naver News Search API, Google News RSS search).

They find the topic's articles across every outlet; each result is fetched from the outlet
itself. `[search]` in the config switches them on or off whatever the source list is.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping

from crawler.discovery.search import NAVER_ID_ENV, NAVER_SECRET_ENV, naver_credentials
from crawler.sources.base import Source

__all__ = ["GOOGLE_NEWS", "NAVER", "NAVER_ID_ENV", "NAVER_SECRET_ENV", "SOURCES"]
__all__ += ["naver_credentials", "with_search_sources"]

logger = logging.getLogger(__name__)

NAVER = Source(
    key="naver",
    name="네이버 뉴스 검색",
    search="naver",
    search_url="https://openapi.naver.com/v1/search/news.json",
    max_listing_pages=5,
    provenance=(
        "Naver News Search API (developers.naver.com/docs/serviceapi/search/news): "
        "display <= 100, start <= 1000, sort=date; needs an application's client id/secret"
    ),
)
GOOGLE_NEWS = Source(
    key="google_news",
    name="Google 뉴스 검색",
    search="google_news",
    search_url="https://news.google.com/rss/search",
    max_listing_pages=1,
    provenance=(
        "Google News RSS search (q, hl=ko, gl=KR, ceid=KR:ko), undocumented but long public; "
        "its item links are news.google.com redirect pages, not the outlets' URLs"
    ),
)
SOURCES: tuple[Source, ...] = (NAVER, GOOGLE_NEWS)  # on or off: [search] naver / google_news


def with_search_sources(
    sources: tuple[Source, ...],
    *,
    naver: bool,
    google_news: bool,
    max_pages: int,
    env: Mapping[str, str],
) -> tuple[Source, ...]:
    """`sources` with the search sources that `[search]` switches on (Naver only with
    credentials: one log line otherwise). A search source listed in `sources` keeps its
    overrides and stays listed, disabled when it cannot run; an unlisted one is added only
    when it runs, so the outlet list is unchanged without search."""
    wanted = {NAVER.key: naver, GOOGLE_NEWS.key: google_news}
    listed = {source.key: source for source in sources}
    result = [source for source in sources if source.key not in wanted]
    for builtin in SOURCES:
        source = listed.get(builtin.key, builtin)
        enabled = wanted[builtin.key] and source.enabled
        if builtin.key == NAVER.key and enabled and naver_credentials(env) is None:
            logger.debug(
                "Naver news search skipped: set %s and %s to use it", NAVER_ID_ENV, NAVER_SECRET_ENV
            )
            enabled = False
        if enabled or builtin.key in listed:
            result.append(dataclasses.replace(source, enabled=enabled, max_listing_pages=max_pages))
    return tuple(result)
