"""A database that sleeps 100 ms per statement never stalls the downloads (no reactor blocking)."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

from tests.fixture_server import FixtureSite, Page, serve
from tests.integration import harness
from tests.paths import REPO
from tests.sitegen import Article, article_page, rss_feed

ARTICLES = 12
WORDS = [
    "광주시",
    "전남도",
    "의회",
    "예산",
    "교육청",
    "학교",
    "병원",
    "도로",
    "버스",
    "지하철",
    "농가",
    "어민",
    "축제",
    "공연",
    "전시",
    "시장",
    "상인",
    "기업",
    "공장",
    "일자리",
    "청년",
    "노인",
    "복지",
    "주택",
    "재개발",
    "공원",
    "하천",
    "환경",
    "미세먼지",
    "날씨",
    "태풍",
    "경찰",
    "소방",
    "사고",
    "재판",
    "선거",
    "후보",
    "공약",
    "토론",
    "주민",
    "마을",
    "관광",
    "숙박",
    "음식",
    "문화",
    "체육",
    "경기",
    "대회",
]

# Runs `newsmon` with every statement slowed down, and notes each statement that ran on the
# reactor's thread while the reactor was running (the reactor module is only looked up,
# never imported here: Scrapy installs its own).
SLOW_NEWSMON = """
import json, sys, threading, time
from sqlalchemy import event
from sqlalchemy.engine import Engine

on_reactor, commits = [], []

def crawling():
    reactor = sys.modules.get("twisted.internet.reactor")
    return reactor is not None and getattr(reactor, "running", False)

@event.listens_for(Engine, "before_cursor_execute")
def slow(conn, cursor, statement, parameters, context, executemany):
    if crawling():
        if threading.current_thread() is threading.main_thread():
            on_reactor.append(statement[:80])
        if statement.startswith("INSERT INTO articles"):
            conn.info["article"] = True
        time.sleep(0.1)

@event.listens_for(Engine, "commit")
def committed(conn):
    if conn.info.pop("article", False):
        commits.append(time.monotonic())

if __name__ == "__main__":  # extraction workers are spawned: they import this file too
    from newsmon.cli import main
    try:
        code = main(sys.argv[2:])
    finally:
        with open(sys.argv[1], "w") as out:
            json.dump({"on_reactor": on_reactor, "commits": commits}, out)
    raise SystemExit(code)
"""


class TimedSite(FixtureSite):
    """Also notes when each request arrived (monotonic clock, shared by the processes)."""

    def __init__(self) -> None:
        super().__init__()
        self.arrivals: list[tuple[str, float]] = []

    def record(self, path: str, page: Page, headers: dict[str, str]) -> None:
        super().record(path, page, headers)
        with self.lock:
            self.arrivals.append((path, time.monotonic()))


def article(number: int) -> Article:
    rng = random.Random(number)
    sentences = [" ".join(rng.sample(WORDS, 12)) + "." for _ in range(5)]
    return Article(
        idxno=200 + number, headline=" ".join(rng.sample(WORDS, 5)), paragraphs=sentences
    )


def test_a_slow_database_does_not_stall_downloads(workdir: Path, database_url: str) -> None:
    site = TimedSite()
    articles = [article(n) for n in range(ARTICLES)]
    for item in articles:
        site.add(item.path, article_page(item))
    with serve(site):
        site.add(
            "/rss/allArticle.xml",
            rss_feed(site.base_url, [a.path for a in articles]),
            content_type="application/rss+xml; charset=utf-8",
        )
        feed = site.url("/rss/allArticle.xml")
        config = harness.write_config(
            workdir, database_url, f'[[sources]]\nkey = "slow"\nfeeds = ["{feed}"]\n'
        )
        (workdir / "slow.py").write_text(SLOW_NEWSMON, encoding="utf-8")
        report = workdir / "statements.json"
        result = run_newsmon_script(workdir, report, "crawl", "--config", str(config), "--json")
    assert result.returncode == 0, result.stderr
    (crawl,) = json.loads(result.stdout)
    assert crawl["added"] == ARTICLES
    seen = json.loads(report.read_text(encoding="utf-8"))
    assert seen["on_reactor"] == []  # every statement of the crawl ran on the writer pool
    downloads = [at for path, at in site.arrivals if path.startswith("/news/")]
    assert len(downloads) == ARTICLES
    # Downloads run at the network's pace: every article was requested before the first
    # article's commit (each commit waits for several 100 ms statements).
    assert len(seen["commits"]) == ARTICLES
    assert max(downloads) < min(seen["commits"])


def run_newsmon_script(workdir: Path, report: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`newsmon *args` through the slowing script, in the environment `run_newsmon` uses."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("NEWSMON_")}
    return subprocess.run(
        [sys.executable, str(workdir / "slow.py"), str(report), *args],
        cwd=workdir,
        # inline extraction: starting worker processes is not what this test measures
        env={**base, "NEWSMON_CRAWL_EXTRACT_WORKERS": "0", "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
