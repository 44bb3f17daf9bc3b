"""Two `newsmon crawl` processes at once on one corpus and database: no shared number, no copy."""

from __future__ import annotations

import hashlib
import json
import os
import random
import subprocess
import sys
from pathlib import Path

from tests.fixture_server import FixtureSite, serve
from tests.integration.harness import REPO, SEEDS, run_newsmon
from tests.sitegen import Article, article_page, rss_feed

PER_SITE = 12
SYLLABLES = "가나다라마바사아자차카타파하거너더러머버서어저처커터퍼허고노도로모보소오조초"


def article(site: int, number: int) -> Article:
    # Distinct texts, not near copies: random words from a seeded generator per article.
    rng = random.Random(site * 1000 + number)
    paragraphs = [
        " ".join("".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) for _ in range(14)) + "."
        for _ in range(4)
    ]
    return Article(idxno=number, headline=f"광주 AI 소식 {site}-{number}", paragraphs=paragraphs)


def site_with(site_number: int) -> FixtureSite:
    site = FixtureSite()
    for number in range(1, PER_SITE + 1):
        a = article(site_number, number)
        site.add(a.path, article_page(a))
    return site


def test_two_crawls_at_once_share_the_corpus_safely(workdir: Path, database_url: str) -> None:
    tmp_path, corpus = workdir, workdir / "corpus"
    with serve(site_with(1)) as one, serve(site_with(2)) as two:
        configs = []
        for name, site in (("one", one), ("two", two)):
            paths = [article(1, n).path for n in range(1, PER_SITE + 1)]
            site.add("/rss/allArticle.xml", rss_feed(site.base_url, paths))
            config = tmp_path / f"{name}.toml"
            config.write_text(
                f'[corpus]\ndir = "{corpus}"\n[database]\nurl = "{database_url}"\n'
                "[crawl]\ndownload_delay = 0\nautothrottle = false\n"
                f'[[sources]]\nkey = "{name}"\nfeeds = ["{site.url("/rss/allArticle.xml")}"]\n',
                encoding="utf-8",
            )
            configs.append(config)
        run_newsmon("db", "upgrade", "--config", str(configs[0]), cwd=tmp_path)
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "newsmon", "crawl", "--json", "--config", str(c)],
                cwd=tmp_path,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
            )
            for c in configs
        ]
        outputs = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err[-2000:] for _, err in outputs]
    reports = [json.loads(out)[0] for out, _ in outputs]
    assert [r["errors"] for r in reports] == [0, 0]
    added = sum(r["added"] for r in reports)
    assert added == 2 * PER_SITE
    names = sorted(p.name for p in corpus.glob("*.txt") if p.name not in {s.name for s in SEEDS})
    assert [int(n.split("_")[0]) for n in names] == list(range(5, 5 + 2 * PER_SITE))
    digests = [hashlib.sha256((corpus / n).read_bytes()).hexdigest() for n in names]
    assert len(set(digests)) == len(digests)
    assert all(n.split("_")[1][:16] == d[:16] for n, d in zip(names, digests, strict=True))
    assert sorted(os.listdir(corpus)) == sorted(p.name for p in corpus.glob("*.txt"))  # only files
