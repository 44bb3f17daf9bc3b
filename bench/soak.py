"""Soak the real daemon: several sources every second against a local site for 200+ crawls.

Run from the repository root: ``python -m bench.soak [--crawls 200] [--sources 3] [--server both]``.
Prints the daemon's resident memory and open file descriptors (warm baseline and end), its own
CPU time (crawls are children, not counted), the peak resident memory of one child crawl, and
the crawls per minute; with the status server off, and on with /metrics and /healthz scraped
every 5 s, so the two can be compared.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # running as a plain script puts bench/, not the repo, on the path
    sys.path.insert(0, str(REPO))

import httpx  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.exc import OperationalError  # noqa: E402

from db.models import CrawlRun  # noqa: E402
from db.session import open_database  # noqa: E402
from tests.fixture_server import FixtureSite, serve  # noqa: E402
from tests.scheduling.daemon_harness import (  # noqa: E402
    FEED,
    children_of,
    make_article,
    publish,
    running_daemon,
    write_config,
)

WARM_UP_CRAWLS = 20  # imports, pools and caches settle before the baseline is taken
SCRAPE_EVERY = 5.0  # seconds, as a Prometheus scrape and a container healthcheck would
LISTEN = {"off": "", "on": "127.0.0.1:0"}


def proc_kb(pid: int, field: str) -> int:
    """A `VmRSS:`/`VmHWM:` style field of /proc/<pid>/status, in kB (0 if the process is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def open_fds(pid: int) -> int:
    """How many file descriptors the process holds."""
    return len(list(Path(f"/proc/{pid}/fd").iterdir()))


def finished_crawls(url: str) -> int:
    """Runs that have ended, whatever their status."""
    database = open_database(url, migrate=False)
    try:
        with database.session() as session:
            query = select(func.count()).where(CrawlRun.status != "running")
            return int(session.scalar(query) or 0)
    except OperationalError:  # the daemon has not created its tables yet
        return 0
    finally:
        database.close()


class ChildPeak(threading.Thread):
    """Samples the daemon's child crawls and keeps the highest peak RSS (VmHWM) seen."""

    def __init__(self, daemon_pid: int) -> None:
        super().__init__(daemon=True)
        self.daemon_pid = daemon_pid
        self.peak_kb = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.05):
            for child in children_of(self.daemon_pid):
                self.peak_kb = max(self.peak_kb, proc_kb(child, "VmHWM"))


class Publisher(threading.Thread):
    """Adds one new article to every site every `period` seconds, so crawls do real work."""

    def __init__(self, sites: list[FixtureSite], period: float) -> None:
        super().__init__(daemon=True)
        self.sites = sites
        self.period = period
        self.stop = threading.Event()
        self.published = 0

    def run(self) -> None:
        while not self.stop.wait(self.period):
            self.published += 1
            for index, site in enumerate(self.sites):
                first = 1 + index * 10_000
                publish(site, [make_article(n) for n in range(first, first + self.published)])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the process itself (its waited-for children excluded)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def snapshot(label: str, pid: int, crawls: int, elapsed: float) -> tuple[int, int]:
    rss, fds = proc_kb(pid, "VmRSS"), open_fds(pid)
    print(
        f"{label:>8}: {crawls:4d} crawls after {elapsed:6.1f}s  daemon RSS {rss / 1024:6.1f} MB"
        f"  open fds {fds}"
    )
    return rss, fds


class Scraper(threading.Thread):
    """GET /metrics and /healthz every SCRAPE_EVERY seconds; keeps counts and the slowest."""

    def __init__(self, log: Path) -> None:
        super().__init__(daemon=True)
        self.log = log
        self.stop = threading.Event()
        self.requests = 0
        self.failures = 0
        self.slowest = 0.0

    def base(self) -> str | None:
        found = re.findall(r"Status page on (http://[^/\s]+)/", self.log.read_text("utf-8"))
        return found[-1] if found else None

    def run(self) -> None:
        while (base := self.base()) is None:
            if self.stop.wait(0.2):
                return
        with httpx.Client(timeout=10) as client:
            while not self.stop.wait(SCRAPE_EVERY):
                for path in ("/metrics", "/healthz"):
                    started = time.monotonic()
                    try:
                        ok = client.get(f"{base}{path}").status_code == 200
                    except httpx.HTTPError:
                        ok = False
                    self.slowest = max(self.slowest, time.monotonic() - started)
                    self.requests += 1
                    self.failures += not ok


