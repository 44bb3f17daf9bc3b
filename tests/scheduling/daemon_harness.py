"""Runs the real `newsmon daemon` in a subprocess against fixture sites on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from corpus_folder.store import NAME_PATTERN
from tests.fixture_server import FixtureSite, Page
from tests.sitegen import Article, article_page, rss_feed

REPO = Path(__file__).resolve().parents[2]
FEED = "/rss/allArticle.xml"


class LoggedSite(FixtureSite):
    """Also records when each request came and from which User-Agent."""

    def __init__(self) -> None:
        super().__init__()
        self.log: list[tuple[float, str, str]] = []

    def record(self, path: str, page: Page, headers: dict[str, str]) -> None:
        super().record(path, page, headers)
        with self.lock:
            self.log.append((time.monotonic(), path, headers.get("user-agent", "")))

    def times(self, agent: str) -> list[float]:
        with self.lock:
            return [at for at, _, who in self.log if who.startswith(agent)]


def make_article(n: int) -> Article:
    """A distinct article (its own numbers in every sentence, so no two are near-duplicates)."""
    headline = f"광주 지역 소식 {n}호: 시의회 {n * 7}차 회의"
    return Article(
        idxno=1000 + n,
        headline=headline,
        paragraphs=(
            f"광주시의회는 {n}일 제{n * 7}차 본회의를 열고 조례안 {n + 3}건을 의결했다.",
            f"이번 회의에서는 지역 예산 {n * 13}억 원 규모의 추경안과 "
            f"{n % 5 + 2}개 상임위원회 안건이 논의됐다.",
            f"의원 {n + 20}명이 참석했으며 시민 방청객 {n * 3 + 11}명이 회의를 지켜봤다.",
            f"다음 회의는 {n % 28 + 1}일 열릴 예정이다. /기자 {n}",
        ),
    )


def publish(site: FixtureSite, articles: list[Article], delay: float = 0.0) -> None:
    """Serve these articles and a feed listing them (newest first, as outlets do)."""
    for article in articles:
        site.add(article.path, article_page(article), delay=delay)
    site.add(
        FEED,
        rss_feed(site.base_url, [a.path for a in reversed(articles)]),
        content_type="application/rss+xml; charset=utf-8",
    )


def write_config(
    tmp: Path,
    feeds: dict[str, str],
    every: str = "2s",
    crawl_timeout: str = "20s",
    stop_grace: str = "5s",
    webhook_url: str = "",
    listen: str = "127.0.0.1:0",
    database_url: str = "",
    corpus: Path | None = None,
    user_agent: str = "",
    failover: str = "30s",
) -> Path:
    """A daemon's config in `tmp` (SQLite beside it unless `database_url` names another)."""
    database_url = database_url or f"sqlite:///{tmp / 'newsmon.db'}"
    agent = f'user_agent = "{user_agent}"\n' if user_agent else ""
    sources = "".join(
        f'[[sources]]\nkey = "{key}"\nfeeds = ["{url}"]\nevery = "{every}"\n'
        for key, url in feeds.items()
    )
    config = tmp / "newsmon.toml"
    config.write_text(
        f"""
[corpus]
dir = "{corpus or tmp / "corpus"}"
[database]
url = "{database_url}"
[crawl]
{agent}download_delay = 0
autothrottle = false
obey_robots = false
timeout = "60s"
retries = 0
[dedup]
near = false
[daemon]
crawl_timeout = "{crawl_timeout}"
stop_grace = "{stop_grace}"
misfire_grace = "10s"
listen = "{listen}"
failover = "{failover}"
[alerts]
webhook_url = "{webhook_url}"
timeout = "5s"
{sources}""",
        encoding="utf-8",
    )
    return config


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSMON_")}
    env["PYTHONPATH"] = str(REPO)
    return env


@contextmanager
def running_daemon(config: Path, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """Start `newsmon daemon`; on exit make sure it and its crawls are gone."""
    with open(log, "ab") as err:
        daemon = subprocess.Popen(
            [sys.executable, "-m", "newsmon", "daemon", "--config", str(config)],
            cwd=config.parent,
            env=clean_env(),
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    try:
        yield daemon
    finally:
        kill_tree(daemon.pid)
        daemon.wait(timeout=30)


def children_of(pid: int) -> list[int]:
    """Direct children of `pid`, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with suppress(OSError, IndexError):
                if int((entry / "stat").read_text().rsplit(") ", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
    return found


def crawls_running(config: Path) -> list[int]:
    """Pids of crawl processes started with this config (live, not zombies)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with suppress(OSError):
                cmdline = (entry / "cmdline").read_bytes().split(b"\0")
                state = (entry / "stat").read_text().rsplit(") ", 1)[1][0]
                if b"crawl" in cmdline and str(config).encode() in cmdline and state not in "ZX":
                    pids.append(int(entry.name))
    return pids


def kill_tree(pid: int) -> None:
    """SIGKILL a daemon and the process groups of its crawls (a power cut, as far as they know)."""
    for child in children_of(pid):
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(child, signal.SIGKILL)
    with suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def wait_until(predicate: Callable[[], bool], timeout: float) -> bool:
    """Poll `predicate` until it holds or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def corpus_texts(corpus: Path) -> dict[str, bytes]:
    """Corpus file name -> bytes (temporary and lock files excluded)."""
    if not corpus.is_dir():
        return {}
    return {p.name: p.read_bytes() for p in corpus.iterdir() if not p.name.startswith(".")}


def stray_files(corpus: Path) -> list[str]:
    """Anything in the corpus folder but finished NNN_<hash>.txt files: a partial or malformed
    file, a lock or a staging folder shows up here (the folder holds only the corpus)."""
    return sorted(p.name for p in corpus.iterdir() if not NAME_PATTERN.match(p.name))


def run_newsmon(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """A one-off `newsmon` command with the test environment."""
    return subprocess.run(
        [sys.executable, "-m", "newsmon", *args],
        cwd=cwd,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
