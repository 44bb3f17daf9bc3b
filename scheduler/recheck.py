"""Re-checks of stored articles: what is due, fetched politely, judged, and recorded.

A re-check is one conditional GET (`recheck_fetch`). A 304 ends it. A body is extracted as the
crawl extracts it and compared with the latest stored version (`crawler.revisions.compare`);
only a change of the article's own lines is a revision. A 404/410, or a redirect to the front
page, to another site or to an unrelated page, is a retraction. A failure (timeout, 5xx, an
answer without an article at the same URL) records nothing: the next slot tries again.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, fields
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from corpus_folder.replace import ReplaceError, replace_text
from corpus_folder.revision_texts import read_version, write_version
from corpus_folder.store import CorpusStore, corpus_name
from crawler.config import AppConfig
from crawler.extraction_worker import extract_article
from crawler.probes.fetch import HttpFetcher
from crawler.revisions.compare import Change, compare, is_front_page, same_story
from crawler.revisions.schedule import next_slot
from crawler.scope import source_domains, url_domain
from crawler.sources import Source
from crawler.timeutil import utc_now
from crawler.urls import canonical_url
from db import repository, revisions
from db.models import RevisionKind
from db.revisions import DueCheck
from db.session import Database
from scheduler.poll import FETCHER_TTL
from scheduler.recheck_fetch import Answer, HostPacer, Validators, fetch_article

logger = logging.getLogger(__name__)

BATCH = 2000  # due re-checks taken per run; the rest stay due for the next run
PARALLEL_HOSTS = 4  # hosts re-checked at once (each one sequentially, at its delay)
GONE = frozenset({404, 410})


@dataclass
class CheckReport:
    """What one run of re-checks did."""

    due: int = 0
    requests: int = 0
    not_modified: int = 0
    unchanged: int = 0
    revised: int = 0
    headline: int = 0
    retracted: int = 0
    failed: int = 0
    skipped: int = 0  # robots.txt forbids it now, or the daemon stopped first
    queued: int = 0  # articles still on the schedule after the run (the queue's size)

    def add(self, other: CheckReport) -> None:
        for name in (f.name for f in fields(self)):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class Verdict:
    """How one re-check ends: nothing, a change, a retraction, or a failure (retry later)."""

    outcome: str  # not_modified | unchanged | revised | headline | retracted | failed | skipped
    change: Change | None = None
    text: str | None = None
    detail: str | None = None

    @property
    def kind(self) -> RevisionKind | None:
        """The revision to record, if this outcome is one."""
        if self.outcome == "retracted":
            return "retracted"
        return self.change.kind if self.change is not None else None


@dataclass
class Rechecker:
    """Runs the due re-checks; one instance lives as long as the daemon (its pacer with it)."""

    config: AppConfig
    database: Database
    store: CorpusStore
    pacer: HostPacer = field(default_factory=HostPacer)
    stop: threading.Event = field(default_factory=threading.Event)
    clock: Callable[[], datetime] = utc_now
    _fetchers: dict[str, tuple[float, HttpFetcher]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self, limit: int = BATCH) -> CheckReport:
        """Re-check what is due now, each host at its own delay; returns the counts."""
        report = CheckReport()
        slots = self.config.revisions.recheck
        if not slots:
            return report
        with self.database.session() as session:
            due = revisions.due(session, self.clock(), limit)
        report.due = len(due)
        by_host: dict[str, list[DueCheck]] = defaultdict(list)
        for item in due:
            by_host[urlsplit(item.url).netloc.lower()].append(item)
        if not by_host:
            return report
        with ThreadPoolExecutor(min(PARALLEL_HOSTS, len(by_host))) as pool:
            for part in pool.map(self._host, by_host.values()):
                report.add(part)
        with self.database.session() as session:
            report.queued = revisions.queue_size(session)
        logger.info("Re-checks: %s", report.as_dict())
        return report

    def close(self) -> None:
        with self._lock:
            for _, fetcher in self._fetchers.values():
                fetcher.close()
            self._fetchers.clear()

    def _host(self, items: list[DueCheck]) -> CheckReport:
        report = CheckReport()
        for item in items:
            if self.stop.is_set():
                report.skipped += 1
                continue
            try:
                self.check(item, report)
            except Exception:  # one article's failure is never the run's
                logger.exception("Re-check of %s failed", item.url)
                report.failed += 1
        return report

    def check(self, item: DueCheck, report: CheckReport) -> None:
        """Re-check one article and record what it shows."""
        if self.config.revisions.corpus == "latest":
            self._catch_up_corpus(item)
        source = self._source(item.source)
        answer = self._fetch(item, source)
        report.requests += answer.requests
        if answer.stopped:
            report.skipped += 1
            return  # still due: the next run asks
        now = self.clock()
        try:
            verdict = self._judge(item, source, answer)
        except Exception as exc:  # a page that breaks the parser, a stored text gone: next slot
            logger.exception("Re-check of %s could not be judged", item.url)
            verdict = Verdict("failed", detail=f"{type(exc).__name__}: {exc}")
        setattr(report, verdict.outcome, getattr(report, verdict.outcome) + 1)
        self._record(item, answer, verdict, now)

    def _source(self, key: str | None) -> Source | None:
        return next((s for s in self.config.sources if s.key == key), None)

    def _fetch(self, item: DueCheck, source: Source | None) -> Answer:
        domains = source_domains(source) if source is not None else frozenset()
        domains = domains or frozenset({url_domain(item.url)})
        delay = self.config.crawl.download_delay
        if source is not None and source.download_delay is not None:
            delay = source.download_delay
        fetcher = self._fetcher(source.tls_ciphers if source is not None else "")
        return fetch_article(
            fetcher,
            item.url,
            Validators(item.etag, item.last_modified),
            domains,
            lambda host: self.pacer.wait(host, delay, self.stop),
        )

    def _fetcher(self, ciphers: str) -> HttpFetcher:
        """One client per TLS setting, renewed hourly as the poller's (robots.txt read again)."""
        now = time.monotonic()
        with self._lock:
            held = self._fetchers.get(ciphers)
            if held is not None and now - held[0] < FETCHER_TTL:
                return held[1]
            # An expired client is dropped, not closed: another host's thread may be using it.
            crawl = self.config.crawl
            fetcher = HttpFetcher(
                crawl.agent, timeout=crawl.timeout,
                max_bytes=crawl.max_page_bytes, obey_robots=crawl.obey_robots,
                tls_ciphers=ciphers,
            )  # fmt: skip
            self._fetchers[ciphers] = (now, fetcher)
            return fetcher

    def _judge(self, item: DueCheck, source: Source | None, answer: Answer) -> Verdict:
        if answer.disallowed:
            return Verdict("skipped", detail="disallowed by robots.txt")
        if answer.off_scope:
            return Verdict("retracted", detail=f"redirected to another site: {answer.url}")
        if answer.error is not None or answer.status is None:
            return Verdict("failed", detail=answer.error or "no answer")
        if answer.status == 304:
            return Verdict("not_modified")
        if answer.status in GONE:
            where = f" at {answer.url}" if answer.redirected else ""
            return Verdict("retracted", detail=f"HTTP {answer.status}{where}")
        if answer.status != 200:
            return Verdict("failed", detail=f"HTTP {answer.status}")
        moved = answer.redirected and canonical_url(answer.url) != canonical_url(item.url)
        if moved and is_front_page(answer.url, source.homepage if source else None):
            return Verdict("retracted", detail=f"redirected to the front page: {answer.url}")
        return self._judge_body(item, answer, moved)

    def _judge_body(self, item: DueCheck, answer: Answer, moved: bool) -> Verdict:
        extraction = extract_article(
            answer.body, answer.url, answer.content_type, self.config.crawl.min_body_chars, False
        )
        if extraction is None:
            if moved:
                return Verdict("retracted", detail=f"redirected to a page without an article: "
                                                   f"{answer.url}")  # fmt: skip
            return Verdict("failed", detail="no article in the page")
        stored = self._latest_text(item)
        if moved and not same_story(stored, extraction.text):
            return Verdict("retracted", detail=f"redirected to an unrelated page: {answer.url}")
        change = compare(stored, extraction.text)
        if change is None:
            return Verdict("unchanged")
        return Verdict(change.kind, change, extraction.text)

    def _latest_text(self, item: DueCheck) -> str:
        with self.database.session() as session:
            path = revisions.latest_text_path(session, item.article_id)
        if path is not None:
            return read_version(self.store.state_dir, path)
        return (self.store.directory / item.file_name).read_text(encoding="utf-8")

    def _record(self, item: DueCheck, answer: Answer, verdict: Verdict, now: datetime) -> None:
        """The revision (if any) and the article's next slot in one commit; the new text is
        written before it, so a row never names a missing file."""
        upcoming = None
        if verdict.outcome != "retracted":  # a retracted article is watched no more
            upcoming = next_slot(item.fetched_at, self.config.revisions.recheck, now, item.slot)
        slot, due_at = upcoming if upcoming is not None else (None, None)
        state = self._queue_state(item, answer, verdict, now)
        if verdict.outcome in ("failed", "skipped"):
            logger.info("Re-check of %s: %s (%s)", item.url, verdict.outcome, verdict.detail)
        path = None
        if verdict.text is not None:
            path = write_version(self.store.state_dir, item.seq, now, verdict.text)
        with self.database.session() as session:
            if verdict.kind is not None:
                self._add_revision(session, item, answer, verdict, now, path)
            revisions.advance(session, item.article_id, slot, due_at, **state)
            session.commit()
        if verdict.text is not None and self.config.revisions.corpus == "latest":
            self._follow(item, verdict.text)

    @staticmethod
    def _queue_state(
        item: DueCheck, answer: Answer, verdict: Verdict, now: datetime
    ) -> dict[str, object]:
        """What the queue row keeps: the check's time, the page's new validators or the error."""
        state: dict[str, object] = {"checked_at": now}
        if verdict.outcome == "failed":
            state |= {"failures": item.failures + 1, "last_error": verdict.detail}
        elif answer.status == 200:
            state |= {
                "etag": repository.fetch_validator("etag", answer.etag),
                "last_modified": repository.fetch_validator("last_modified", answer.last_modified),
                "last_error": None,
            }
        return state

    @staticmethod
    def _add_revision(session: Session, item: DueCheck, answer: Answer, verdict: Verdict,
                      now: datetime, path: str | None) -> None:  # fmt: skip
        change, kind = verdict.change, verdict.kind
        assert kind is not None
        values: dict[str, object] = {"url": answer.url, "detail": verdict.detail}
        if change is not None and verdict.text is not None:
            values |= {
                "headline_old": change.headline_old, "headline_new": change.headline_new,
                "lines_added": change.lines_added, "lines_removed": change.lines_removed,
                "tokens_changed": change.tokens_changed, "text_path": path,
                "content_hash": hashlib.sha256(verdict.text.encode("utf-8")).hexdigest(),
            }  # fmt: skip
        revisions.add_revision(session, item.article_id, kind, now, **values)
        logger.info("Article %03d (%s): %s%s", item.seq, item.url, kind,
                    f" ({verdict.detail})" if verdict.detail else "")  # fmt: skip

    def _catch_up_corpus(self, item: DueCheck) -> None:
        """A revision recorded by a process that died before it replaced the corpus file: the
        file follows it now (the revision row is committed first, so nothing is lost)."""
        with self.database.session() as session:
            latest = revisions.latest_version(session, item.article_id)
            if latest is None or latest.text_path is None or latest.content_hash is None:
                return
            path, digest = latest.text_path, latest.content_hash
        if corpus_name(item.seq, digest) != item.file_name:
            self._follow(item, read_version(self.store.state_dir, path))

    def _follow(self, item: DueCheck, text: str) -> None:
        """corpus = "latest": the corpus file becomes the new version (same number)."""
        try:
            replaced = replace_text(self.store, item.seq, text)
        except ReplaceError as exc:
            logger.warning("Corpus file %03d kept: %s", item.seq, exc)
            return
        if replaced is None:
            return
        with self.database.session() as session:
            revisions.note_replaced(session, item.article_id, replaced.old_name)
            session.commit()
        logger.info("Corpus file %s now %s", replaced.old_name, replaced.new_name)
