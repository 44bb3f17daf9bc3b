"""Storage path: CPU the crawl's main process spends per stored article (CorpusPipeline._store).

The writer threads that store articles share the GIL with the Scrapy reactor, so every
millisecond here slows downloading too. Builds articles from the real fixture pages (as
bench/throughput.py does), extracts them as the extraction worker does (corpus text and
near-duplicate fingerprint included), then stores each one into a fresh SQLite corpus with the
near index on, and prints the median CPU and wall milliseconds per article over the rounds.

    python bench/store.py [--articles 250] [--repeat 3] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from scrapy.crawler import Crawler  # noqa: E402
from scrapy.settings import Settings  # noqa: E402

from bench.throughput import build_pages  # noqa: E402
from crawler.crawl.items import ArticleItem  # noqa: E402
from crawler.crawl.pipelines import CorpusPipeline  # noqa: E402
from crawler.crawl.services import Services  # noqa: E402
from crawler.crawl.settings import NEWSMON_DEFAULTS  # noqa: E402
from crawler.extraction_pool import extract_article  # noqa: E402
from crawler.urls import canonical_url  # noqa: E402


class _Stats:
    """The three stats calls the pipeline makes, without Scrapy's collector."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def inc_value(self, key: str, count: int = 1) -> None:
        self.values[key] = self.values.get(key, 0) + count

    def get_value(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def set_value(self, key: str, value: Any) -> None:
        self.values[key] = value


class _Crawler:
    def __init__(self) -> None:
        self.stats = _Stats()


def articles(count: int) -> list[ArticleItem]:
    items = []
    for number, (body, _) in enumerate(build_pages(count)):
        url = f"http://127.0.0.1:8000/news/articleView.html?idxno={100000 + number}"
        extraction = extract_article(body, url, None, 100, True)
        assert extraction is not None, url
        now = datetime.now(UTC)
        item = ArticleItem("bench", url, canonical_url(url), now, extraction.extracted)
        item.text, item.fingerprint = extraction.text, extraction.fingerprint
        items.append(item)
    return items


def store_round(items: list[ArticleItem], profile: cProfile.Profile | None) -> tuple[float, float]:
    """(CPU ms, wall ms) per article, storing `items` into a fresh corpus."""
    with tempfile.TemporaryDirectory(prefix="store-bench-") as root:
        settings = Settings()
        settings.setdict(NEWSMON_DEFAULTS)
        settings.set("NEWSMON_DATABASE_URL", f"sqlite:///{root}/db.sqlite")
        settings.set("NEWSMON_CORPUS_DIR", f"{root}/corpus")
        settings.set("NEWSMON_NEAR_ENABLED", True)
        services = Services.open(settings)
        try:
            pipeline = CorpusPipeline(cast(Crawler, _Crawler()))
            pipeline._services = services
            cpu, wall = time.process_time(), time.perf_counter()
            if profile is not None:
                profile.enable()
            for item in items:
                pipeline._store(item)
            if profile is not None:
                profile.disable()
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        finally:
            services.close()
    return cpu * 1000 / len(items), wall * 1000 / len(items)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=250)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="print the top of a cProfile")
    args = parser.parse_args()
    items = articles(args.articles)
    profile = cProfile.Profile() if args.profile else None
    rounds = [store_round(items, profile) for _ in range(args.repeat)]
    for cpu, wall in rounds:
        print(f"round: {cpu:.2f} ms CPU, {wall:.2f} ms wall per article")
    cpu = statistics.median(r[0] for r in rounds)
    wall = statistics.median(r[1] for r in rounds)
    print(f"median of {args.repeat}: {cpu:.2f} ms CPU, {wall:.2f} ms wall per stored article")
    if profile is not None:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main()
