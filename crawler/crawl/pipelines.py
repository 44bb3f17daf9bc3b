"""Item pipelines: topic filter, then exact/near deduplication, corpus append and DB record."""

from __future__ import annotations

import asyncio
import logging
import threading
from datetime import timedelta
from typing import Self

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from sqlalchemy.orm import Session

from corpus_folder.staging import CorpusWriteError
from crawler.crawl.items import ArticleItem
from crawler.crawl.services import Services, services_of
from crawler.neardup.fingerprint import Fingerprint
from crawler.parsers.base import NoArticle
from crawler.text import normalize_text
from crawler.timeutil import utc_now
from crawler.topic import Topic
from db import repository, revisions

logger = logging.getLogger(__name__)


class _Component:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._services: Services | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    @property
    def services(self) -> Services:
        if self._services is None:
            self._services = services_of(self.crawler)
        return self._services

    def _inc(self, key: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(key)

    def _remember(self, item: ArticleItem, status: str, **extra: object) -> None:
        with self.services.database.session() as session:
            _record_seen(session, item, status, **extra)


class TopicFilterPipeline(_Component):
    """Drop pages without a body and articles off the configured topic (remembering both)."""

    async def process_item(self, item: ArticleItem) -> ArticleItem:
        # The decision is pure and quick; only a rejection needs the database.
        rejection = self._rejection(item)
        if rejection is None:
            self._inc("newsmon/on_topic")
            item.on_topic = True
            return item
        status, message, extra = rejection
        item.decision, item.decision_detail = status, message.rsplit(": ", 1)[0]
        await self.services.run(lambda: self._remember(item, status, **extra))
        raise DropItem(message)

    def _no_article(self, item: ArticleItem) -> str:
        """Count and log why extraction gave no article (the extraction's own verdict)."""
        missing = item.missing or NoArticle("no_body")
        self._inc(f"newsmon/dropped/{missing.reason}")
        if missing.reason == "short_body":
            minimum = self.crawler.settings.getint("NEWSMON_MIN_BODY_CHARS")
            logger.info(
                "%s: short body in %s (%d < %d characters)",
                item.source,
                item.url,
                missing.length,
                minimum,
            )
            return f"short body ({missing.length} < {minimum} characters): {item.url}"
        logger.info("%s: no article body in %s", item.source, item.url)
        return f"no article body: {item.url}"

    def _rejection(self, item: ArticleItem) -> tuple[str, str, dict[str, object]] | None:
        """(seen status, reason, what to remember) when the item is not for the corpus."""
        extracted = item.extracted
        if extracted is None:
            if item.refused is not None:  # counted and logged where it was refused
                return item.refused, f"refused ({item.refused}): {item.url}", {}
            if item.gone:
                return "gone", f"no article body: {item.url}", {}
            return "no_body", self._no_article(item), {}
        topic: Topic | None = self.crawler.settings.get("NEWSMON_TOPIC")
        if topic is None:
            return None
        # The merger rule reads the article's date; an undated page is as new as its fetch.
        published = extracted.published_at or utc_now()
        decision = topic.decide(extracted.headline, "\n".join(extracted.paragraphs), published)
        if decision.matched:
            return None
        self._inc("newsmon/dropped/off_topic")
        # Enough to audit the rejection later (newsmon topic review) and to recheck it.
        extra: dict[str, object] = {
            "headline": extracted.headline,
            "topic_score": decision.score,
            "topic_missing": "\n".join(decision.missing or (decision.reason,)),
        }
        return "off_topic", f"off topic ({decision.reason}): {item.url}", extra


class CorpusPipeline(_Component):
    """Append on-topic articles to the corpus unless an exact or near copy is already there."""

    _closing: asyncio.Future[None] | None = None

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self._added_lock = threading.Lock()

    async def process_item(self, item: ArticleItem) -> ArticleItem:
        try:
            return await self.services.run(self._store, item)
        except DropItem:
            raise
        except CorpusWriteError as exc:
            # A full or broken disk: stop instead of failing every article that follows.
            self._fail(item, exc)
            self._stop(exc.reason)
            raise DropItem(f"not stored ({exc.reason}): {item.url}") from exc
        except Exception as exc:  # the URL stays unknown, so the next run tries it again
            self._fail(item, exc)
            raise DropItem(f"not stored: {item.url}") from exc

    def _stop(self, reason: str) -> None:
        try:
            engine = self.crawler.engine
        except RuntimeError:  # no crawl running (a component test)
            return
        if engine is not None and engine.spider is not None and self._closing is None:
            # Not awaited: closing waits for the items in flight, this one included.
            self._closing = asyncio.ensure_future(engine.close_spider_async(reason=reason))

    def _fail(self, item: ArticleItem, exc: BaseException) -> None:
        item.decision, item.decision_detail = "not_stored", str(exc)[:200]
        self._inc("newsmon/errors")
        # A full or read-only disk is the operator's to fix and says all in its message: one
        # line per article. Anything else is a defect, worth its traceback.
        trace = None if isinstance(exc, CorpusWriteError) else exc
        logger.error("%s: could not store %s: %s", item.source, item.url, exc, exc_info=trace)

    def _store(self, item: ArticleItem) -> ArticleItem:
        """The whole append, top to bottom: stage, lock, exact check, near check, row and
        seen URLs, file, commit; the near index learns the article while the lock is held."""
        assert item.extracted is not None
        text = item.text if item.text is not None else normalize_text(item.extracted.text)
        corpus, near = self.services.corpus, self.services.near
        fingerprint = None
        if near is not None:  # shingled once for query and add, by extraction when it could
            fingerprint = item.fingerprint if item.fingerprint is not None else Fingerprint.of(text)
        staged = corpus.stage(text)  # the slow fsync, outside the lock
        try:
            with corpus.transaction(staged) as append:
                earlier = append.exact_duplicate()
                if earlier is not None:
                    self._inc("newsmon/duplicate/exact")
                    item.decision, item.decision_detail = "duplicate", earlier.file_name
                    _record_seen(append.session, item, "duplicate", duplicate_of=earlier.file_name)
                    append.commit()
                    raise DropItem(f"duplicate of {earlier.file_name}: {item.url}")
                match = None
                if near is not None and fingerprint is not None:
                    match = near.query(fingerprint)
                if match is not None:
                    self._inc("newsmon/duplicate/near")
                    item.decision = "near_duplicate"
                    item.decision_detail = f"{match.key} ({match.similarity:.2f})"
                    _record_seen(
                        append.session, item, "near_duplicate",
                        duplicate_of=match.key, similarity=match.similarity,
                    )  # fmt: skip
                    append.commit()
                    raise DropItem(
                        f"near duplicate of {match.key} ({match.similarity:.2f}): {item.url}"
                    )
                article = append.add_article(
                    url=item.url, canonical_url=item.canonical_url, source=item.source,
                    headline=text.split("\n", 1)[0], published_at=item.extracted.published_at,
                    fetched_at=item.fetched_at,
                )  # fmt: skip
                _record_seen(append.session, item, "added", article_id=article.id)
                self._schedule_recheck(append.session, item, article.id)
                append.commit()
                item.decision, item.stored_as = "added", (article.seq, article.file_name)
                # Committed: the article is added whatever fails from here on.
                if fingerprint is not None:
                    self._index_near(item, article.file_name, fingerprint)
        finally:
            staged.release()
        self._added(item, article.file_name)
        return item

    def _schedule_recheck(self, session: Session, item: ArticleItem, article_id: int) -> None:
        """Queue the article's first re-check, with its page's validators, in the same commit."""
        first = self.crawler.settings.get("NEWSMON_RECHECK_FIRST")
        if first is None:
            return
        revisions.enqueue(
            session,
            article_id,
            item.fetched_at + timedelta(seconds=float(first)),
            repository.fetch_validator("etag", item.etag),
            repository.fetch_validator("last_modified", item.last_modified),
        )

    def _added(self, item: ArticleItem, name: str) -> None:
        self._inc("newsmon/added")
        stats = self.crawler.stats
        assert stats is not None
        # Appended in place (a copy per article grows with the run); writer threads run this
        # concurrently, so the first list is made under a lock.
        with self._added_lock:
            names = stats.get_value("newsmon/added_files")
            if names is None:
                stats.set_value("newsmon/added_files", [name])
            else:
                names.append(name)
        logger.info("%s: added %s (%s)", item.source, name, item.url)

    def _index_near(self, item: ArticleItem, name: str, fingerprint: Fingerprint) -> None:
        """After the commit the article is added, whatever fails here: a failure is its own
        error (the index is a cache; the next start adds the missing file from the corpus)."""
        assert self.services.near is not None
        try:
            self.services.near.add(name, fingerprint)
        except Exception as exc:
            self._inc("newsmon/errors")
            self._inc("newsmon/errors/near_index")
            logger.error("%s: stored %s, but the near-duplicate index was not updated: %s",
                         item.source, name, exc)  # fmt: skip


def _record_seen(session: Session, item: ArticleItem, status: str, **extra: object) -> None:
    """What became of the item's URL, under its canonical form and every URL redirected to it."""
    for url in (item.canonical_url, *item.redirected_from):
        repository.record_seen(session, url, item.url, item.source, status, **extra)  # type: ignore[arg-type]
