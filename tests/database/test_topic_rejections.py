"""Off-topic rejections keep their evidence; the review query orders them by closeness."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from db import repository as repo
from db.session import Database
from tests import queries

pytestmark = pytest.mark.database

T0 = datetime(2025, 10, 21, 0, 0, tzinfo=UTC)


def test_rejection_keeps_headline_score_and_missing(database: Database) -> None:
    url = "https://news.example/a/1"
    with database.session() as session:
        repo.record_seen(
            session, url, url, "example", "off_topic", seen_at=T0,
            headline="새빛AI연구원, 모델 공개", topic_score=0.5,
            topic_missing="Gwangju evidence 0 < 3\nGwangju is named in one sentence only",
        )  # fmt: skip
    with database.session() as session:
        row = queries.seen_url(session, url)
        assert row is not None
        assert (row.headline, row.topic_score) == ("새빛AI연구원, 모델 공개", 0.5)
        assert row.topic_missing is not None and len(row.topic_missing.splitlines()) == 2
        # added after a recheck: the verdict's evidence goes, the headline stays
        repo.record_seen(session, url, url, "example", "added", seen_at=T0 + timedelta(days=1))
    with database.session() as session:
        row = queries.seen_url(session, url)
        assert row is not None and row.status == "added"
        assert (row.headline, row.topic_score, row.topic_missing) == (
            "새빛AI연구원, 모델 공개",
            None,
            None,
        )


def test_off_topic_seen_is_closest_first_and_since_is_inclusive(database: Database) -> None:
    rows = [("a", 0.2, T0), ("b", 0.9, T0 + timedelta(hours=1)), ("c", None, T0), ("d", 0.5, T0)]
    with database.session() as session:
        for name, score, seen_at in rows:
            url = f"https://news.example/{name}"
            repo.record_seen(
                session, url, url, "example", "off_topic", seen_at=seen_at, topic_score=score
            )
        repo.record_seen(session, "https://x/e", "https://x/e", "example", "added", seen_at=T0)
    with database.session() as session:
        found = [row.url[-1] for row in repo.off_topic_seen(session)]
        assert found == ["b", "d", "a", "c"]
        assert [row.url[-1] for row in repo.off_topic_seen(session, limit=2)] == ["b", "d"]
        later = repo.off_topic_seen(session, since=T0 + timedelta(hours=1))
        assert [row.url[-1] for row in later] == ["b"]
