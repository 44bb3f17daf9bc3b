"""Costs as the corpus grows: first-use indexing, then crawls, at 1,000 to 1,000,000 files.

Run from the repository root: ``python -m bench.scale [--sizes 1000,100000,1000000]
[--rounds 2] [--work DIR] [--keep]``. Per size it writes a synthetic corpus (Korean-like
text, ~1,350 characters a file, sentences drawn from a fixed pool so no two files are near
duplicates) straight into a folder, with its database rows inserted in bulk, then times
`newsmon corpus index` (first use: the near-duplicate index built from every file), then per
round a `newsmon crawl` adding 50 articles from a local fixture feed on 127.0.0.1 and a second
crawl of the same feed that finds nothing new. Wall time, and peak RSS of the command's own
process (GNU time's %M; without /usr/bin/time, a rough upper bound); medians over the
rounds. The table at the end puts the sizes side by side with the ratio of the largest to
the smallest.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # running as a plain script puts bench/, not the repo, on the path
    sys.path.insert(0, str(REPO))

from sqlalchemy import insert  # noqa: E402

from bench.dedup import WORDS  # noqa: E402
from bench.throughput import build_pages, serve_site  # noqa: E402
from db.models import Article  # noqa: E402
from db.session import open_database  # noqa: E402
from tests.fixture_server import serve  # noqa: E402
from tests.sitegen import rss_feed  # noqa: E402

SEED = 20261206
SENTENCES = 200_000  # the pool articles draw from
PER_ARTICLE = 32  # sentences: ~1,350 characters, as the corpus the issue measured
ENDINGS = ("했다.", "밝혔다.", "말했다.", "전했다.", "예정이다.", "계획이다.", "강조했다.")
ARTICLES_PER_CRAWL = 50
TIMER = Path("/usr/bin/time")
_ROW_BATCH = 20_000


def sentence_pool(count: int = SENTENCES) -> list[str]:
    """Sentences of 5-12 Zipf-drawn words with a verb ending; deterministic."""
    rng = np.random.default_rng(SEED)
    lengths = rng.integers(5, 13, size=count)
    ranks = ((rng.zipf(1.3, size=int(lengths.sum())) - 1) % len(WORDS)).tolist()
    endings = rng.integers(0, len(ENDINGS), size=count).tolist()
    pool, start = [], 0
    for length, ending in zip(lengths.tolist(), endings, strict=True):
        words = [WORDS[rank] for rank in ranks[start : start + length]]
        pool.append(" ".join(words) + " " + ENDINGS[ending])
        start += length
    return pool


def write_corpus(folder: Path, database_url: str, size: int) -> float:
    """`size` corpus files and their rows; returns the seconds it took."""
    started = time.perf_counter()
    folder.mkdir(parents=True)
    pool = sentence_pool()
    rng = np.random.default_rng([SEED, size])
    database = open_database(database_url)
    fetched = datetime(2026, 1, 1, tzinfo=UTC)
    try:
        for first in range(0, size, _ROW_BATCH):
            count = min(_ROW_BATCH, size - first)
            picks = rng.integers(0, len(pool), size=(count, PER_ARTICLE)).tolist()
            rows = [
                _write_file(folder, first + n, pool, pick, fetched) for n, pick in enumerate(picks)
            ]
            with database.session() as session:
                session.execute(insert(Article), rows)
                session.commit()
    finally:
        database.close()
    return time.perf_counter() - started


def _write_file(
    folder: Path, seq: int, pool: list[str], pick: list[int], fetched: datetime
) -> dict[str, object]:
    sentences = [pool[index] for index in pick]
    headline = f"광주 {seq}호 " + sentences[0][:30]
    paragraphs = [" ".join(sentences[i : i + 4]) for i in range(1, len(sentences), 4)]
    data = "\n".join([headline, *paragraphs]).encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    name = f"{seq:03d}_{digest[:16]}.txt"
    fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)
    return {
        "seq": seq, "file_name": name, "content_hash": digest, "url": None,
        "canonical_url": None, "source": None, "headline": headline, "published_at": None,
        "fetched_at": fetched, "origin": "folder",
    }  # fmt: skip


@dataclass
class Measure:
    wall: float
    peak_mb: float


@dataclass
class SizeResult:
    size: int
    generate: float = 0.0
    index: Measure | None = None
    adding: list[Measure] = field(default_factory=list)
    idle: list[Measure] = field(default_factory=list)
    added: list[int] = field(default_factory=list)


def measured(command: list[str], cwd: Path, code: Path) -> Measure:
    """Wall seconds and peak RSS (MB) of one command's own process, run from `code`.

    The peak comes from /usr/bin/time: a child forked straight from this (large) process
    would report this process's peak as its own (Linux keeps the high-water mark across exec).
    """
    started = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(code)}
    peak_file = cwd / "peak.txt"
    timer = ["/usr/bin/time", "-f", "%M", "-o", str(peak_file)] if TIMER.exists() else []
    with open(cwd / "bench.log", "ab") as log:
        child = subprocess.run(
            [*timer, *command], cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=log,
            check=False,
        )  # fmt: skip
    wall = time.perf_counter() - started
    if child.returncode not in (0, 1):  # 1: some source failed, still a measured run
        raise RuntimeError(f"{command[3:]} exited {child.returncode}: see {cwd / 'bench.log'}")
    if not timer:
        return Measure(wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    return Measure(wall, int(peak_file.read_text().split()[-1]) / 1024)


def write_config(work: Path, feed: str) -> Path:
    config = work / "newsmon.toml"
    config.write_text(
        f'[corpus]\ndir = "{work / "corpus"}"\n'
        f'[database]\nurl = "sqlite:///{work / "db.sqlite"}"\n'
        "[crawl]\ndownload_delay = 0\nautothrottle = false\n"
        "concurrent_requests = 16\nconcurrent_per_domain = 16\n"
        f'[[sources]]\nkey = "bench"\nfeeds = ["{feed}"]\n',
        encoding="utf-8",
    )
    return config


def bench_size(size: int, rounds: int, work: Path, code: Path) -> SizeResult:
    result = SizeResult(size)
    database_url = f"sqlite:///{work / 'db.sqlite'}"
    result.generate = write_corpus(work / "corpus", database_url, size)
    print(f"{size:>9,} files written in {result.generate:.0f} s", flush=True)
    settle(size, "the generated corpus")
    pages = build_pages(ARTICLES_PER_CRAWL * rounds)
    site, paths = serve_site(pages)
    with serve(site):
        newsmon = [sys.executable, "-m", "newsmon"]
        for number in range(rounds):
            feed_path = f"/feed-{number}.xml"
            batch = paths[number * ARTICLES_PER_CRAWL : (number + 1) * ARTICLES_PER_CRAWL]
            site.add(feed_path, rss_feed(site.base_url, batch), content_type="application/rss+xml")
            if number == 0:
                result.index = first_use(newsmon, work, code, site.base_url)
                print(f"{size:>9,} first-use index {result.index.wall:.1f} s", flush=True)
                settle(size, "the first use")
            crawl = [*newsmon, "crawl", "--config", str(write_config(work, site.url(feed_path)))]
            before = _count(work / "corpus")
            result.adding.append(measured(crawl, work, code))
            result.added.append(_count(work / "corpus") - before)
            result.idle.append(measured(crawl, work, code))
    return result


def settle(size: int, what: str) -> None:
    """Write back what the bench wrote before the next timing: without it, a crawl's fsyncs
    wait behind gigabytes of the bench's own dirty pages (the million generated files)."""
    started = time.perf_counter()
    os.sync()
    print(f"{size:>9,} {what} written back in {time.perf_counter() - started:.1f} s", flush=True)


