"""A newsmon set-up around the editing fixture outlet: config, database, corpus, fake clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from corpus_folder.store import CorpusStore
from crawler.config import AppConfig, load_config
from crawler.extraction_worker import extract_article
from db import repository, revisions
from db.session import Database
from scheduler.alerts import NullSender
from scheduler.recheck import CheckReport, Rechecker
from tests.integration.harness import write_config
from tests.revision_site import EditingOutlet, Story, story

T0 = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)


class Recorder(NullSender):
    def __init__(self) -> None:
        self.messages: list[tuple[str, dict[str, Any]]] = []

    def send(self, message: dict[str, Any], kind: str = "other") -> None:
        self.messages.append((kind, message))


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def outlet_config(
    tmp_path: Path,
    database_url: str,
    outlet: EditingOutlet,
    extra: str = "",
    env: dict[str, str] | None = None,
) -> AppConfig:
    path = write_config(
        tmp_path,
        database_url,
        f"""{extra}
[[sources]]
key = "outlet"
homepage = "{outlet.url("/")}"
feeds = ["{outlet.url("/rss")}"]
article_pattern = "articleView"
""",
    )
    return load_config(path, env=env or {})


@dataclass
class Env:
    config: AppConfig
    database: Database
    store: CorpusStore
    outlet: EditingOutlet
    clock: FakeClock

    def rechecker(self) -> Rechecker:
        return Rechecker(self.config, self.database, self.store, clock=self.clock)

    def first_fetch(self, idxno: int | Story) -> int:
        """Publish a story (`story(idxno)` for a number) and store it as the crawl would:
        text, row, queue entry, at the clock's time."""
        item = story(idxno) if isinstance(idxno, int) else idxno
        self.outlet.publish(item)
        answer = httpx.get(self.outlet.url(item.path))
        extraction = extract_article(answer.content, str(answer.url), "text/html", 100, False)
        assert extraction is not None
        added = self.store.append(
            extraction.text, url=str(answer.url), canonical_url=str(answer.url), source="outlet",
            headline=item.headline, published_at=None, fetched_at=self.clock.now,
        )  # fmt: skip
        assert added.seq is not None
        with self.database.session() as session:
            article = repository.article_by_seq(session, added.seq)
            assert article is not None
            first = self.config.revisions.recheck[0]
            revisions.enqueue(
                session, article.id, self.clock.now + timedelta(seconds=first),
                answer.headers.get("ETag"),
                None,
            )  # fmt: skip
            session.commit()
        return added.seq

    def check_at(self, after: timedelta) -> CheckReport:
        self.clock.now = T0 + after
        checker = self.rechecker()
        try:
            return checker.run()
        finally:
            checker.close()

    def revisions(self) -> list[revisions.RevisionRow]:
        with self.database.session() as session:
            return revisions.list_revisions(session)

    def queue(self) -> dict[int, tuple[int, datetime]]:
        from sqlalchemy import select

        from db.models import Recheck

        with self.database.session() as session:
            rows = session.scalars(select(Recheck)).all()
            return {row.article_id: (row.slot, row.due_at) for row in rows}
