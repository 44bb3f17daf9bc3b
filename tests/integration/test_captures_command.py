"""WARC captures end to end: the real `newsmon crawl` archives every article response."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from warcio.archiveiterator import ArchiveIterator

from tests.fixture_server import FixtureSite, Page, serve
from tests.integration.harness import corpus_files, run_newsmon
from tests.integration.invariants import assert_corpus_invariants
from tests.integration.mounts import read_only, tiny_tmpfs
from tests.integration.site_articles import ON_TOPIC_1
from tests.integration.test_crawl_command import add_feed, build_site, write_config
from tests.sitegen import rss_feed

ARTICLE_PREFIX = "/news/articleView.html"


def archive_records(workdir: Path) -> list[tuple[str, str, bytes, dict[str, str]]]:
    """(type, target URI, payload, WARC headers) of every record, file by file."""
    folder = workdir / "corpus.newsmon" / "archive"
    records = []
    for path in sorted(folder.glob("*.warc.gz")):
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                headers = dict(record.rec_headers.headers)
                uri = headers.get("WARC-Target-URI", "")
                records.append((record.rec_type, uri, record.content_stream().read(), headers))
    return records


def sha1_digest(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def test_crawl_writes_one_response_record_per_article_request(
    workdir: Path, database_url: str
) -> None:
    with serve(build_site()) as site:
        add_feed(site)
        config = write_config(workdir, [site.url("/rss/allArticle.xml")], database_url)
        result = run_newsmon("crawl", "--config", str(config), "--json", cwd=workdir)
        assert result.returncode == 0, result.stderr
        requested = site.requested(ARTICLE_PREFIX)
        records = archive_records(workdir)
    responses = [r for r in records if r[0] == "response"]
    assert sorted(uri.removeprefix(site.base_url) for _, uri, _, _ in responses) == sorted(
        requested
    )
    for _, uri, payload, headers in responses:
        path = uri.removeprefix(site.base_url)
        if path in site.routes:
            assert payload == site.routes[path].body
        assert headers["WARC-Payload-Digest"] == sha1_digest(payload)
        assert headers["WARC-Date"]
    assert sum(1 for r in records if r[0] == "request") == len(responses)
    decisions = [r[2].decode() for r in records if r[0] == "metadata"]
    added = [name for name in corpus_files(workdir) if name.startswith(("005_", "006_"))]
    for name in added:
        assert sum(f"newsmon-corpus-file: {name}" in text for text in decisions) == 1
    assert any("newsmon-decision: off_topic" in text for text in decisions)


def capture_rows(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("SELECT count(*) FROM captures")).scalar_one())
    finally:
        engine.dispose()


def archived_config(workdir: Path, site: FixtureSite, database_url: str, archive: Path) -> Path:
    config = write_config(workdir, [site.url("/rss/allArticle.xml")], database_url)
    with open(config, "a", encoding="utf-8") as out:
        out.write(f'[archive]\ndir = "{archive}"\nmax_file_bytes = 1048576\n')
    return config


@pytest.mark.parametrize("fault", ["read_only", "full"])
def test_capture_write_failure_keeps_the_corpus_and_says_it_once(
    workdir: Path, database_url: str, fault: str
) -> None:
    archive = workdir / "archive"
    archive.mkdir()
    mount = read_only(archive) if fault == "read_only" else tiny_tmpfs(archive, "12k")
    with mount, serve(build_site()) as site:
        add_feed(site)
        config = archived_config(workdir, site, database_url, archive)
        result = run_newsmon("crawl", "--config", str(config), "--json", cwd=workdir)
        assert result.returncode == 0, result.stderr
        (report,) = json.loads(result.stdout)
        assert report["added"] == 2
        said = [line for line in result.stderr.splitlines() if "WARC captures" in line]
        assert len(said) == 1, result.stderr
        names = assert_corpus_invariants(workdir, config)
        assert len(names) == 7
        # whatever was written is whole: every record reads, and each indexed one is there
        responses = 0
        for path in archive.glob("*.warc.gz"):
            with open(path, "rb") as stream:
                responses += sum(r.rec_type == "response" for r in ArchiveIterator(stream))
        assert capture_rows(database_url) == responses
        assert responses < len(site.requested(ARTICLE_PREFIX))


def test_discovery_pages_are_captured_when_asked(workdir: Path, database_url: str) -> None:
    with serve(build_site()) as site:
        add_feed(site)
        config = write_config(workdir, [site.url("/rss/allArticle.xml")], database_url)
        with open(config, "a", encoding="utf-8") as out:
            out.write("[archive]\nwarc_discovery = true\n")
        result = run_newsmon("crawl", "--config", str(config), cwd=workdir)
        assert result.returncode == 0, result.stderr
        feed = site.url("/rss/allArticle.xml")
        records = archive_records(workdir)
    (payload,) = [r[2] for r in records if r[0] == "response" and r[1] == feed]
    assert payload == site.routes["/rss/allArticle.xml"].body
    assert any(
        "newsmon-decision: discovery" in r[2].decode() for r in records if r[0] == "metadata"
    )


def test_the_redirects_of_an_article_are_captured_with_its_page(
    workdir: Path, database_url: str
) -> None:
    first, second = f"{ARTICLE_PREFIX}?idxno=901", f"{ARTICLE_PREFIX}?idxno=902"
    site = FixtureSite()
    site.add(first, Page(b"moved", "text/plain", 302, headers=(("Location", second),)))
    site.add(second, Page(b"", status=301, headers=(("Location", ON_TOPIC_1.path),)))
    with serve(site) as served:
        site.add(ON_TOPIC_1.path, build_site().routes[ON_TOPIC_1.path])
        feed = rss_feed(served.base_url, [first])
        site.add("/rss/allArticle.xml", feed, content_type="application/rss+xml; charset=utf-8")
        config = write_config(workdir, [served.url("/rss/allArticle.xml")], database_url)
        result = run_newsmon("crawl", "--config", str(config), cwd=workdir)
        assert result.returncode == 0, result.stderr
        base = served.base_url
        records = archive_records(workdir)
    responses = [(uri.removeprefix(base), payload) for kind, uri, payload, _ in records
                 if kind == "response"]  # fmt: skip
    assert responses == [
        (first, b"moved"),
        (second, b""),
        (ON_TOPIC_1.path, site.routes[ON_TOPIC_1.path].body),
    ]
    decisions = [payload.decode() for kind, _, payload, _ in records if kind == "metadata"]
    assert f"newsmon-decision: redirect\r\nnewsmon-detail: to {base}{second}" in decisions[0]
    assert f"newsmon-detail: to {base}{ON_TOPIC_1.path}" in decisions[1]
    assert "newsmon-decision: added" in decisions[2]
    engine = create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT url, canonical_url, decision FROM captures ORDER BY id")
        ).all()
    engine.dispose()
    assert [(row[0].removeprefix(base), row[2]) for row in rows] == [
        (first, "redirect"), (second, "redirect"), (ON_TOPIC_1.path, "added")
    ]  # fmt: skip
    assert rows[0][1] is None and rows[1][1] is None  # never found as the article's capture
