"""The backfill spider: a source's doors into its past -> article pages inside a date window.

Articles go through the crawl's own pipelines (topic, exact and near dedup, corpus, seen_urls).
A door's unit (a page, a month, a child sitemap) is marked done in its job's cursor only when
its page was read and every article it listed has left the pipelines, in the same commit as
that unit's ledger counts: a kill loses no article and counts nothing twice.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import Future
from typing import Any, Self, cast

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.backfill.archive import ArchiveDoor
from crawler.backfill.cdx import warc_payload
from crawler.backfill.doors import Answer, Door, Step, continues
from crawler.backfill.plan import LIVE_DOORS, DoorSkipped, Plan, build_door, door_hosts
from crawler.backfill.window import kst_day
from crawler.config import AppConfig
from crawler.crawl.items import ArticleItem
from crawler.crawl.refusals import failure_reason
from crawler.crawl.services import services_of
from crawler.crawl.spiders.backfill_state import Change, Ledger, Mark, UnitState
from crawler.crawl.spiders.news import NewsSpider
from crawler.discovery import DiscoveryError, Link
from crawler.sources import Source
from crawler.urls import canonical_url
from db import backfill as records

logger = logging.getLogger(__name__)


class BackfillSpider(NewsSpider):
    """Walk the chosen doors of one source over the plan's window; fetch what is new."""

    name = "backfill"

    def __init__(self, source: Source, plan: Plan, config: AppConfig, **kwargs: Any) -> None:
        # the engines and archives a door asks are in this source's scope for this run
        hosts = tuple(h for h in door_hosts(config) if h not in source.extra_hosts)
        source = dataclasses.replace(source, extra_hosts=(*source.extra_hosts, *hosts))
        super().__init__(source=source, **kwargs)
        self.plan = plan
        self.config = config
        self.ledger = Ledger(source.key, plan.today)
        self.doors: dict[str, Door] = {}
        self.skipped: dict[str, str] = {}  # door -> why it did not run
        self.archive_started = False

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        backfill = spider.config.backfill
        # A backfill takes a smaller share of each host than the crawl: its own delay, never
        # below the source's, and its own per-host concurrency.
        delay = max(backfill.download_delay, spider.source.download_delay or 0.0)
        crawler.settings.set("DOWNLOAD_DELAY", delay, priority="spider")
        crawler.settings.set(
            "CONCURRENT_REQUESTS_PER_DOMAIN", backfill.concurrent_per_domain, priority="spider"
        )
        crawler.signals.connect(spider.item_added, signal=signals.item_scraped)
        for signal in (signals.item_dropped, signals.item_error):
            crawler.signals.connect(spider.item_not_added, signal=signal)
        return spider

    # --- start: open a job per door, ask for its first pages -----------------------------

    async def start(self) -> AsyncIterator[Any]:
        self._inc("newsmon/discovery/ok")  # a backfill has no feed that could fail as a whole
        offers = self.plan.wanted(self.source)
        jobs = {}
        if not self.plan.dry_run:
            jobs = await services_of(self.crawler).run(self._open_jobs, [o.door for o in offers])
        for offer in offers:
            job = jobs.get(offer.door)
            if job is not None and job.done:
                self._inc(f"newsmon/backfill/{offer.door}/already_done")
                continue
            done = list(job.cursor.get("done", [])) if job is not None else []
            try:
                door = build_door(offer, self.source, self.plan, self.config, done, os.environ)
            except DoorSkipped as exc:
                self.skipped[offer.door] = str(exc)
                logger.warning("%s: %s door skipped: %s", self.source.key, offer.door, exc)
                continue
            self.ledger.open_door(offer.door, job, done)
            self.doors[offer.door] = door
        for name in LIVE_DOORS:
            if name in self.doors:
                for step in self._first(name):
                    yield self._step_request(step)

    def _first(self, door: str) -> list[Step]:
        """A door's first steps; a door with nothing left (every unit done) is finished."""
        steps = self.doors[door].first()
        if not steps:
            change = self.ledger.nothing_left(door)
            if change is not None:
                self._submit(change)
        return steps

    def _open_jobs(self, doors: list[str]) -> dict[str, records.JobState]:
        window = self.plan.window
        with services_of(self.crawler).database.session() as session:
            return {
                door: records.open_job(session, self.source.key, door, window.start, window.end)
                for door in doors
            }

    def spider_idle(self) -> None:
        """The live doors are through: the archive recovers what they could not."""
        if self.archive_started or "archive" not in self.doors:
            return
        self.archive_started = True
        assert self.crawler.engine is not None
        for step in self._first("archive"):
            self.crawler.engine.crawl(self._step_request(step))
        raise DontCloseSpider

    def _step_request(self, step: Step) -> scrapy.Request:
        self.ledger.step_opened(step)
        meta: dict[str, Any] = {
            "newsmon_step": step,
            "newsmon_discovery": True,
            "newsmon_unconditional": True,  # an old page is read once, not revalidated
        }
        if step.api:
            meta["dont_obey_robotstxt"] = True  # an API's terms govern it, not robots.txt
        return scrapy.Request(
            step.url, callback=self.parse_step, errback=self.step_failed,
            headers=dict(step.headers), dont_filter=True, priority=10, meta=meta,
        )  # fmt: skip

    # --- a door's answer: links, the next pages --------------------------------------------

    async def parse_step(self, response: Response) -> AsyncIterator[scrapy.Request]:
        step: Step = response.meta["newsmon_step"]
        self._inc(f"newsmon/backfill/{step.door}/pages")
        try:
            answer = self.doors[step.door].read(step, response.body)
        except DiscoveryError as exc:
            self._discovery_error(response.url, f"bad {step.door} answer: {exc}")
            unit = self.ledger.unit(step)
            unit.failed = unit.read = True
            self._settle(unit)
            return
        self._count_answer(step, answer)
        wanted = await self._unknown(step, answer.links)
        unit = self.ledger.unit(step)
        for link in wanted:
            request = self._backfill_article(step, link, answer)
            if request is not None:
                unit.pending += 1
                yield request
        for following in answer.following:
            yield self._step_request(following)
        unit.deferred = answer.deferred
        unit.read = True
        self._settle(unit)

    def _count_answer(self, step: Step, answer: Answer) -> None:
        self.ledger.listed(step, answer.links, answer.reached, answer.span, self.plan.window)
        self._inc_by(f"newsmon/backfill/{step.door}/listed", len(answer.links))
        self._inc_by(f"newsmon/backfill/{step.door}/outside_window", answer.outside)

    async def _unknown(self, step: Step, links: list[Link]) -> list[Link]:
        """Links whose URL no run stored or refused; the archive may retry a page gone live."""
        urls = [canonical_url(link.url) for link in links]
        statuses = await services_of(self.crawler).run(self._statuses, urls) if urls else {}
        # a page gone live (404, or a removed article's empty template) may be in the archive
        retry = ("gone", "no_body") if step.replays else ()
        kept = []
        for link, url in zip(links, urls, strict=True):
            status = statuses.get(url)
            if status is None or status in retry:
                kept.append(link)
            else:
                self._inc("newsmon/skipped/known")
        return kept

    def _statuses(self, urls: list[str]) -> dict[str, str]:
        with services_of(self.crawler).database.session() as session:
            return records.seen_statuses(session, urls)

    def _backfill_article(self, step: Step, link: Link, answer: Answer) -> scrapy.Request | None:
        canonical = canonical_url(link.url)
        if canonical in self.seen:
            return None
        self.seen.add(canonical)
        self._inc("newsmon/discovered")
        if self.plan.dry_run:
            self.ledger.would_fetch(step.door, link)
            return None
        capture = answer.captures.get(link.url)
        door = self.doors[step.door]
        url, headers = link.url, cast(tuple[tuple[str, str], ...], ())
        if capture is not None and isinstance(door, ArchiveDoor):
            url, headers = door.replay(capture)
        where = url + "".join(f"#{value}" for _, value in headers)  # a WARC record's range
        mark = Mark(step.door, step.unit, link.published_at, link.url, capture, where)
        # dont_filter: the canonical URL was deduplicated above, and Common Crawl records share
        # one URL (a byte range each); a request Scrapy dropped silently would hold its unit open
        return scrapy.Request(
            url, callback=self.parse_article, errback=self.article_failed, headers=dict(headers),
            dont_filter=True,
            meta={
                "newsmon_article": True, "newsmon_canonical": canonical,
                "newsmon_refetch": True,  # checked against seen_urls above, with the door's rule
                "newsmon_mark": mark,
            },
        )  # fmt: skip

    def step_failed(self, failure: Failure) -> None:
        """A door's page failed: its unit stays open in the cursor, so a rerun asks again."""
        request = failure.request  # type: ignore[attr-defined]
        step: Step = request.meta["newsmon_step"]
        self._discovery_error(request.url, failure_reason(failure))
        unit = self.ledger.unit(step)
        unit.failed = unit.read = True
        self._settle(unit)

    # --- articles: the window decides by the page's own date -------------------------------

    async def parse_article(self, response: Response) -> AsyncIterator[ArticleItem]:
        mark: Mark = response.meta["newsmon_mark"]
        yielded = False
        if mark.capture is not None and mark.capture.filename:
            response = self._from_warc(response)
        async for found in super().parse_article(response):
            item = self._as_backfilled(found, mark)
            if item is not None:
                yielded = True
                yield item
        if not yielded:
            self.ledger.article_finished(mark, None)
            self._settle(self.ledger.unit_of(mark))

    def _from_warc(self, response: Response) -> Response:
        """A Common Crawl record's HTTP body, as the page it was (an empty page if broken)."""
        try:
            body, content_type = warc_payload(response.body)
        except DiscoveryError as exc:
            logger.warning("%s: %s in %s", self.source.key, exc, response.url)
            body, content_type = b"", None
        headers = {"Content-Type": content_type} if content_type else {}
        return response.replace(body=body, headers=headers)

    def _as_backfilled(self, item: ArticleItem, mark: Mark) -> ArticleItem | None:
        if mark.capture is not None:  # the page is the original URL's, the bytes the archive's
            item = dataclasses.replace(
                item, url=mark.original, canonical_url=canonical_url(mark.original),
                redirected_from=(),
            )  # fmt: skip
        published = item.extracted.published_at if item.extracted is not None else None
        day = published or mark.listed_at
        if day is not None:
            self.ledger.unit_of(mark).days.append(kst_day(day))
        if item.extracted is not None and day is None:
            self._inc("newsmon/backfill/undated")
            logger.info("%s: no publication date in %s: not added", item.source, item.url)
            return None
        if day is not None and not self.plan.window.contains(day):
            self._inc("newsmon/backfill/outside_window")
            return None
        item.backfill = dataclasses.replace(mark, day=kst_day(day) if day else None)
        return item

    def article_failed(self, failure: Failure) -> Iterator[ArticleItem]:
        request = failure.request  # type: ignore[attr-defined]
        mark: Mark = request.meta["newsmon_mark"]
        items = list(super().article_failed(failure))
        for item in items:
            if item.gone and mark.capture is None:
                self.seen.discard(request.meta["newsmon_canonical"])  # the archive may have it
            item.backfill = mark
            yield item
        if not items:
            self.ledger.article_finished(mark, None)
            self._settle(self.ledger.unit_of(mark))

    def item_added(self, item: Any) -> None:
        self._item_through(item, added=True)

    def item_not_added(self, item: Any, **_: Any) -> None:
        self._item_through(item, added=False)

    def _item_through(self, item: Any, added: bool) -> None:
        """After the pipelines (added, dropped or failed): count it, maybe close its unit."""
        if not isinstance(item, ArticleItem) or not isinstance(item.backfill, Mark):
            return
        self.ledger.article_finished(item.backfill, item, added=added)
        self._settle(self.ledger.unit_of(item.backfill))

    def _settle(self, unit: UnitState) -> None:
        """Close a unit once read with nothing in flight: its commit runs on the writer pool."""
        if not (unit.read and unit.pending == 0):
            return
        if unit.deferred is not None:
            following, unit.deferred = unit.deferred, None
            if continues(self.plan.window, unit.days):  # opened before this unit closes
                assert self.crawler.engine is not None
                self.crawler.engine.crawl(self._step_request(following))
            else:
                self._inc(f"newsmon/backfill/{unit.door}/undated_end")
        change = self.ledger.finish(unit.door, unit.unit)
        if change is not None:
            self._submit(change)

    def _submit(self, change: Change) -> None:
        future = services_of(self.crawler).writers.submit(self._write, change)
        future.add_done_callback(self._written)

    def _write(self, change: Change) -> None:
        """One commit: the unit's ledger counts, its captures, the job's cursor."""
        with services_of(self.crawler).database.session() as session:
            records.add_coverage(session, self.source.key, change.cells)
            for capture in change.captures:
                article = records.article_id_of(session, capture.canonical)
                records.record_capture(
                    session, article, capture.original, capture.archive_url, capture.captured_at
                )
            records.save_job(session, change.job_id, change.cursor, change.requests, change.done)

    def _written(self, future: Future[None]) -> None:
        error = future.exception()
        if error is not None:  # the unit stays open in the cursor: a rerun reads it again
            self._inc("newsmon/errors")
            logger.error("%s: could not record backfill progress: %s", self.source.key, error)

    def _inc_by(self, key: str, count: int) -> None:
        if count:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value(key, count)
