"""Symlinks and other non-files named like corpus files: reported, never read or exported."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.fixture_server import FixtureSite, serve
from tests.integration import harness
from tests.integration.harness import run_newsmon
from tests.integration.invariants import assert_corpus_invariants
from tests.integration.site_articles import ON_TOPIC_1
from tests.sitegen import article_page, rss_feed

pytestmark = pytest.mark.integration
LINK = "007_0123456789abcdef.txt"
FOLDER = "008_fedcba9876543210.txt"
FIFO = "009_00000000000000ff.txt"


def test_links_and_non_files_are_reported_and_never_read(workdir: Path, database_url: str) -> None:
    secret = workdir / "secret.txt"
    secret.write_text("비밀 문서\n주민등록번호 000000-0000000", encoding="utf-8")
    corpus = workdir / "corpus"
    os.symlink(secret, corpus / LINK)
    (corpus / FOLDER).mkdir()
    os.mkfifo(corpus / FIFO)  # reading it would hang the command: proof it is never opened
    with serve(FixtureSite()) as site:
        site.add(ON_TOPIC_1.path, article_page(ON_TOPIC_1))
        site.add("/rss", rss_feed(site.base_url, [ON_TOPIC_1.path]), content_type="text/xml")
        config = harness.write_config(
            workdir,
            database_url,
            '[topic]\nall = ["광주"]\n'
            f'[[sources]]\nkey = "outlet"\nfeeds = ["{site.url("/rss")}"]\n',
        )
        crawl = run_newsmon("crawl", "--config", str(config), "--json", cwd=workdir)
    assert crawl.returncode == 0, crawl.stderr
    assert json.loads(crawl.stdout)[0]["added"] == 1
    verify = run_newsmon("corpus", "verify", "--config", str(config), "--json", cwd=workdir)
    assert verify.returncode == 1
    assert json.loads(verify.stdout)["not_regular"] == [LINK, FOLDER, FIFO]
    export = run_newsmon("export", "--config", str(config), cwd=workdir)
    assert export.returncode == 0, export.stderr
    files = [json.loads(line)["file"] for line in export.stdout.splitlines()]
    assert len(files) == 6 and not {LINK, FOLDER, FIFO} & set(files)
    assert "비밀" not in export.stdout
    stats = run_newsmon("corpus", "stats", "--config", str(config), "--json", cwd=workdir)
    assert json.loads(stats.stdout)["files"] == 6
    for name in (LINK, FIFO):
        (corpus / name).unlink()
    (corpus / FOLDER).rmdir()
    assert len(assert_corpus_invariants(workdir, config)) == 6
    assert secret.read_text(encoding="utf-8").startswith("비밀")  # untouched


def test_a_file_replaced_by_a_link_is_not_exported(workdir: Path, database_url: str) -> None:
    config = harness.write_config(
        workdir, database_url, '[[sources]]\nkey = "o"\nfeeds = ["http://127.0.0.1:9/rss"]\n'
    )
    # the first use indexes the seed files
    assert run_newsmon("export", "--config", str(config), cwd=workdir).returncode == 0
    corpus = workdir / "corpus"
    victim = sorted(p.name for p in corpus.iterdir() if p.name.endswith(".txt"))[0]
    (corpus / victim).unlink()
    os.symlink(workdir / "newsmon.toml", corpus / victim)
    export = run_newsmon("export", "--config", str(config), cwd=workdir)
    assert victim not in export.stdout and len(export.stdout.splitlines()) == 4
    verify = run_newsmon("corpus", "verify", "--config", str(config), "--json", cwd=workdir)
    report = json.loads(verify.stdout)
    assert report["not_regular"] == [victim] and report["missing_files"] == [victim]