def first_use(newsmon: list[str], work: Path, code: Path, base_url: str) -> Measure:
    """`newsmon corpus index`; for code without it (an earlier version, for comparison) a
    crawl of a missing feed, which indexes the corpus at its start."""
    config = write_config(work, base_url + "/no-feed.xml")
    try:
        return measured([*newsmon, "corpus", "index", "--config", str(config)], work, code)
    except RuntimeError:
        return measured([*newsmon, "crawl", "--config", str(config)], work, code)


def _count(folder: Path) -> int:
    with os.scandir(folder) as entries:
        return sum(1 for _ in entries)


def report(results: list[SizeResult]) -> None:
    def median(values: list[Measure], attribute: str) -> float:
        return float(statistics.median(getattr(value, attribute) for value in values))

    rows: list[tuple[str, Callable[[SizeResult], str]]] = [
        ("files", lambda r: f"{r.size:,}"),
        ("first use: index s", lambda r: f"{r.index.wall:.1f}" if r.index else "-"),
        ("first use: files/s", lambda r: f"{r.size / r.index.wall:,.0f}" if r.index else "-"),
        ("first use: peak MB", lambda r: f"{r.index.peak_mb:.0f}" if r.index else "-"),
        ("crawl +50: wall s", lambda r: f"{median(r.adding, 'wall'):.2f}"),
        ("crawl +50: peak MB", lambda r: f"{median(r.adding, 'peak_mb'):.0f}"),
        ("crawl +50: added", lambda r: ",".join(map(str, r.added))),
        ("crawl idle: wall s", lambda r: f"{median(r.idle, 'wall'):.2f}"),
        ("crawl idle: peak MB", lambda r: f"{median(r.idle, 'peak_mb'):.0f}"),
    ]
    width = max(len(label) for label, _ in rows)
    for label, cell in rows:
        print(f"{label:<{width}}  " + "  ".join(f"{cell(r):>10}" for r in results))
    if len(results) > 1:
        small, large = results[0], results[-1]
        for kind in ("adding", "idle"):
            wall = median(getattr(large, kind), "wall") / median(getattr(small, kind), "wall")
            peak = median(getattr(large, kind), "peak_mb") / median(getattr(small, kind), "peak_mb")
            sizes = f"{large.size:,} / {small.size:,} files"
            print(f"{kind}: {sizes}: wall x{wall:.2f}, peak RSS x{peak:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,100000,1000000")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--work", type=Path, default=None, help="where corpora are written")
    parser.add_argument("--keep", action="store_true", help="leave the corpora in place")
    parser.add_argument("--code", type=Path, default=REPO, help="newsmon checkout to measure")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    base = Path(tempfile.mkdtemp(prefix="newsmon-scale-", dir=args.work))
    results = []
    try:
        for size in sizes:
            work = base / str(size)
            work.mkdir()
            results.append(bench_size(size, args.rounds, work, args.code.resolve()))
            if not args.keep:
                shutil.rmtree(work)
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    report(results)


if __name__ == "__main__":
    main()
