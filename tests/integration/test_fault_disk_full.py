"""A corpus on a full file system: every committed article is reported added, nothing is lost."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from corpus_folder.store import NAME_PATTERN
from tests.fixture_server import FixtureSite, serve
from tests.integration import harness
from tests.integration.harness import SEEDS, run_newsmon
from tests.integration.invariants import assert_corpus_invariants
from tests.integration.mounts import tiny_tmpfs
from tests.scheduling.daemon_harness import FEED, make_article, publish

pytestmark = pytest.mark.integration
ARTICLES = [make_article(n) for n in range(1, 41)]


def _stored(corpus: Path) -> set[bytes]:
    return {p.read_bytes() for p in corpus.iterdir() if NAME_PATTERN.match(p.name)}


def test_full_disk_reports_every_committed_article_then_recovers(
    tmp_path: Path, database_url: str
) -> None:
    corpus = tmp_path / "corpus"
    with tiny_tmpfs(corpus, "96k"), serve(FixtureSite()) as site:
        for seed in SEEDS:
            shutil.copy(seed, corpus / seed.name)
        publish(site, ARTICLES)
        config = harness.write_config(
            tmp_path, database_url, f'[[sources]]\nkey = "full"\nfeeds = ["{site.url(FEED)}"]\n'
        )
        first = run_newsmon("crawl", "--config", str(config), "--json", cwd=tmp_path)
        (report,) = json.loads(first.stdout)
        new = _stored(corpus) - {seed.read_bytes() for seed in SEEDS}
        assert 0 < len(new) < len(ARTICLES), "the disk should fill part way"
        # the report counts exactly what is stored and committed
        assert report["added"] == len(new) == len(report["added_files"]), first.stderr
        assert report["failed"] and "corpus_disk_full" in str(report["reason"])
        export = run_newsmon("export", "--config", str(config), cwd=tmp_path)
        assert len(export.stdout.splitlines()) == len(SEEDS) + len(new)
        subprocess.run(["mount", "-o", "remount,size=4m", str(corpus)], check=True)
        second = run_newsmon("crawl", "--config", str(config), "--json", cwd=tmp_path)
        assert second.returncode == 0, second.stderr
        (again,) = json.loads(second.stdout)
        assert again["added"] == len(ARTICLES) - len(new)
        assert {a.text.encode() for a in ARTICLES} <= _stored(corpus)
        names = assert_corpus_invariants(tmp_path, config)
        assert len(names) == len(SEEDS) + len(ARTICLES)
