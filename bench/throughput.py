"""Crawl throughput: newsmon vs bare Scrapy vs trafilatura's feed mode on one loopback site.

Serves N article pages built from the real fixture pages (each variant's body paragraphs
word-shuffled so every article is new), then, side by side and repeated, runs:
  newsmon  - `newsmon crawl` (extract, dedup exact+near, append, record), no topic filter
  scrapy   - a bare Scrapy spider downloading the same pages and doing nothing
  trafilatura - trafilatura's CLI downloading and extracting the feed's links
and prints medians of articles/s and CPU ms per article, plus extraction F1 on a sample.

    python bench/throughput.py [--pages 2000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import compileall
import html
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from crawler.parsers import extract  # noqa: E402
from crawler.parsers.quality import bag_of_words  # noqa: E402
from tests.fixture_server import FixtureSite, serve  # noqa: E402
from tests.sitegen import rss_feed  # noqa: E402

FIXTURES = REPO / "tests" / "fixtures" / "korean-news"

BARE_SPIDER = """
import sys, scrapy
from scrapy.crawler import CrawlerProcess
class Bare(scrapy.Spider):
    name = "bare"
    async def start(self):
        for feed in sys.argv[1:]:
            yield scrapy.Request(feed, callback=self.feed)
    def feed(self, response):
        response.selector.remove_namespaces()
        for url in response.xpath("//item/link/text()").getall():
            yield scrapy.Request(url, callback=self.page)
    def page(self, response):
        pass
settings = {"LOG_LEVEL": "ERROR", "CONCURRENT_REQUESTS": 16, "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
            "DOWNLOAD_DELAY": 0, "ROBOTSTXT_OBEY": True, "TELNETCONSOLE_ENABLED": False,
            "REMOTE_CONTROL_ENABLED": False}
