"""Repository functions on both backends: lookups, upserts, runs and fetch state."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from db import repository as repo
from db.models import Article
from db.session import Database
from tests import queries

pytestmark = pytest.mark.database

T0 = datetime(2025, 6, 3, 8, 0, tzinfo=UTC)


def _article(seq: int, **overrides: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "seq": seq,
        "file_name": f"{seq:03d}_{seq:016x}.txt",
        "content_hash": f"{seq:064x}",
        "url": f"https://news.example.kr/{seq}",
        "canonical_url": f"https://news.example.kr/{seq}",
        "source": "example",
        "headline": f"기사 {seq}",
        "published_at": None,
        "fetched_at": T0 + timedelta(hours=seq),
        "origin": "crawl",
    }
    return {**fields, **overrides}


def test_max_seq_is_minus_one_when_empty(database: Database) -> None:
    with database.session() as session:
        assert repo.max_seq(session) == -1


def test_max_seq_counts_missing_rows(database: Database) -> None:
    with database.session() as session:
        repo.add_article(session, **_article(3))
        repo.add_article(session, **_article(7, missing=True))
    with database.session() as session:
        assert repo.max_seq(session) == 7


def test_article_lookups(database: Database) -> None:
    with database.session() as session:
        added = repo.add_article(session, **_article(4))
    with database.session() as session:
        by_hash = repo.article_by_hash(session, f"{4:064x}")
        by_name = queries.article_by_file_name(session, added.file_name)
        assert by_hash is not None and by_name is not None
        assert (by_hash.id, by_name.id) == (added.id, added.id)
        assert repo.article_by_hash(session, "0" * 63 + "f") is None


def test_articles_since_is_inclusive_and_ordered(database: Database) -> None:
    with database.session() as session:
        for seq in (2, 0, 1):
            repo.add_article(session, **_article(seq))
    with database.session() as session:
        found = queries.articles_since(session, T0 + timedelta(hours=1))
        assert [article.seq for article in found] == [1, 2]


def test_known_urls_handles_inputs_larger_than_one_chunk(database: Database) -> None:
    urls = [f"https://news.example.kr/{n}" for n in range(repo.CHUNK_SIZE * 2 + 37)]
    with database.session() as session:
        for url in urls[::3]:
            repo.record_seen(session, url, url, "example", "off_topic")
    with database.session() as session:
        assert repo.known_urls(session, urls) == set(urls[::3])
        assert repo.known_urls(session, []) == set()


def test_record_seen_updates_but_keeps_first_sighting_and_article(database: Database) -> None:
    url = "https://news.example.kr/1"
    with database.session() as session:
        article = repo.add_article(session, **_article(1))
        repo.record_seen(session, url, url, "example", "added", article_id=article.id, seen_at=T0)
    later = T0 + timedelta(days=1)
    with database.session() as session:
        repo.record_seen(
            session, url, url + "?amp", "example", "duplicate",
            duplicate_of=article.file_name, similarity=0.97, seen_at=later,
        )  # fmt: skip
    with database.session() as session:
        row = queries.seen_url(session, url)
        assert row is not None
        assert (row.status, row.url, row.article_id) == ("duplicate", url + "?amp", article.id)
        assert row.duplicate_of == article.file_name
        assert row.similarity == pytest.approx(0.97)
        assert (row.first_seen_at, row.last_seen_at) == (T0, later)


def test_crawl_run_lifecycle(database: Database) -> None:
    with database.session() as session:
        run = repo.start_run(session, "jnilbo", T0)
    assert run.status == "running"
    with database.session() as session:
        added = ["005_aaaaaaaaaaaaaaaa.txt", "006_bbbbbbbbbbbbbbbb.txt"]
        finished = T0 + timedelta(minutes=3)
        repo.finish_run(
            session, run, "ok", {"discovered": 12, "added": 2}, None, added, finished_at=finished
        )
    with database.session() as session:
        (stored,) = repo.recent_runs(session, "jnilbo")
        assert (stored.status, stored.discovered, stored.added, stored.errors) == ("ok", 12, 2, 0)
        assert json.loads(stored.added_files or "") == added
        assert stored.finished_at == finished


def test_finish_run_rejects_unknown_counters(database: Database) -> None:
    with database.session() as session:
        run = repo.start_run(session, "jnilbo", T0)
        with pytest.raises(ValueError, match="fetchd"):
            repo.finish_run(session, run, "failed", {"fetchd": 1})


def test_recent_runs_newest_first_and_filtered(database: Database) -> None:
    with database.session() as session:
        for hour, source in enumerate(["a", "b", "a", "a"]):
            repo.start_run(session, source, T0 + timedelta(hours=hour))
    with database.session() as session:
        latest = repo.recent_runs(session, "a", limit=2)
        assert [run.started_at.hour for run in latest] == [11, 10]
        assert len(repo.recent_runs(session)) == 4


def test_fetch_state_insert_then_replace(database: Database) -> None:
    feed = "https://www.jnilbo.com/rss/allArticle.xml"
    with database.session() as session:
        assert repo.get_fetch_state(session, feed) is None
        repo.put_fetch_state(session, feed, '"v1"', "Tue, 03 Jun 2025 08:00:00 GMT", T0)
        assert repo.get_fetch_state(session, feed) is not None
        replaced = repo.put_fetch_state(session, feed, '"v2"', None, T0 + timedelta(hours=1))
        assert (replaced.etag, replaced.last_modified) == ('"v2"', None)
    with database.session() as session:
        state = repo.get_fetch_state(session, feed)
        assert state is not None
        assert (state.etag, state.checked_at) == ('"v2"', T0 + timedelta(hours=1))


def test_fetch_validators_are_kept_as_the_columns_can_hold_them(database: Database) -> None:
    assert repo.fetch_validator("etag", '  "abc"  ') == '"abc"'
    assert repo.fetch_validator("etag", "x" * 256) == "x" * 256
    assert repo.fetch_validator("etag", "x" * 257) is None  # useless, not an error
    assert repo.fetch_validator("last_modified", "y" * 129) is None
    assert (
        repo.fetch_validator("etag", "   ") is None and repo.fetch_validator("etag", None) is None
    )
    with database.session() as session:  # what it keeps fits on every backend
        repo.put_fetch_state(session, "http://a/rss", "x" * 256, "y" * 128)


def test_set_missing_flags_rows(database: Database) -> None:
    with database.session() as session:
        repo.add_article(session, **_article(1))
        repo.add_article(session, **_article(2))
    with database.session() as session:
        assert repo.set_missing(session, ["001_0000000000000001.txt", "nope.txt"]) == 1
    with database.session() as session:
        flags = {a.seq: a.missing for a in session.scalars(select(Article))}
        assert flags == {1: True, 2: False}
