"""A backlog of due re-checks is spread at the host's delay, never sent in a burst."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from corpus_folder.store import CorpusStore
from db import repository, revisions
from db.session import open_database
from scheduler.recheck import Rechecker
from tests.fixture_server import serve
from tests.revision_site import EditingOutlet, render, story
from tests.scheduling.revision_env import T0, FakeClock, outlet_config

pytestmark = pytest.mark.database
DUE = 500
DELAY = 0.01  # seconds: small, so the test stays quick; the spacing is what is checked


@pytest.fixture
def outlet() -> Iterator[EditingOutlet]:
    site = EditingOutlet()
    with serve(site):
        yield site


def test_500_due_at_once_honour_the_per_host_delay(
    tmp_path: Path, database_url: str, outlet: EditingOutlet
) -> None:
    config = outlet_config(
        tmp_path, database_url, outlet, env={"NEWSMON_CRAWL_DOWNLOAD_DELAY": f"{DELAY * 1000:g}ms"}
    )
    database = open_database(database_url)
    try:
        with database.session() as session:
            for idxno in range(1, DUE + 1):
                item = story(idxno)
                outlet.publish(item)
                page = render(item).encode("utf-8")
                ref = repository.add_article(
                    session, seq=idxno, file_name=f"{idxno:03d}_{'0' * 16}.txt",
                    content_hash=hashlib.sha256(page).hexdigest(), url=outlet.url(item.path),
                    canonical_url=outlet.url(item.path), source="outlet", headline=item.headline,
                    published_at=None, fetched_at=T0, origin="crawl",
                )  # fmt: skip
                etag = f'"{hashlib.sha256(page).hexdigest()[:16]}"'  # the page is unchanged
                revisions.enqueue(session, ref.id, T0 + timedelta(hours=1), etag, None)
            session.commit()
        # The daemon was down for a day: every one of them is due at once.
        store = CorpusStore(config.corpus.dir, database)
        checker = Rechecker(config, database, store, clock=FakeClock(T0 + timedelta(days=1)))
        try:
            report = checker.run()
        finally:
            checker.close()
    finally:
        database.close()
    assert report.due == DUE and report.not_modified == DUE
    times = [entry.at for entry in outlet.log]  # robots.txt and every article, in order
    assert len(times) == DUE + 1
    # The server notes a request when its handler thread runs, a few ms late on a busy machine,
    # so single gaps jitter; any ten consecutive requests still span ten delays, less jitter.
    spans = [times[k + 10] - times[k] for k in range(len(times) - 10)]
    assert min(spans) >= 9 * DELAY
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert min(gaps) > 0.1 * DELAY  # never two at once
    assert times[-1] - times[0] >= DUE * DELAY * 0.95
