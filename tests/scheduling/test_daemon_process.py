"""The real `newsmon daemon` in a subprocess, against fixture sites with every = "2s"."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import CrawlRun
from db.session import Database, open_database
from tests.fixture_server import FixtureSite, Page, serve
from tests.scheduling.daemon_harness import (
    FEED,
    corpus_texts,
    crawls_running,
    make_article,
    publish,
    run_newsmon,
    running_daemon,
    stray_files,
    wait_until,
    write_config,
)
from tests.scheduling.webhook_server import serve_webhook

pytestmark = pytest.mark.integration
INTERVAL = 2.0
CRAWL_BUDGET = 20.0  # a generous bound on one crawl's own duration (Scrapy start-up included)


def _runs(tmp_path: Path) -> list[tuple[str, str]]:
    database: Database = open_database(f"sqlite:///{tmp_path / 'newsmon.db'}", migrate=False)
    try:
        with database.session() as session:
            rows = session.execute(
                select(CrawlRun.source, CrawlRun.status).order_by(CrawlRun.started_at)
            ).all()
            return [(row[0], row[1]) for row in rows]
    finally:
        database.close()


def _texts(tmp_path: Path) -> set[bytes]:
    return set(corpus_texts(tmp_path / "corpus").values())


def _log(tmp_path: Path) -> str:
    return (tmp_path / "daemon.log").read_text(encoding="utf-8", errors="replace")


def test_new_feed_article_is_in_the_corpus_within_two_intervals(tmp_path: Path) -> None:
    first, second = make_article(1), make_article(2)
    with serve(FixtureSite()) as site, serve_webhook() as hook:
        publish(site, [first])
        config = write_config(
            tmp_path, {"alpha": site.url(FEED)}, every=f"{INTERVAL:g}s", webhook_url=hook.url
        )
        with running_daemon(config, tmp_path / "daemon.log"):
            assert wait_until(lambda: first.text.encode() in _texts(tmp_path), CRAWL_BUDGET), _log(
                tmp_path
            )
            publish(site, [first, second])
            added = time.monotonic()
            assert wait_until(
                lambda: second.text.encode() in _texts(tmp_path), 2 * INTERVAL * 1.1 + CRAWL_BUDGET
            ), _log(tmp_path)
            latency = time.monotonic() - added
            assert hook.wait_for(2), hook.texts()
    assert latency < 2 * INTERVAL * 1.1 + CRAWL_BUDGET
    assert ("alpha", "ok") in _runs(tmp_path)
    assert "Crawl alpha ok in" in _log(tmp_path)
    assert hook.texts()[:2] == ["alpha: 1 new article", "alpha: 1 new article"]
    assert second.headline in str(hook.received[1]["blocks"])
    assert "secret-token" not in _log(tmp_path)


def test_hanging_source_is_killed_at_its_timeout_while_another_keeps_adding(tmp_path: Path) -> None:
    articles = [make_article(n) for n in range(1, 4)]
    with serve(FixtureSite()) as good, serve(FixtureSite()) as hung:
        publish(good, articles[:1])
        hung.add(FEED, Page(b"<rss/>", "application/rss+xml", delay=120))
        config = write_config(
            tmp_path, {"alpha": good.url(FEED), "hang": hung.url(FEED)}, crawl_timeout="6s"
        )
        with running_daemon(config, tmp_path / "daemon.log"):
            for count in (2, 3):  # alpha goes on adding while hang is stuck
                publish(good, articles[:count])
                latest = articles[count - 1].text.encode()
                assert wait_until(lambda: latest in _texts(tmp_path), 30), _log(tmp_path)  # noqa: B023
            assert wait_until(lambda: ("hang", "timeout") in _runs(tmp_path), 30), _log(tmp_path)
            # polls with nothing new are quick: alpha's third run may come after hang's timeout
            assert wait_until(lambda: _runs(tmp_path).count(("alpha", "ok")) >= 3, 30)
    runs = _runs(tmp_path)
    assert ("hang", "ok") not in runs
    assert runs.count(("alpha", "ok")) >= 3
    assert "Crawl hang timeout" in _log(tmp_path)


def test_sigterm_stops_within_the_grace_period_and_exits_zero(tmp_path: Path) -> None:
    article = make_article(1)
    with serve(FixtureSite()) as hung:
        # the daemon's poll finds one new article; the crawl it starts hangs on its page
        publish(hung, [article], delay=120)
        config = write_config(tmp_path, {"hang": hung.url(FEED)}, stop_grace="3s")
        with running_daemon(config, tmp_path / "daemon.log") as daemon:
            assert wait_until(lambda: bool(hung.requested(article.path)), 30), _log(tmp_path)
            assert crawls_running(config)  # a crawl is in flight when the signal comes
            daemon.send_signal(signal.SIGTERM)
            try:
                code = daemon.wait(timeout=3 + 5 + 5)  # stop_grace + SIGTERM->SIGKILL + margin
            except subprocess.TimeoutExpired:
                pytest.fail("daemon did not stop within its grace period\n" + _log(tmp_path))
            assert code == 0, _log(tmp_path)
            assert wait_until(lambda: not crawls_running(config), 5)
    assert "Daemon stopped" in _log(tmp_path)


def test_sigkill_mid_crawl_then_restart_leaves_no_partial_file_and_loses_nothing(
    tmp_path: Path,
) -> None:
    articles = [make_article(n) for n in range(1, 31)]
    with serve(FixtureSite()) as site:
        publish(site, articles, delay=0.2)  # slow pages: the kill lands mid-crawl
        config = write_config(tmp_path, {"alpha": site.url(FEED)})
        with running_daemon(config, tmp_path / "daemon.log"):
            assert wait_until(lambda: len(_texts(tmp_path)) >= 3, 60), _log(tmp_path)
        # running_daemon's exit SIGKILLed the daemon and its crawl
        partial = len(_texts(tmp_path))
        assert partial < len(articles)
        with running_daemon(config, tmp_path / "daemon.log"):
            want = {a.text.encode() for a in articles}
            assert wait_until(lambda: _texts(tmp_path) >= want, 90), _log(tmp_path)
    corpus = tmp_path / "corpus"
    assert stray_files(corpus) == []
    assert len(corpus_texts(corpus)) == len(articles)  # each article exactly once
    # The last kill may land between a file's rename and its commit: a file without a row,
    # which the next use indexes (here `verify --repair`); never a row without a file.
    repair = run_newsmon("corpus", "verify", "--repair", "--config", str(config), cwd=tmp_path)
    assert repair.returncode == 0, repair.stdout + repair.stderr
    assert "missing files" not in repair.stdout
    verify = run_newsmon("corpus", "verify", "--config", str(config), cwd=tmp_path)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert len(corpus_texts(corpus)) == len(articles)


def test_sigterm_during_a_hung_poll_exits_zero_and_starts_no_crawl(tmp_path: Path) -> None:
    with serve(FixtureSite()) as hung:
        hung.add(FEED, Page(b"<rss/>", "application/rss+xml", delay=120))
        config = write_config(tmp_path, {"hang": hung.url(FEED)}, stop_grace="3s")
        with running_daemon(config, tmp_path / "daemon.log") as daemon:
            assert wait_until(lambda: bool(hung.requested(FEED)), 30), _log(tmp_path)
            assert not crawls_running(config)  # the daemon polls the feed itself
            daemon.send_signal(signal.SIGTERM)
            try:
                code = daemon.wait(timeout=3 + 5 + 5)
            except subprocess.TimeoutExpired:
                pytest.fail("daemon did not stop within its grace period\n" + _log(tmp_path))
            assert code == 0, _log(tmp_path)
    assert "Daemon stopped" in _log(tmp_path)
    assert ("hang", "killed") in _runs(tmp_path)
