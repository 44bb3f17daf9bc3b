"""The coverage ledger on the status page: a sources x months heat map, gaps marked."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from lxml import html as lxml_html

from db import backfill as records
from db.session import Database, open_database
from scheduler.coverage import coverage
from scheduler.heatmap import MAX_MONTHS, heat_map
from scheduler.page import render
from scheduler.status import StatusReport

pytestmark = pytest.mark.database
TODAY = date(2026, 1, 10)


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    handle = open_database(database_url)
    try:
        yield handle
    finally:
        handle.close()


def _ledger(database: Database) -> None:
    """`outlet` backfilled Jan-Apr 2025: Jan added 3, Feb listed but nothing on topic, Mar
    reached by no door, Apr added 20; `other` backfilled Mar 2025 and reached it."""
    with database.session() as session:
        records.open_job(session, "outlet", "listing", date(2025, 1, 1), date(2025, 4, 30))
        records.open_job(session, "other", "search", date(2025, 3, 1), date(2025, 3, 31))
        records.add_coverage(session, "outlet", {
            ("2025-01", "listing"): {"listed": 9, "fetched": 5, "on_topic": 3, "added": 3},
            ("2025-02", "listing"): {"listed": 4, "fetched": 4},
            ("2025-04", "sitemap"): {"listed": 30, "fetched": 30, "on_topic": 20, "added": 20},
        })  # fmt: skip
        records.add_coverage(session, "outlet", {("2025-01", "listing"): {"added": 1}})
        records.add_coverage(session, "other", {("2025-03", "search"): {}})
        session.commit()


def test_the_ledger_sums_doors_and_marks_unreached_months(database: Database) -> None:
    _ledger(database)
    with database.session() as session:
        found = {c.key: c for c in coverage(session, None, TODAY)}
    months = {cell.period: cell for cell in found["outlet"].months}
    assert list(months) == ["2025-04", "2025-03", "2025-02", "2025-01"]
    assert months["2025-01"].added == 4 and months["2025-01"].doors == ["listing"]
    assert months["2025-02"].listed == 4 and not months["2025-02"].gap  # zero on topic
    assert months["2025-03"].gap  # no door reached it
    assert [c.period for c in found["other"].months] == ["2025-03"]
    assert not found["other"].months[0].gap


def test_the_status_page_draws_the_heat_map_without_script(database: Database) -> None:
    _ledger(database)
    with database.session() as session:
        found = coverage(session, None, TODAY)
    report = StatusReport(
        generated_at=datetime(2026, 1, 10, tzinfo=UTC), sources=[], corpus_files=0,
        articles=[], days=[TODAY], daily={}, coverage=found,
    )  # fmt: skip
    page = render(report)
    doc = lxml_html.fromstring(page)
    assert not doc.cssselect("script")
    (svg,) = doc.cssselect("svg.heatmap")
    gaps = [r.get("data-month") for r in svg.cssselect("rect.gap")]
    assert gaps == ["2025-03"]
    reached = {r.get("data-month"): r.get("fill") for r in svg.cssselect("rect.reached")}
    assert reached["2025-02"] == "#eeeeee"  # reached, nothing added: grey, not a gap
    assert reached["2025-04"] != reached["2025-01"] != "#eeeeee"
    titles = "".join(t.text or "" for t in svg.cssselect("title"))
    assert "no door reached this month" in titles and "added 20" in titles


def test_the_heat_map_is_bounded_and_says_when_empty() -> None:
    assert "backfill" in heat_map([])
    assert MAX_MONTHS == 120


def test_recent_days_are_kept_day_by_day(database: Database) -> None:
    with database.session() as session:
        records.open_job(session, "outlet", "search", date(2025, 12, 30), date(2026, 1, 31))
        cells = {
            ("2026-01", "search"): {"listed": 2, "added": 1},
            ("2026-01-05", "search"): {"listed": 2, "added": 1},
        }
        records.add_coverage(session, "outlet", cells)
        session.commit()
        (found,) = coverage(session, None, TODAY)
    days = {cell.period: cell for cell in found.days}
    # the window's days up to today; a day no door reached is a gap
    assert min(days) == "2025-12-30" and max(days) == "2026-01-10"
    assert days["2026-01-05"].added == 1 and not days["2026-01-05"].gap
    assert days["2026-01-06"].gap


def test_the_first_column_is_labelled_only_when_no_january_crowds_it() -> None:
    from scheduler.heatmap import _month_labels

    crowded = "".join(_month_labels(["2024-12", "2025-01", "2025-02"]))
    assert ">2025-01<" in crowded and ">2024-12<" not in crowded
    roomy = "".join(_month_labels([f"2025-{m:02d}" for m in range(5, 13)] + ["2026-01"]))
    assert ">2025-05<" in roomy and ">2026-01<" in roomy
