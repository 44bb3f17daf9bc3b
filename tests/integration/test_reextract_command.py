"""`corpus show --html` and `corpus reextract` (report, --apply, --undo) over real captures."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

import crawler.parsers.article as article_parser
from crawler.config import load_config
from crawler.parsers.base import Extracted, NoArticle
from newsmon import reextract
from tests.fixture_server import serve
from tests.integration.harness import corpus_files, run_newsmon
from tests.integration.invariants import assert_corpus_invariants
from tests.integration.site_articles import ON_TOPIC_1, ON_TOPIC_2, REPOST_OF_1
from tests.integration.test_crawl_command import add_feed, build_site, write_config


def crawled(workdir: Path, database_url: str) -> tuple[Path, dict[str, bytes]]:
    """Crawl the fixture site once; (config, served bytes by URL path)."""
    site = build_site()
    with serve(site) as served:
        add_feed(served)
        config = write_config(workdir, [served.url("/rss/allArticle.xml")], database_url)
        result = run_newsmon("crawl", "--config", str(config), cwd=workdir)
        assert result.returncode == 0, result.stderr
    return config, {path: page.body for path, page in site.routes.items()}


def file_of(workdir: Path, text: str) -> str:
    """The corpus file holding `text` (crawls store concurrent articles in either order)."""
    (name,) = [n for n in corpus_files(workdir)
               if (workdir / "corpus" / n).read_text(encoding="utf-8") == text]  # fmt: skip
    return name


def near_keys(workdir: Path, names: list[str]) -> list[bool]:
    """Which of `names` the near-duplicate index holds (it follows the corpus files)."""
    from crawler.neardup import NearDuplicateIndex

    index = NearDuplicateIndex.open(workdir / "corpus.newsmon" / "near-index")
    try:
        return [bool(held) for held in index.known(names)]
    finally:
        index.close()


def newsmon_json(config: Path, workdir: Path, *args: str) -> object:
    result = run_newsmon(*args, "--config", str(config), "--json", cwd=workdir)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_show_gives_provenance_and_the_served_bytes(workdir: Path, database_url: str) -> None:
    config, served = crawled(workdir, database_url)
    name = file_of(workdir, ON_TOPIC_1.text)
    shown = newsmon_json(config, workdir, "corpus", "show", name[:3])
    assert isinstance(shown, dict)
    path = "/" + shown["url"].split("/", 3)[3]
    assert path in {ON_TOPIC_1.path, REPOST_OF_1.path} and shown["source"] == "fixture"
    assert shown["captures"][0]["decision"] == "added"
    assert Path(shown["captures"][0]["warc"]).is_file()
    out = workdir / "page.html"
    html = run_newsmon("corpus", "show", shown["file"], "--html", str(out), "--config",
                       str(config), cwd=workdir)  # fmt: skip
    assert html.returncode == 0, html.stderr
    assert out.read_bytes() == served[path]
    seed = run_newsmon("corpus", "show", "000", "--html", "--config", str(config), cwd=workdir)
    assert seed.returncode == 1 and "no capture" in seed.stderr


def test_reextract_reports_unchanged_then_exactly_the_changed_file_and_round_trips(
    workdir: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    config_path, _ = crawled(workdir, database_url)
    report = newsmon_json(config_path, workdir, "corpus", "reextract")
    assert isinstance(report, dict)
    assert report["counts"] == {"unchanged": 2}
    before = corpus_files(workdir)
    seq = int(file_of(workdir, ON_TOPIC_1.text)[:3])
    other = file_of(workdir, ON_TOPIC_2.text)

    original = article_parser.read_article

    def changed_rule(body: bytes, url: str, **kwargs: object) -> Extracted | NoArticle:
        found = original(body, url, **kwargs)  # type: ignore[arg-type]
        if isinstance(found, NoArticle):
            return found
        # the new rule: a reporter's sign-off line ("/name email") is not part of the body
        kept = tuple(p for p in found.paragraphs if not p.startswith("/"))
        return dataclasses.replace(found, paragraphs=kept)

    monkeypatch.setattr(article_parser, "read_article", changed_rule)
    config = load_config(config_path, env={})
    dry = reextract.reextract(config)
    changed = [f for f in dry.files if f.status == "changed"]
    assert [f.seq for f in changed] == [seq] and dry.run is None
    assert changed[0].change is not None and changed[0].change.lines_removed == 1
    assert corpus_files(workdir) == before  # nothing written without --apply
    applied = reextract.reextract(config, apply=True)
    (done,) = [f for f in applied.files if f.status == "applied"]
    assert done.new_file is not None and done.new_file.startswith(f"{seq:03d}_")
    assert done.new_file in corpus_files(workdir) and done.file not in corpus_files(workdir)
    text = (workdir / "corpus" / done.new_file).read_text(encoding="utf-8")
    assert text == ON_TOPIC_1.text.rsplit("\n", 1)[0]
    assert_corpus_invariants(workdir, config_path)
    assert near_keys(workdir, [done.new_file, done.file, other]) == [True, False, True]
    history = newsmon_json(config_path, workdir, "corpus", "history", str(seq))
    assert isinstance(history, dict) and history["names"] == [done.file, done.new_file]
    export = run_newsmon("export", "--config", str(config_path), cwd=workdir)
    rows = [json.loads(line) for line in export.stdout.splitlines()]
    assert [r["previous_names"] for r in rows if r["seq"] == seq] == [[done.file]]
    assert applied.run is not None
    undone = run_newsmon("corpus", "reextract", "--undo", applied.run, "--config",
                         str(config_path), cwd=workdir)  # fmt: skip
    assert undone.returncode == 0, undone.stderr
    assert corpus_files(workdir) == before
    assert_corpus_invariants(workdir, config_path)
    assert near_keys(workdir, [done.new_file, done.file, other]) == [False, True, True]
    assert (workdir / "corpus" / other).read_text(encoding="utf-8") == ON_TOPIC_2.text
