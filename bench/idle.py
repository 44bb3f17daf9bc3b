"""The cost of watching: the daemon polling sources whose feeds answer 304, for a while.

Run from the repository root: ``python -m bench.idle [--duration 150] [--sources 13]
[--every 5s] [--mode poll|child|both]``. Each source is a fixture site on 127.0.0.1 with a feed
(ETag) whose articles are all known (a first `newsmon crawl` stores them), so every poll finds
nothing new. Prints CPU seconds per source-poll (the daemon and everything it started),
requests per poll (discovery URLs; robots.txt apart), processes started, and the peak resident
memory of the daemon and of anything it started. ``--mode child`` forces the crawl process per
poll of earlier versions (``[daemon] poll = false``), for the before/after comparison.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # running as a plain script puts bench/, not the repo, on the path
    sys.path.insert(0, str(REPO))

from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.exc import OperationalError  # noqa: E402

from db.models import CrawlRun  # noqa: E402
from db.session import open_database  # noqa: E402
from tests.conditional_server import ConditionalSite, serve_conditional  # noqa: E402
from tests.scheduling.daemon_harness import (  # noqa: E402
    FEED,
    children_of,
    clean_env,
    make_article,
    running_daemon,
)
from tests.sitegen import article_page, rss_feed  # noqa: E402

ARTICLES = 20  # per feed, all known after the priming crawl


def cpu_seconds(pid: int) -> float:
    """User + system CPU of the process and of its children it has waited for."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()
    return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def peak_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class Watcher(threading.Thread):
    """Samples the daemon's descendants: how many were started, their highest peak RSS."""

    def __init__(self, daemon_pid: int) -> None:
        super().__init__(daemon=True)
        self.daemon_pid = daemon_pid
        self.seen: set[int] = set()
        self.peak_kb = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.02):
            stack = children_of(self.daemon_pid)
            while stack:
                pid = stack.pop()
                self.seen.add(pid)
                self.peak_kb = max(self.peak_kb, peak_kb(pid))
                stack.extend(children_of(pid))


def finished_runs(url: str) -> int:
    database = open_database(url, migrate=False)
    try:
        with database.session() as session:
            query = select(func.count()).where(CrawlRun.status != "running")
            return int(session.scalar(query) or 0)
    except OperationalError:
        return 0
    finally:
        database.close()


def build_site(site: ConditionalSite, index: int) -> None:
    paths = []
    for n in range(ARTICLES):
        article = make_article(index * 1000 + n)
        site.add(article.path, article_page(article))
        paths.append(article.path)
    site.add(FEED, rss_feed(site.base_url, paths), content_type="application/rss+xml")
    site.validate(FEED, etag=f'"feed-{index}"', modified="Tue, 21 Oct 2025 00:30:00 GMT")


def write_config(work: Path, feeds: dict[str, str], every: str, poll: bool) -> Path:
    sources = "".join(
        f'[[sources]]\nkey = "{key}"\nfeeds = ["{url}"]\nevery = "{every}"\n'
        for key, url in feeds.items()
    )
    config = work / "newsmon.toml"
    config.write_text(
        f"""
[corpus]
dir = "{work / "corpus"}"
[database]
url = "sqlite:///{work / "newsmon.db"}"
[crawl]
download_delay = 0
autothrottle = false
retries = 0
[topic]
terms = ["광주"]
[daemon]
crawl_timeout = "60s"
listen = ""
poll = {str(poll).lower()}
{sources}""",
        encoding="utf-8",
    )
    return config


def bench(mode: str, sources: int, every: str, duration: float, work: Path) -> None:
    print(f"-- {mode}: {sources} sources every {every}, {duration:.0f}s")
    with ExitStack() as stack:
        sites = [ConditionalSite() for _ in range(sources)]
        for site in sites:
            stack.enter_context(serve_conditional(site))
        for index, site in enumerate(sites):
            build_site(site, index)
        feeds = {f"idle{i}": site.url(FEED) for i, site in enumerate(sites)}
        config = write_config(work, feeds, every, poll=mode == "poll")
        prime = subprocess.run(
            [sys.executable, "-m", "newsmon", "crawl", "--config", str(config)],
            cwd=work,
            env=clean_env(),
            capture_output=True,
            check=False,
        )
        if prime.returncode != 0:
            raise SystemExit(f"priming crawl failed:\n{prime.stderr.decode()[-2000:]}")
        for site in sites:
            site.clear_log()
        url = f"sqlite:///{work / 'newsmon.db'}"
        runs0 = finished_runs(url)
        daemon = stack.enter_context(running_daemon(config, work / "daemon.log"))
        watcher = Watcher(daemon.pid)
        watcher.start()
        # the first round includes the daemon's own start-up: measure from its end
        while finished_runs(url) - runs0 < sources:
            time.sleep(0.2)
        runs1, cpu0 = finished_runs(url), cpu_seconds(daemon.pid)
        before = [(len(site.answered()), len(site.answered(FEED))) for site in sites]
        time.sleep(duration)
        cpu = cpu_seconds(daemon.pid) - cpu0
        polls = finished_runs(url) - runs1
        watcher.stop.set()
        watcher.join()
        daemon_peak = peak_kb(daemon.pid)
        discovery = [
            hit
            for site, (_, feed) in zip(sites, before, strict=True)
            for hit in site.answered(FEED)[feed:]
        ]
        others = sum(
            len(site.answered()) - total for site, (total, _) in zip(sites, before, strict=True)
        )
        others -= len(discovery)
    not_modified = sum(hit.status == 304 for hit in discovery)
    polls = max(polls, 1)
    print(f"source-polls {polls}, CPU {cpu:.2f} s in all: {cpu / polls * 1000:.1f} ms per poll")
    print(
        f"requests per poll: {len(discovery) / polls:.2f} to the feed "
        f"({not_modified} of {len(discovery)} answered 304), {others} others in all "
        "(robots.txt, article pages)"
    )
    print(f"processes started: {len(watcher.seen)} ({len(watcher.seen) / polls:.2f} per poll)")
    print(
        f"peak RSS: daemon {daemon_peak / 1024:.1f} MB, anything it started "
        f"{watcher.peak_kb / 1024:.1f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=150.0, help="seconds of watching")
    parser.add_argument("--sources", type=int, default=13)
    parser.add_argument("--every", default="5s")
    parser.add_argument(
        "--mode",
        choices=["poll", "child", "both"],
        default="both",
        help="child: a crawl process per poll, as before daemon-side discovery",
    )
    args = parser.parse_args()
    for mode in ("child", "poll") if args.mode == "both" else (args.mode,):
        with tempfile.TemporaryDirectory(prefix="newsmon-idle-") as work:
            bench(mode, args.sources, args.every, args.duration, Path(work))


if __name__ == "__main__":
    main()
