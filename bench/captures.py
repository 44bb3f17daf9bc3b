"""WARC captures: crawl throughput on vs off, archive bytes per article, re-extraction and ingest.

crawl     - `newsmon crawl` of N new articles, captures on and off alternately (bench/
            throughput.py's site and runner), medians of new articles/s and CPU ms/article;
            archive bytes per article (WARC files / articles)
encode    - what a capture costs the extraction worker, in-process on one core: its response
            and request records serialised and compressed, ms per page (median of 5 rounds)
reextract - `corpus reextract` over the captured corpus of the last "on" run, in-process
            (one core): articles/s
ingest    - `newsmon ingest` of a generated WARC of ~SIZE MB of mixed hosts where 1% of the
            pages belong to the configured source: records/s read and the process's peak
            memory (also for a quarter-size file: flat memory means both peaks agree)

  python bench/captures.py [--pages 1000] [--repeat 3] [--ingest-mb 200]
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

from bench.throughput import build_pages, compile_newsmon, run_newsmon, serve_site  # noqa: E402
from crawler.capture import Capture, http_headers_of  # noqa: E402
from crawler.capture.warc import encode_exchange  # noqa: E402
from crawler.config import load_config  # noqa: E402
from newsmon import reextract  # noqa: E402
from tests.fixture_server import serve  # noqa: E402
from tests.sitegen import rss_feed  # noqa: E402

OFF = "[archive]\nwarc = false\n"
MATCHING_HOST = "news.bench-outlet.kr"


def crawl_rows(pages: int, repeat: int, tmp: Path) -> Path:
    """Print captures on vs off; return the work folder of the last "on" run."""
    site, paths = serve_site(build_pages(pages))
    runs: dict[str, list[tuple[float, float, int]]] = {"on": [], "off": []}
    archive_bytes: list[int] = []
    last_on = tmp
    with serve(site):
        site.add(
            "/rss/allArticle.xml",
            rss_feed(site.base_url, paths),
            content_type="application/rss+xml; charset=utf-8",
        )
        feed = site.url("/rss/allArticle.xml")
        for round_ in range(repeat):
            for mode in ("on", "off") if round_ % 2 == 0 else ("off", "on"):
                work = tmp / f"{mode}{round_}"
                runs[mode].append(run_newsmon(feed, work, "" if mode == "on" else OFF))
                if mode == "on":
                    warcs = list((work / "corpus.newsmon" / "archive").glob("*.warc.gz"))
                    archive_bytes.append(sum(p.stat().st_size for p in warcs))
                    last_on = work
    print(f"crawl: {pages} new article pages on 127.0.0.1, {repeat} rounds each, medians")
    print(f"{'captures':9} {'added':>6} {'wall s':>7} {'articles/s':>11} {'CPU ms/article':>15}")
    rates = {}
    for mode, results in runs.items():
        added = int(statistics.median(r[2] for r in results))
        rates[mode] = statistics.median(r[2] / r[0] for r in results)
        wall = statistics.median(r[0] for r in results)
        cpu = 1000 * statistics.median(r[1] for r in results) / max(added, 1)
        print(f"{mode:9} {added:>6} {wall:>7.2f} {rates[mode]:>11.1f} {cpu:>15.2f}")
    print(f"captures on / off: {rates['on'] / rates['off']:.3f}x new articles per second")
    per_article = statistics.median(archive_bytes) / max(runs["on"][-1][2], 1)
    print(
        f"archive: {per_article / 1024:.1f} KiB per article "
        f"({per_article * 1000 / 1024**2:.0f} MiB per 1,000 articles)"
    )
    return last_on


def encode_row(pages: int) -> None:
    bodies = [body for body, _ in build_pages(min(pages, 200))]
    when = datetime.now(UTC)
    captures = [
        Capture(f"https://news.example.kr/news/articleView.html?idxno={n}", when, 200,
                http_headers_of([("Content-Type", "text/html; charset=utf-8")], len(body)),
                body, request_headers=[("User-Agent", "newsmon"), ("Accept", "text/html")])
        for n, body in enumerate(bodies)
    ]  # fmt: skip
    rounds = []
    for _ in range(5):
        started = time.process_time()
        size = sum(len(encode_exchange(capture).data) for capture in captures)
        rounds.append((time.process_time() - started) / len(captures))
    deflate = "ISA-L" if "isal" in sys.modules else "zlib"  # imported where it is installed
    print(
        f"encode: {1000 * statistics.median(rounds):.2f} ms per page ({deflate}), "
        f"{size / len(captures) / 1024:.1f} KiB of response and request records per page"
    )


def reextract_row(work: Path) -> None:
    config = load_config(work / "newsmon.toml", env={})
    started = time.perf_counter()
    cpu = time.process_time()
    report = reextract.reextract(config)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    count = len(report.files)
    print(
        f"reextract: {count} files in {wall:.2f} s: {count / wall:.0f} articles/s "
        f"({count / cpu:.0f} per CPU second); {report.counts()}"
    )


def write_mixed_warc(path: Path, megabytes: int, seed: int = 7) -> tuple[int, int]:
    """Responses of many hosts, 1% of them on MATCHING_HOST; returns (records, matching)."""
    rng = random.Random(seed)
    bodies = [body for body, _ in build_pages(200)]
    records = matching = 0
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True, warc_version="WARC/1.1")
        while out.tell() < megabytes * 1024 * 1024:
            body = bodies[records % len(bodies)] + f"<!-- {rng.random()} -->".encode()
            if records % 100 == 0:
                url = f"https://{MATCHING_HOST}/news/articleView.html?idxno={records}"
                matching += 1
            else:
                url = f"https://www.host{rng.randrange(5000)}.example/a/{records}"
            http = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            writer.write_record(
                writer.create_warc_record(
                    url, "response", payload=BytesIO(body), length=len(body), http_headers=http
                )
            )
            records += 1
    return records, matching


def ingest_once(warc: Path, work: Path) -> tuple[float, int, str]:
    """(wall seconds, peak RSS KiB of the ingest process, its last line) of one ingest."""
    (work / "corpus").mkdir(parents=True)
    config = work / "newsmon.toml"
    config.write_text(
        f'[corpus]\ndir = "{work / "corpus"}"\n[database]\nurl = "sqlite:///{work / "db"}"\n'
        f'[[sources]]\nkey = "outlet"\nfeeds = ["https://{MATCHING_HOST}/rss/allArticle.xml"]\n',
        encoding="utf-8",
    )
    # The peak of this process's own memory (VmHWM): ru_maxrss carries the bench's own size
    # over the spawn (it counted the re-extraction row's memory as the ingest's).
    code = (
        "import resource, sys; from newsmon.cli import main; code = main(sys.argv[1:]); "
        "peak = [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM:')]; "
        "print(peak[0] if peak else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "
        "file=sys.stderr); sys.exit(code)"
    )
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", code, "ingest", str(warc), "--config", str(config)],
        cwd=work,
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - started
    peak = int(result.stderr.strip().splitlines()[-1])
    return wall, peak, result.stdout.strip().splitlines()[-1]


def ingest_rows(megabytes: int, tmp: Path) -> None:
    for size in (max(megabytes // 4, 1), megabytes):
        warc = tmp / f"mixed-{size}.warc.gz"
        records, matching = write_mixed_warc(warc, size)
        wall, peak, line = ingest_once(warc, tmp / f"ingest-{size}")
        actual = warc.stat().st_size / 1024**2
        print(
            f"ingest: {actual:.0f} MB, {records} records ({matching} matching): {wall:.1f} s, "
            f"{records / wall:.0f} records/s, peak memory {peak / 1024:.0f} MiB; {line}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--ingest-mb", type=int, default=200)
    parser.add_argument("--ingest-only", action="store_true", help="only the ingest rows")
    args = parser.parse_args()
    compile_newsmon()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        if not args.ingest_only:
            last_on = crawl_rows(args.pages, args.repeat, tmp)
            encode_row(args.pages)
            reextract_row(last_on)
        ingest_rows(args.ingest_mb, tmp)


if __name__ == "__main__":
    main()