def soak(crawls: int, sources: int, every: str, work: Path, server: str) -> dict[str, float]:
    print(
        f"-- status server {server}"
        + (f", scraped every {SCRAPE_EVERY:g}s" if server == "on" else "")
    )
    with ExitStack() as stack:
        sites = [stack.enter_context(serve(FixtureSite())) for _ in range(sources)]
        for site in sites:
            publish(site, [])
        feeds = {f"soak{i}": site.url(FEED) for i, site in enumerate(sites)}
        config = write_config(work, feeds, every=every, crawl_timeout="60s", listen=LISTEN[server])
        url = f"sqlite:///{work / 'newsmon.db'}"
        daemon = stack.enter_context(running_daemon(config, work / "daemon.log"))
        publisher, sampler = Publisher(sites, 3.0), ChildPeak(daemon.pid)
        scraper = Scraper(work / "daemon.log")
        publisher.start()
        sampler.start()
        if server == "on":
            scraper.start()
        started = time.monotonic()
        done = 0
        while done < WARM_UP_CRAWLS:
            time.sleep(1)
            done = finished_crawls(url)
        rss0, fds0 = snapshot("start", daemon.pid, done, time.monotonic() - started)
        base_time, base_done, cpu0 = time.monotonic(), done, cpu_seconds(daemon.pid)
        while done < crawls:
            time.sleep(2)
            done = finished_crawls(url)
            if daemon.poll() is not None:
                raise SystemExit(f"daemon died: see {work / 'daemon.log'}")
        rss1, fds1 = snapshot("end", daemon.pid, done, time.monotonic() - started)
        wall = time.monotonic() - base_time
        cpu = (cpu_seconds(daemon.pid) - cpu0) / wall * 100
        rate = (done - base_done) / (wall / 60)
        for worker in (publisher, sampler, scraper):
            worker.stop.set()
        sampler.join()
    print(f"daemon RSS growth {(rss1 - rss0) / 1024:+.1f} MB, open fds {fds0} -> {fds1}")
    print(f"daemon CPU {cpu:.2f}% of one core over {wall:.0f}s (its own, without the crawls)")
    if server == "on":
        print(
            f"{scraper.requests} scrapes, {scraper.failures} failed, slowest "
            f"{scraper.slowest * 1000:.0f} ms"
        )
    print(f"peak RSS of a child crawl {sampler.peak_kb / 1024:.1f} MB")
    print(
        f"{rate:.1f} crawls/minute with {sources} sources every {every}"
        f" ({publisher.published} articles published per source)"
    )
    return {"rss_mb": rss1 / 1024, "cpu_percent": cpu}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crawls", type=int, default=200)
    parser.add_argument("--sources", type=int, default=3)
    parser.add_argument("--every", default="1s")
    parser.add_argument(
        "--server",
        choices=["off", "on", "both"],
        default="both",
        help="the daemon's status server (on: scraped every 5 s)",
    )
    args = parser.parse_args()
    figures = {}
    for server in ("off", "on") if args.server == "both" else (args.server,):
        with tempfile.TemporaryDirectory(prefix="newsmon-soak-") as work:
            figures[server] = soak(
                max(args.crawls, WARM_UP_CRAWLS + 1), args.sources, args.every, Path(work), server
            )
    if len(figures) == 2:
        off, on = figures["off"], figures["on"]
        print(
            f"server on vs off: daemon RSS {on['rss_mb']:.1f} vs {off['rss_mb']:.1f} MB "
            f"({on['rss_mb'] - off['rss_mb']:+.1f}), CPU {on['cpu_percent']:.2f}% vs "
            f"{off['cpu_percent']:.2f}%"
        )


if __name__ == "__main__":
    main()
