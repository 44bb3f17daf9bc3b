"""The real `newsmon backfill` against a 24-month fixture outlet and a fixture web archive."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from crawler.timeutil import KST
from tests.backfill_site import (
    PER_PAGE,
    QUIET_MONTH,
    Archive,
    Outlet,
    Story,
    config_body,
    expected,
    stories,
)
from tests.fixture_server import serve
from tests.integration.harness import REPO, SEEDS, run_newsmon, write_config

pytestmark = pytest.mark.integration

SINCE, UNTIL = date(2025, 3, 1), date(2025, 8, 31)
WINDOW = ("--since", SINCE.isoformat(), "--until", UNTIL.isoformat())
ITEMS = stories()


@contextmanager
def fixture(workdir: Path, database_url: str) -> Iterator[tuple[Outlet, Archive, Path]]:
    outlet = Outlet(ITEMS)
    archive = Archive(outlet)
    with serve(outlet), serve(archive):
        config = write_config(workdir, database_url, config_body(outlet, archive))
        yield outlet, archive, config


def backfill(config: Path, workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_newsmon("backfill", "--config", str(config), *WINDOW, *args, cwd=workdir)


def new_texts(workdir: Path) -> list[str]:
    seeds = {s.name for s in SEEDS}
    corpus = workdir / "corpus"
    return [p.read_text("utf-8") for p in sorted(corpus.glob("*.txt")) if p.name not in seeds]


def story_of(path: str) -> Story:
    return next(s for s in ITEMS if s.article.path == path)


def sqlite(workdir: Path) -> str:
    return f"sqlite:///{workdir / 'newsmon.db'}"


@pytest.mark.parametrize("door", ["search", "listing", "sitemap", "gnews", "archive"])
def test_each_door_adds_exactly_the_on_topic_articles_of_the_window(
    workdir: Path, door: str
) -> None:
    with fixture(workdir, sqlite(workdir)) as (outlet, _, config):
        result = backfill(config, workdir, "--via", door, "--json")
        assert result.returncode == 0, result.stderr[-3000:]
        texts = new_texts(workdir)
        assert sorted(texts) == sorted(expected(ITEMS, SINCE, UNTIL))
        fetched = outlet.article_requests()
        assert len(fetched) == len(set(fetched))  # no page asked twice
        if door != "archive":  # the other doors show each item's date: nothing else is fetched
            assert all(SINCE <= story_of(path).day <= UNTIL for path in fetched)
        else:  # the original URLs are not asked: the captures are replayed
            assert fetched == []
        (report,) = json.loads(result.stdout)
        assert report["added"] == len(texts) and report["doors"][door]["complete"] == 1

        outlet.clear_log()
        again = backfill(config, workdir, "--via", door, "--json")
        assert again.returncode == 0, again.stderr[-3000:]
        assert json.loads(again.stdout)[0]["added"] == 0
        assert outlet.requested("/news/") == []  # the job is done: not even a listing


def test_the_listing_is_walked_back_to_the_window_and_no_further(workdir: Path) -> None:
    with fixture(workdir, sqlite(workdir)) as (outlet, _, config):
        result = backfill(config, workdir, "--via", "listing")
        assert result.returncode == 0, result.stderr[-3000:]
    newest_first = outlet.stories
    first_older = next(i for i, s in enumerate(newest_first) if s.day < SINCE)
    pages = [int(p.rpartition("page=")[2]) for p in outlet.requested("/news/articleList.html")]
    assert pages == list(range(1, first_older // PER_PAGE + 2))


def test_a_list_without_dates_ends_where_its_articles_leave_the_window(workdir: Path) -> None:
    with fixture(workdir, sqlite(workdir)) as (outlet, _, config):
        outlet.dated_list = False
        result = backfill(config, workdir, "--via", "listing")
        assert result.returncode == 0, result.stderr[-3000:]
    assert sorted(new_texts(workdir)) == sorted(expected(ITEMS, SINCE, UNTIL))
    first_older = next(i for i, s in enumerate(outlet.stories) if s.day < SINCE)
    pages = [int(p.rpartition("page=")[2]) for p in outlet.requested("/news/articleList.html")]
    # through the page holding the window's start, then the first page all older, no further
    last = first_older // PER_PAGE + 1 + (first_older % PER_PAGE != 0)
    assert pages == list(range(1, last + 1))


def test_every_door_together_and_the_ledger(workdir: Path, database_url: str) -> None:
    with fixture(workdir, database_url) as (outlet, archive, config):
        result = backfill(config, workdir, "--json")
        assert result.returncode == 0, result.stderr[-3000:]
        assert sorted(new_texts(workdir)) == sorted(expected(ITEMS, SINCE, UNTIL))
        fetched = outlet.article_requests() + archive.requested("/web/")
        assert all(n == 1 for n in Counter(p.rpartition("idxno=")[2] for p in fetched).values())
        ledger = run_newsmon("coverage", "--config", str(config), "--json", cwd=workdir)
    assert ledger.returncode == 0, ledger.stderr
    (source,) = json.loads(ledger.stdout)
    months = {cell["period"]: cell for cell in source["months"]}
    assert sorted(months) == [f"2025-0{m}" for m in range(3, 9)]
    assert not any(cell["gap"] for cell in months.values())
    quiet = months[QUIET_MONTH]  # listed, nothing on topic: a finding, not a gap
    assert quiet["listed"] > 0 and quiet["on_topic"] == 0 and quiet["added"] == 0
    assert {"search", "listing", "sitemap"} <= set(months["2025-04"]["doors"])
    assert sum(cell["added"] for cell in months.values()) == len(expected(ITEMS, SINCE, UNTIL))
    # the corpus's own count agrees: every article added is dated in its month
    assert all(cell["corpus"] == cell["added"] for cell in months.values())


def test_a_month_no_door_reached_is_a_gap(workdir: Path) -> None:
    with fixture(workdir, sqlite(workdir)) as (outlet, _, config):
        outlet.removed |= {"/sitemap-2025-06.xml", "/sitemap-2025-07.xml"}  # two lost months
        result = backfill(config, workdir, "--via", "sitemap")
        ledger = run_newsmon("coverage", "--config", str(config), "--json", cwd=workdir)
    assert result.returncode == 0, result.stderr[-3000:]
    (source,) = json.loads(ledger.stdout)
    gaps = sorted(cell["period"] for cell in source["months"] if cell["gap"])
    assert gaps == ["2025-06", "2025-07"]


def test_the_last_ninety_days_are_kept_day_by_day(workdir: Path) -> None:
    today = datetime.now(KST).date()  # the ledger's days are Korean days
    start = (today.replace(day=1) - timedelta(days=40)).replace(day=1)
    recent = stories(months=3, start=start)
    outlet = Outlet(recent)
    archive = Archive(outlet)
    with serve(outlet), serve(archive):
        config = write_config(workdir, sqlite(workdir), config_body(outlet, archive))
        since = today - timedelta(days=60)
        result = run_newsmon(
            "backfill", "--config", str(config), "--since", since.isoformat(),
            "--via", "listing", cwd=workdir,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr[-3000:]
    ledger = run_newsmon("coverage", "--config", str(config), "--json", cwd=workdir)
    (source,) = json.loads(ledger.stdout)
    days = {cell["period"]: cell for cell in source["days"]}
    assert min(days) == since.isoformat() and max(days) == today.isoformat()
    assert not any(cell["gap"] for cell in days.values())  # the walk passed every day
    added = {s.day.isoformat() for s in recent if s.on_topic and s.day >= since}
    assert {p for p, cell in days.items() if cell["added"]} == added
    text_view = run_newsmon("coverage", "--config", str(config), "--days", cwd=workdir)
    assert today.isoformat() in text_view.stdout


def test_a_removed_page_is_recovered_from_its_archived_capture(workdir: Path) -> None:
    lost = next(s for s in ITEMS if s.on_topic and s.month == "2025-04")
    with fixture(workdir, sqlite(workdir)) as (outlet, archive, config):
        outlet.removed.add(lost.article.path)
        result = backfill(config, workdir, "--via", "listing", "--via", "archive")
        assert result.returncode == 0, result.stderr[-3000:]
        assert lost.article.path in outlet.article_requests()  # asked live first: 404
        original = outlet.url(lost.article.path)
    assert sorted(new_texts(workdir)) == sorted(expected(ITEMS, SINCE, UNTIL))
    engine = create_engine(sqlite(workdir))
    with engine.connect() as db:
        row = db.execute(
            text(
                "SELECT a.url, c.original_url, c.archive_url, c.captured_at FROM articles a "
                "JOIN archive_captures c ON c.article_id = a.id"
            )
        ).one()
    engine.dispose()
    assert row.url == row.original_url == original
    assert row.archive_url.startswith(archive.url("/web/")) and "id_/" in row.archive_url
    assert str(row.captured_at).startswith((lost.day.replace(day=lost.day.day + 1)).isoformat())


def test_common_crawl_alone_recovers_a_removed_page(workdir: Path) -> None:
    lost = next(s for s in ITEMS if s.on_topic and s.month == "2025-06")
    with fixture(workdir, sqlite(workdir)) as (outlet, archive, config):
        text_of = config.read_text("utf-8")
        common_crawl = (
            'wayback_cdx = ""\n'  # the Wayback Machine off: only Common Crawl answers
            f'commoncrawl_index = "{archive.url("/cc-index")}"\n'
            f'commoncrawl_data = "{archive.url("/cc-data/")}"'
        )
        wayback = f'wayback_cdx = "{archive.url("/cdx")}"'
        config.write_text(text_of.replace(wayback, common_crawl), "utf-8")
        outlet.removed.add(lost.article.path)
        result = backfill(config, workdir, "--via", "archive")
        assert result.returncode == 0, result.stderr[-3000:]
        assert archive.requested("/cdx") == [] and archive.requested("/cc-index")
    assert sorted(new_texts(workdir)) == sorted(expected(ITEMS, SINCE, UNTIL))
    engine = create_engine(sqlite(workdir))
    with engine.connect() as db:
        urls = db.execute(text("SELECT archive_url FROM archive_captures")).scalars().all()
    engine.dispose()
    assert len(urls) == len(expected(ITEMS, SINCE, UNTIL))
    assert all(u.startswith(archive.url("/cc-data/")) and "#bytes=" in u for u in urls)


def test_the_naver_door_pages_back_to_the_window_with_keys(workdir: Path) -> None:
    with fixture(workdir, sqlite(workdir)) as (outlet, archive, config):
        naver = (
            f'[[sources]]\nkey = "naver"\nsearch_url = "{archive.url("/v1/search/news.json")}"\n'
        )
        config.write_text(config.read_text("utf-8") + naver, "utf-8")
        args = ("backfill", "--config", str(config), *WINDOW, "--via", "naver")
        without = run_newsmon(*args, cwd=workdir)
        keys = {"NEWSMON_NAVER_CLIENT_ID": "id", "NEWSMON_NAVER_CLIENT_SECRET": "secret"}
        with_keys = run_newsmon(*args, "--json", cwd=workdir, env=keys)
        assert with_keys.returncode == 0, with_keys.stderr[-3000:]
        fetched = outlet.article_requests()
    assert without.returncode == 2 and "NEWSMON_NAVER_CLIENT_ID" in without.stderr
    assert archive.requested("/v1/") and sorted(new_texts(workdir)) == sorted(
        expected(ITEMS, SINCE, UNTIL)
    )
    assert all(SINCE <= story_of(path).day <= UNTIL for path in fetched)


def test_a_dry_run_fetches_no_article(workdir: Path) -> None:
    with fixture(workdir, sqlite(workdir)) as (outlet, archive, config):
        result = backfill(config, workdir, "--dry-run")
        assert result.returncode == 0, result.stderr[-3000:]
        assert outlet.article_requests() == [] and archive.requested("/web/") == []
        assert outlet.requested("/news/articleList.html")  # discovery pages only
        ledger = run_newsmon("coverage", "--config", str(config), cwd=workdir)
    assert "would fetch" in result.stdout and "2025-04" in result.stdout
    assert new_texts(workdir) == []
    assert "no backfill has run yet" in ledger.stdout  # no job opened, no cursor moved


def _start(config: Path, workdir: Path, *args: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSMON_")}
    return subprocess.Popen(
        [sys.executable, "-m", "newsmon", *args, "--config", str(config)],
        cwd=workdir, env={**env, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _job(workdir: Path) -> tuple[str, list[str]]:
    engine = create_engine(sqlite(workdir))
    with engine.connect() as db:
        status, cursor = db.execute(text("SELECT status, cursor FROM backfill_jobs")).one()
    engine.dispose()
    return status, json.loads(cursor)["done"]


def _added_urls(workdir: Path) -> set[str]:
    engine = create_engine(sqlite(workdir))
    with engine.connect() as db:
        urls = db.execute(text("SELECT url FROM seen_urls WHERE status = 'added'")).scalars()
        found = set(urls)
    engine.dispose()
    return found


def test_a_sigkill_and_a_rerun_leave_every_article_once(workdir: Path) -> None:
    with fixture(workdir, sqlite(workdir)) as (outlet, _, config):
        run_newsmon("db", "upgrade", "--config", str(config), cwd=workdir)
        outlet.hang_after = 6  # the outlet stalls after six articles: the kill lands mid-walk
        process = _start(config, workdir, "backfill", *WINDOW, "--via", "listing")
        deadline = time.monotonic() + 90
        while len(_added_urls(workdir)) < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)  # the stalled requests are in flight
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)
        stored_urls = _added_urls(workdir)
        assert 3 <= len(stored_urls) < len(expected(ITEMS, SINCE, UNTIL))
        status, done_before = _job(workdir)
        assert status == "running" and done_before  # the cursor moved past the first pages
        before = set(outlet.article_requests())
        outlet.clear_log()
        outlet.hang_after = None
        result = backfill(config, workdir, "--via", "listing")
        assert result.returncode == 0, result.stderr[-3000:]
        again = outlet.article_requests()
    texts = new_texts(workdir)
    assert sorted(texts) == sorted(expected(ITEMS, SINCE, UNTIL))  # each once
    stored_paths = {url.partition("/news/")[1] + url.partition("/news/")[2] for url in stored_urls}
    assert stored_paths and not stored_paths & set(again)  # nothing stored is fetched again
    assert len(before | set(again)) == len(before) + len(set(again) - before)
    status, done_after = _job(workdir)
    assert status == "done" and set(done_before) <= set(done_after)


def test_a_crawl_at_the_same_time_is_safe(workdir: Path) -> None:
    with fixture(workdir, sqlite(workdir)) as (_, _, config):
        run_newsmon("db", "upgrade", "--config", str(config), cwd=workdir)
        processes = [
            _start(config, workdir, "backfill", *WINDOW, "--json"),
            _start(config, workdir, "crawl", "--json"),
        ]
        outputs = [p.communicate(timeout=180) for p in processes]
        assert [p.returncode for p in processes] == [0, 0], [e[-2000:] for _, e in outputs]
        verify = run_newsmon("corpus", "verify", "--config", str(config), cwd=workdir)
    texts = new_texts(workdir)
    assert len(texts) == len(set(texts))  # no article twice
    assert set(texts) == {s.article.text for s in ITEMS if s.on_topic}  # the crawl took all
    names = sorted(p.name for p in (workdir / "corpus").glob("*.txt"))
    assert [int(n[:3]) for n in names] == list(range(len(names)))  # no shared number
    assert verify.returncode == 0, verify.stdout + verify.stderr
