"""Backfill cost on the fixture outlet: requests per added article per door, articles per
second end to end, and how requests and time grow from 1 to 24 months.

Serves the 24-month fixture outlet and archive of tests/backfill_site.py on 127.0.0.1
(`--per-month` articles a month, one in `--topic-every` on topic; a regional outlet publishes
far more off-topic news than on-topic), runs the real `newsmon backfill --via DOOR` in a
subprocess on a fresh corpus and database each time, and counts the requests both servers saw.
Run: python bench/backfill.py [--per-month 30] [--topic-every 10]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.backfill_site import Archive, Outlet, Story, config_body, stories
from tests.fixture_server import serve
from tests.integration.harness import run_newsmon, write_config

DOORS = ("search", "listing", "sitemap", "gnews", "archive")
GROWTH = (1, 3, 6, 12, 24)


@dataclass
class Run:
    door: str
    months: int
    requests: int
    article_requests: int
    added: int
    seconds: float

    @property
    def per_added(self) -> float:
        return self.requests / self.added if self.added else float("nan")


def window(items: list[Story], months: int) -> tuple[date, date]:
    """The last `months` months of the outlet."""
    last = max(s.day for s in items)
    end = date(last.year, last.month, 1) + timedelta(days=32)
    end = end.replace(day=1) - timedelta(days=1)
    first = date(last.year, last.month, 1)
    for _ in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    return first, end


def run(items: list[Story], door: str, months: int) -> Run:
    since, until = window(items, months)
    outlet = Outlet(items)
    archive = Archive(outlet)
    with tempfile.TemporaryDirectory() as name, serve(outlet), serve(archive):
        work = Path(name)
        config = write_config(work, f"sqlite:///{work / 'bench.db'}", config_body(outlet, archive))
        run_newsmon("db", "upgrade", "--config", str(config), cwd=work)
        outlet.clear_log()
        archive.clear_log()
        started = time.perf_counter()
        result = run_newsmon(
            "backfill", "--config", str(config), "--since", since.isoformat(),
            "--until", until.isoformat(), "--via", door, "--json", cwd=work,
        )  # fmt: skip
        seconds = time.perf_counter() - started
        if result.returncode != 0:
            raise SystemExit(f"{door}: backfill failed: {result.stderr[-2000:]}")
        (report,) = json.loads(result.stdout)
        asked = [p for p in outlet.requested() + archive.requested() if p != "/robots.txt"]
        articles = [p for p in asked if "articleView" in p]
        return Run(door, months, len(asked), len(articles), report["added"], seconds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--per-month", type=int, default=30)
    parser.add_argument("--topic-every", type=int, default=10)
    args = parser.parse_args()
    items = stories(per_month=args.per_month, topic_every=args.topic_every)
    on_topic = sum(s.on_topic for s in items)
    print(f"fixture: {len(items)} articles over 24 months, {on_topic} on topic")
    print("\nper door, 24 months (requests: discovery + article pages, robots.txt aside)")
    print(f"{'door':<8} {'requests':>8} {'articles':>8} {'added':>6} {'req/added':>9} "
          f"{'seconds':>7} {'added/s':>7}")  # fmt: skip
    for door in DOORS:
        r = run(items, door, 24)
        print(f"{door:<8} {r.requests:>8} {r.article_requests:>8} {r.added:>6} "
              f"{r.per_added:>9.2f} {r.seconds:>7.2f} {r.added / r.seconds:>7.1f}")  # fmt: skip
    print("\ngrowth: requests (and seconds) for the last N months")
    print(f"{'door':<8} " + " ".join(f"{n:>14}" for n in GROWTH))
    for door in ("search", "listing", "sitemap"):
        cells = []
        for months in GROWTH:
            r = run(items, door, months)
            cells.append(f"{r.requests:>6} ({r.seconds:4.1f}s)")
        print(f"{door:<8} " + " ".join(f"{c:>14}" for c in cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
