"""Pure: what one backfill asks for, and the doors it opens for one source."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from crawler.backfill.archive import ArchiveDoor, Index
from crawler.backfill.doors import (
    DOORS,
    Door,
    GoogleNewsDoor,
    NaverDoor,
    PagedDoor,
    SitemapDoor,
)
from crawler.backfill.registry import DoorOffer, offers, source_host
from crawler.backfill.window import Window
from crawler.config import AppConfig
from crawler.discovery.search import google_news_query, topic_queries
from crawler.sources import Source
from crawler.sources.engines import GOOGLE_NEWS, NAVER_ID_ENV, NAVER_SECRET_ENV, naver_credentials

# The archive comes last: it recovers what the live doors could not (a removed page).
LIVE_DOORS = tuple(door for door in DOORS if door != "archive")


@dataclass(frozen=True)
class Plan:
    """One backfill: the window, the doors asked for (empty: every door a source offers)."""

    window: Window
    today: date  # KST: recent days are kept per day in the ledger
    via: tuple[str, ...] = ()
    dry_run: bool = False

    def wanted(self, source: Source) -> list[DoorOffer]:
        """The doors of `source` this backfill opens, in the registry's order."""
        return [o for o in offers(source) if not self.via or o.door in self.via]


class DoorSkipped(Exception):
    """A door cannot run here (no keys, no endpoint); the message says what is missing."""


def build_door(
    offer: DoorOffer, source: Source, plan: Plan, config: AppConfig, done: Sequence[str],
    env: Mapping[str, str],
) -> Door:  # fmt: skip
    """The door object for one offer, resuming after the units in `done`."""
    window, backfill, pattern = plan.window, config.backfill, source.pattern
    if offer.door in ("search", "listing"):
        assert pattern is not None  # the registry offers these only with an article pattern
        terms = topic_queries(config.topic) if offer.door == "search" else []
        if offer.door == "search" and not terms:
            raise DoorSkipped("site search needs topic terms ([topic] any/all)")
        return PagedDoor(
            offer.door, offer.template, terms, window, done, pattern, backfill.max_pages,
            plan.today,
        )  # fmt: skip
    if offer.door == "sitemap":
        return SitemapDoor([offer.template], window, done, pattern)
    if offer.door == "gnews":
        query = google_news_query(config.topic)
        return GoogleNewsDoor(_gnews_endpoint(config), source_host(source), query, window, done)
    if offer.door == "naver":
        credentials = naver_credentials(env)
        if credentials is None:
            raise DoorSkipped(f"set {NAVER_ID_ENV} and {NAVER_SECRET_ENV}")
        queries = topic_queries(config.topic, source.search_terms)
        return NaverDoor(offer.template, queries, credentials, window, done)
    return _archive(source, plan, config, done)


def _archive(source: Source, plan: Plan, config: AppConfig, done: Sequence[str]) -> Door:
    indexes = archive_indexes(config)
    if not indexes:
        raise DoorSkipped("set [backfill] wayback_cdx and wayback_replay, or commoncrawl_index")
    backfill = config.backfill
    return ArchiveDoor(
        indexes, source_host(source), plan.window, done, source.pattern, backfill.archive_lag,
        plan.today, backfill.archive_limit,
    )  # fmt: skip


def archive_indexes(config: AppConfig) -> list[Index]:
    """The CDX indexes the settings name: the Wayback Machine's, Common Crawl's."""
    backfill = config.backfill
    found = []
    if backfill.wayback_cdx and backfill.wayback_replay:
        found.append(Index("wayback", backfill.wayback_cdx, backfill.wayback_replay))
    if backfill.commoncrawl_index and backfill.commoncrawl_data:
        found.append(Index("commoncrawl", backfill.commoncrawl_index, backfill.commoncrawl_data))
    return found


def door_hosts(config: AppConfig) -> tuple[str, ...]:
    """The hosts of the engines and archives the doors ask (URLs, for the crawl scope)."""
    backfill = config.backfill
    urls = (
        _gnews_endpoint(config), backfill.wayback_cdx, backfill.wayback_replay,
        backfill.commoncrawl_index, backfill.commoncrawl_data,
    )  # fmt: skip
    return tuple(dict.fromkeys(url for url in urls if url))


def _gnews_endpoint(config: AppConfig) -> str:
    """Google News search's endpoint: the configured google_news source's, else the built-in."""
    return next((s for s in config.sources if s.key == GOOGLE_NEWS.key), GOOGLE_NEWS).search_url