process = CrawlerProcess(settings)
process.crawl(Bare)
process.start()
"""


def build_pages(count: int) -> list[tuple[bytes, str]]:
    """(page bytes, expected text) for `count` variants of the real fixture pages."""
    templates = []
    for page in sorted((FIXTURES / "pages").glob("*.html")):
        gold = (FIXTURES / "gold" / f"{page.stem}.txt").read_text(encoding="utf-8").split("\n")
        templates.append((page.read_bytes().decode("utf-8"), gold))
    pages = []
    for i in range(count):
        source, gold = templates[i % len(templates)]
        rng = random.Random(i)
        expected = [f"{gold[0]} ({i})"]
        text = source.replace(
            html.escape(gold[0], quote=False), html.escape(expected[0], quote=False)
        )
        text = text.replace(gold[0], expected[0])
        for line in gold[1:]:
            if line not in text:
                expected.append(line)
                continue
            words = line.split(" ")
            rng.shuffle(words)
            shuffled = " ".join(words)
            text = text.replace(line, shuffled)
            expected.append(shuffled)
        pages.append((text.encode("utf-8"), "\n".join(expected)))
    return pages


def serve_site(pages: list[tuple[bytes, str]]) -> tuple[FixtureSite, list[str]]:
    site = FixtureSite()
    paths = []
    for i, (body, _) in enumerate(pages):
        path = f"/news/articleView.html?idxno={100000 + i}"
        site.add(path, body)
        paths.append(path)
    return site, paths


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and child CPU seconds of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def run_newsmon(feed: str | list[str], work: Path, extra: str = "") -> tuple[float, float, int]:
    """`newsmon crawl` of the feeds into a new corpus; `extra` is appended to its config."""
    (work / "corpus").mkdir(parents=True)
    config = work / "newsmon.toml"
    feeds = [feed] if isinstance(feed, str) else feed
    sources = "".join(
        f'[[sources]]\nkey = "bench{i}"\nfeeds = ["{url}"]\n' for i, url in enumerate(feeds)
    )
    config.write_text(
        f'[corpus]\ndir = "{work / "corpus"}"\n'
        f'[database]\nurl = "sqlite:///{work / "db.sqlite"}"\n'
        "[crawl]\ndownload_delay = 0\nautothrottle = false\n"
        "concurrent_requests = 16\nconcurrent_per_domain = 16\n" + sources + extra,
        encoding="utf-8",
    )
    wall, cpu = timed([sys.executable, "-m", "newsmon", "crawl", "--config", str(config)], work)
    added = len([p for p in (work / "corpus").iterdir() if p.suffix == ".txt"])
    return wall, cpu, added


def run_bare(feed: str | list[str], work: Path) -> tuple[float, float]:
    script = work / "bare.py"
    script.write_text(BARE_SPIDER, encoding="utf-8")
    feeds = [feed] if isinstance(feed, str) else feed
    return timed([sys.executable, str(script), *feeds], work)


def run_trafilatura(links: list[str], work: Path) -> tuple[float, float, int]:
    """trafilatura's CLI download-and-extract loop over the feed's links, with its defaults less
    the loopback block and the 5 s per-host sleep. (Its --feed front end rejects IP-address
    hosts such as 127.0.0.1 before fetching, so the links are handed over as its input file.)
    """
    import trafilatura

    defaults = (Path(trafilatura.__file__).parent / "settings.cfg").read_text(encoding="utf-8")
    config = work / "trafilatura.cfg"
    config.write_text(
        defaults.replace("SSRF_PROTECTION = on", "SSRF_PROTECTION = off").replace(
            "SLEEP_TIME = 5.0", "SLEEP_TIME = 0"
        ),
        encoding="utf-8",
    )
    (work / "links.txt").write_text("\n".join(links), encoding="utf-8")
    out = work / "out"
    wall, cpu = timed(
        [
            "trafilatura",
            "--config-file",
            str(config),
            "-i",
            str(work / "links.txt"),
            "-o",
            str(out),
        ],
        work,
    )
    written = [p for p in out.rglob("*") if p.is_file()] if out.exists() else []
    return wall, cpu, len(written)  # it splits its output into folders of 1,000 files


def extraction_quality(pages: list[tuple[bytes, str]], sample: int = 200) -> float:
    scores = []
    for body, expected in pages[:sample]:
        result = extract(body, "http://127.0.0.1/news/articleView.html?idxno=1")
        scores.append(bag_of_words(result.text if result else "", expected).f1)
    return statistics.mean(scores)


def compile_newsmon() -> None:
    """Byte-compile newsmon's own modules, as installing it (`pip install .`) does.

    Run from an editable checkout with PYTHONDONTWRITEBYTECODE set, every crawl would compile
    its ~80 modules from source and its extraction worker the parsers again (~0.07 s in all):
    an installed newsmon never does, nor do the installed trafilatura and Scrapy.
    """
    for package in ("corpus_folder", "crawler", "db", "newsmon", "scheduler"):
        compileall.compile_dir(REPO / package, quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--small", action="store_true", help="the small-crawl row: 5 sources x 50 new articles"
    )
    args = parser.parse_args()
    compile_newsmon()
    if args.small:
        small_crawl(args.repeat)
        return
    pages = build_pages(args.pages)
    site, paths = serve_site(pages)
    results: dict[str, list[tuple[float, float, int]]] = {
        "newsmon": [],
        "scrapy": [],
        "trafilatura": [],
    }
    with serve(site), tempfile.TemporaryDirectory() as tmp:
        site.add(
            "/rss/allArticle.xml",
            rss_feed(site.base_url, paths),
            content_type="application/rss+xml; charset=utf-8",
        )
        feed = site.url("/rss/allArticle.xml")
        for round_ in range(args.repeat):
            base = Path(tmp) / str(round_)
            results["newsmon"].append(run_newsmon(feed, base / "newsmon"))
            (base / "bare").mkdir(parents=True)
            site.clear_log()
            wall, cpu = run_bare(feed, base / "bare")
            results["scrapy"].append((wall, cpu, len(site.requested("/news/"))))
            (base / "traf").mkdir(parents=True)
            site.clear_log()
            wall, cpu, written = run_trafilatura([site.url(p) for p in paths], base / "traf")
            print(
                f"trafilatura fetched {len(site.requested('/news/'))} pages, wrote {written}",
                file=sys.stderr,
            )
            results["trafilatura"].append((wall, cpu, written))
    report(results, args.pages, extraction_quality(pages))


SMALL_SOURCES, SMALL_ARTICLES = 5, 50


def small_crawl(repeat: int) -> None:
    """5 outlets x 50 new articles, cold: most real crawls are this small, start-up included.
    Each outlet is a server of its own with its feed; every tool gets all 250 links."""
    pages = build_pages(SMALL_SOURCES * SMALL_ARTICLES)
    results: dict[str, list[tuple[float, float, int]]] = {
        "newsmon": [],
        "scrapy": [],
        "trafilatura": [],
    }
    sites = []
    for index in range(SMALL_SOURCES):
        chunk = pages[index * SMALL_ARTICLES : (index + 1) * SMALL_ARTICLES]
        sites.append(serve_site(chunk))
    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        for site, _ in sites:
            stack.enter_context(serve(site))
        feeds, links = [], []
        for site, paths in sites:
            site.add(
                "/rss/allArticle.xml",
                rss_feed(site.base_url, paths),
                content_type="application/rss+xml; charset=utf-8",
            )
            feeds.append(site.url("/rss/allArticle.xml"))
            links += [site.url(p) for p in paths]
        for round_ in range(repeat):
            base = Path(tmp) / str(round_)
            results["newsmon"].append(run_newsmon(feeds, base / "newsmon"))
            (base / "bare").mkdir(parents=True)
            for site, _ in sites:
                site.clear_log()
            wall, cpu = run_bare(feeds, base / "bare")
            fetched = sum(len(site.requested("/news/")) for site, _ in sites)
            results["scrapy"].append((wall, cpu, fetched))
            (base / "traf").mkdir(parents=True)
            results["trafilatura"].append(run_trafilatura(links, base / "traf"))
    print(f"small crawl: {SMALL_SOURCES} sources x {SMALL_ARTICLES} new articles, cold")
    report(results, len(links), extraction_quality(pages))


def report(results: dict[str, list[tuple[float, float, int]]], pages: int, f1: float) -> None:
    print(
        f"{pages} article pages from the real fixtures, served on 127.0.0.1; "
        f"{len(results['newsmon'])} rounds, medians"
    )
    print(f"{'run':12} {'items':>6} {'wall s':>8} {'items/s':>8} {'CPU ms/item':>12}")
    rates = {}
    for name, runs in results.items():
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        items = int(statistics.median(r[2] for r in runs))
        rates[name] = statistics.median(r[2] / r[0] for r in runs)
        per_item = 1000 * cpu / max(items, 1)
        print(f"{name:12} {items:>6} {wall:>8.2f} {rates[name]:>8.1f} {per_item:>12.2f}")
    ratio = rates["newsmon"] / rates["trafilatura"]
    print(f"newsmon / trafilatura new articles per second: {ratio:.2f}x")
    print(f"newsmon / bare Scrapy pages per second: {rates['newsmon'] / rates['scrapy']:.2f}x")
    print(f"newsmon extraction mean bag-of-words F1 on 200 of these pages: {f1:.3f}")


if __name__ == "__main__":
    main()
