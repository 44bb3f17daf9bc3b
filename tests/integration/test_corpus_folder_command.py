"""After a real `newsmon crawl` the corpus folder holds only NNN_<hash>.txt files, killed or not."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from corpus_folder.store import NAME_PATTERN
from tests.fixture_server import FixtureSite, Page, serve
from tests.integration.harness import REPO, SEEDS, run_newsmon, seed_corpus, write_config
from tests.sitegen import Article, article_page, rss_feed

ARTICLES = 24
SYLLABLES = "가나다라마바사아자차카타파하거너더러머버서어저처커터퍼허고노도로모보소오조초"


def article(number: int) -> Article:
    rng = random.Random(number)  # distinct texts, not near copies
    paragraphs = [
        " ".join("".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) for _ in range(14)) + "."
        for _ in range(4)
    ]
    return Article(idxno=number, headline=f"광주 AI 소식 {number}", paragraphs=paragraphs)


def build_site(delay: float = 0.0) -> FixtureSite:
    site = FixtureSite()
    for number in range(1, ARTICLES + 1):
        a = article(number)
        site.add(a.path, Page(article_page(a).encode("utf-8"), delay=delay))
    return site


def configure(workdir: Path, site: FixtureSite, database_url: str) -> Path:
    paths = [article(n).path for n in range(1, ARTICLES + 1)]
    site.add("/rss/allArticle.xml", rss_feed(site.base_url, paths))
    feed = site.url("/rss/allArticle.xml")
    body = f'[[sources]]\nkey = "fixture"\nname = "뉴스몬일보"\nfeeds = ["{feed}"]\n'
    return write_config(workdir, database_url, body)


def check_corpus(corpus: Path) -> list[str]:
    """Every entry is a corpus file, a crawled one named after its bytes (the seeds keep the
    names they came with); numbers are contiguous."""
    names = sorted(os.listdir(corpus))
    assert [n for n in names if not NAME_PATTERN.match(n)] == []
    for name in names[len(SEEDS) :]:
        digest = hashlib.sha256((corpus / name).read_bytes()).hexdigest()
        assert name.split("_")[1] == f"{digest[:16]}.txt"
    assert [int(n.split("_")[0]) for n in names] == list(range(len(names)))
    return names


def test_a_crawl_leaves_only_corpus_files(workdir: Path, database_url: str) -> None:
    corpus = seed_corpus(workdir) / "corpus"
    with serve(build_site()) as site:
        config = configure(workdir, site, database_url)
        done = run_newsmon("crawl", "--config", str(config), cwd=workdir)
    assert done.returncode == 0, done.stderr
    assert len(check_corpus(corpus)) == 5 + ARTICLES
    assert (workdir / "corpus.newsmon" / "near-index").is_dir()  # beside, not inside
    verify = run_newsmon("corpus", "verify", "--config", str(config), cwd=workdir)
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_after_a_sigkill_mid_crawl_and_a_rerun_only_corpus_files(
    workdir: Path, database_url: str
) -> None:
    corpus = seed_corpus(workdir) / "corpus"
    with serve(build_site(delay=0.3)) as site:
        config = configure(workdir, site, database_url)
        run_newsmon("db", "upgrade", "--config", str(config), cwd=workdir)
        crawl = subprocess.Popen(
            [sys.executable, "-m", "newsmon", "crawl", "--config", str(config)],
            cwd=workdir, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while len(os.listdir(corpus)) < 5 + 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.killpg(crawl.pid, signal.SIGKILL)  # the crawl and its extraction worker, mid-crawl
        crawl.wait()
        killed = check_corpus(corpus)
        assert 5 + 3 <= len(killed) < 5 + ARTICLES
        rerun = run_newsmon("crawl", "--config", str(config), cwd=workdir)
    assert rerun.returncode == 0, rerun.stderr
    assert len(check_corpus(corpus)) == 5 + ARTICLES
    verify = run_newsmon("corpus", "verify", "--config", str(config), cwd=workdir)
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_an_earlier_versions_folder_is_upgraded_by_the_first_crawl(
    workdir: Path, database_url: str
) -> None:
    corpus = seed_corpus(workdir) / "corpus"
    (corpus / ".newsmon.lock").write_bytes(b"")
    (corpus / ".newsmon-staging").mkdir()
    (corpus / ".newsmon-staging" / "0badc0ffee00.lock").write_bytes(b"")
    (corpus / ".newsmon-index").mkdir()
    (corpus / ".newsmon-index" / "CURRENT").write_text("{}")
    with serve(build_site()) as site:
        config = configure(workdir, site, database_url)
        done = run_newsmon("crawl", "--config", str(config), cwd=workdir)
    assert done.returncode == 0, done.stderr
    assert len(check_corpus(corpus)) == 5 + ARTICLES  # seeds kept their names and numbers


def test_a_read_only_corpus_folder_is_one_clear_line(workdir: Path, database_url: str) -> None:
    corpus = seed_corpus(workdir) / "corpus"
    with serve(build_site()) as site:
        config = configure(workdir, site, database_url)
        if os.geteuid() == 0:
            # root writes through permission bits: make the folder a read-only bind mount
            mounted = subprocess.run(
                ["mount", "--bind", "-o", "ro", str(corpus), str(corpus)],
                capture_output=True, check=False,
            )  # fmt: skip
            if mounted.returncode != 0:
                import pytest

                pytest.skip(f"no read-only bind mount here: {mounted.stderr.decode().strip()}")
        else:
            corpus.chmod(0o555)
        try:
            done = run_newsmon("crawl", "--config", str(config), cwd=workdir)
        finally:
            if os.geteuid() == 0:
                subprocess.run(["umount", str(corpus)], check=False)
            else:
                corpus.chmod(0o755)
        assert site.requested("/news/") == []  # nothing fetched
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert f"corpus folder {corpus} is not writable" in done.stderr
    assert len(check_corpus(corpus)) == 5
