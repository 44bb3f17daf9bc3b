"""`newsmon ingest`: a WARC file made by warcio from fixture pages gives the crawl's texts."""

from __future__ import annotations

import gzip
import json
import shutil
from io import BytesIO
from pathlib import Path

from sqlalchemy import create_engine, text
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.scope import url_domain
from tests.fixture_server import FixtureSite, serve
from tests.integration.harness import SEEDS, corpus_files, run_newsmon, seed_corpus
from tests.integration.invariants import assert_corpus_invariants
from tests.integration.test_crawl_command import add_feed, build_site, write_config

ARTICLES = "/news/articleView.html"


def texts(workdir: Path) -> set[str]:
    seeds = {seed.name for seed in SEEDS}
    return {(workdir / "corpus" / name).read_text(encoding="utf-8")
            for name in corpus_files(workdir) if name not in seeds}  # fmt: skip


def write_warc(path: Path, site: FixtureSite, base_url: str) -> None:
    """Every article page of the site as a response record, the first one gzip-encoded on the
    wire (as real archives keep it), between pages of a host no source is configured for."""
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True, warc_version="WARC/1.1")
        for n, (route, page) in enumerate(sorted(site.routes.items())):
            if not route.startswith(ARTICLES):
                continue
            other = f"https://elsewhere.example/story/{n}"
            _response(writer, other, page.body, page.content_type, gzipped=False)
            _response(writer, base_url + route, page.body, page.content_type, gzipped=n == 0)


def _response(writer: WARCWriter, url: str, body: bytes, content_type: str, gzipped: bool) -> None:
    headers = [("Content-Type", content_type)]
    if gzipped:
        body = gzip.compress(body)
        headers.append(("Content-Encoding", "gzip"))
    headers.append(("Content-Length", str(len(body))))
    http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
    record = writer.create_warc_record(
        url, "response", payload=BytesIO(body), length=len(body), http_headers=http
    )
    writer.write_record(record)


def test_ingest_gives_the_crawl_texts_and_a_second_ingest_adds_nothing(
    tmp_path: Path, database_url: str
) -> None:
    for name in ("crawl", "ingest"):
        (tmp_path / name).mkdir()
    crawl_dir, ingest_dir = seed_corpus(tmp_path / "crawl"), seed_corpus(tmp_path / "ingest")
    site = build_site()
    with serve(site) as served:
        add_feed(served)
        feed = served.url("/rss/allArticle.xml")
        # the reference crawl keeps its own database (SQLite) beside its own corpus
        crawl_config = write_config(crawl_dir, [feed], f"sqlite:///{crawl_dir / 'crawl.db'}")
        crawled = run_newsmon("crawl", "--config", str(crawl_config), cwd=crawl_dir)
        assert crawled.returncode == 0, crawled.stderr
        warc = tmp_path / "pages.warc.gz"
        write_warc(warc, site, served.base_url)
        config = write_config(ingest_dir, [feed], database_url)
        served.clear_log()
        first = run_newsmon("ingest", str(warc), "--config", str(config), "--json", cwd=ingest_dir)
        assert first.returncode == 0, first.stderr
        assert served.requested(ARTICLES) == []  # nothing fetched: the pages come from the file
    report = json.loads(first.stdout)
    assert report["files"][0]["matched"] == len([r for r in site.routes if r.startswith(ARTICLES)])
    assert texts(ingest_dir) == texts(crawl_dir) != set()
    assert report["counts"]["added"] == len(texts(crawl_dir))
    again = run_newsmon("ingest", str(warc), "--config", str(config), "--json", cwd=ingest_dir)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["files"][0]["skipped"] is True
    copy = tmp_path / "copy.warc.gz"  # the same records under another name: read, none added
    shutil.copy(warc, copy)
    third = run_newsmon("ingest", str(copy), "--config", str(config), "--json", cwd=ingest_dir)
    assert third.returncode == 0, third.stderr
    assert json.loads(third.stdout)["counts"]["added"] == 0
    assert_corpus_invariants(ingest_dir, config)
    shown = run_newsmon("corpus", "show", corpus_files(ingest_dir)[-1], "--json", "--config",
                        str(config), cwd=ingest_dir)  # fmt: skip
    capture = json.loads(shown.stdout)["captures"][0]
    assert capture["decision"] == "added" and capture["captured_at"]


def test_an_interrupted_ingest_resumes_at_its_cursor(tmp_path: Path, database_url: str) -> None:
    workdir = seed_corpus(tmp_path)
    site = build_site()
    with serve(site) as served:
        config = write_config(workdir, [served.url("/rss/allArticle.xml")], database_url)
        warc = tmp_path / "pages.warc.gz"
        write_warc(warc, site, served.base_url)
        first = run_newsmon("ingest", str(warc), "--config", str(config), "--json", cwd=workdir)
        assert first.returncode == 0, first.stderr
    records = json.loads(first.stdout)["files"][0]["records"]
    # as if killed halfway: the cursor says the file was read up to its middle record
    middle = _offsets(warc)[records // 2]
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE ingest_cursors SET next_offset = :o, finished = :f"),
            {"o": middle, "f": False},
        )
    engine.dispose()
    again = run_newsmon("ingest", str(warc), "--config", str(config), "--json", cwd=workdir)
    assert again.returncode == 0, again.stderr
    resumed = json.loads(again.stdout)
    assert resumed["files"][0]["resumed_from"] == middle
    assert resumed["files"][0]["records"] == records - records // 2
    assert resumed["counts"]["added"] == 0
    assert_corpus_invariants(workdir, config)


def _offsets(path: Path) -> list[int]:
    with open(path, "rb") as stream:
        iterator = ArchiveIterator(stream)
        return [iterator.get_record_offset() for _ in iterator]


def test_any_host_ingests_the_pages_of_hosts_no_source_is_configured_for(
    tmp_path: Path, database_url: str
) -> None:
    workdir = seed_corpus(tmp_path)
    site = build_site()
    pages = [page for route, page in sorted(site.routes.items()) if route.startswith(ARTICLES)]
    warc = tmp_path / "elsewhere.warc.gz"
    with open(warc, "wb") as out:
        writer = WARCWriter(out, gzip=True, warc_version="WARC/1.1")
        for n, page in enumerate(pages):
            url = f"https://elsewhere.example/story/{n}"
            _response(writer, url, page.body, page.content_type, gzipped=False)
    wide = tmp_path / "wide.warc.gz"  # the same records under another name: a cursor of its own
    shutil.copy(warc, wide)
    with serve(site) as served:
        config = write_config(workdir, [served.url("/rss/allArticle.xml")], database_url)
        plain = run_newsmon("ingest", str(warc), "--config", str(config), "--json", cwd=workdir)
        assert plain.returncode == 0, plain.stderr
        anyhost = run_newsmon("ingest", str(wide), "--any-host", "--config", str(config),
                              "--json", cwd=workdir)  # fmt: skip
        assert anyhost.returncode == 0, anyhost.stderr
        assert served.requested(ARTICLES) == []
    skipped, taken = json.loads(plain.stdout), json.loads(anyhost.stdout)
    assert skipped["files"][0]["matched"] == 0 and skipped["counts"]["added"] == 0
    assert taken["files"][0]["matched"] == len(pages)
    assert taken["counts"]["added"] > 0
    engine = create_engine(database_url)
    with engine.connect() as connection:
        sources = connection.execute(text("SELECT DISTINCT source FROM captures")).scalars()
        assert set(sources) == {url_domain("https://elsewhere.example/story/0")}
    engine.dispose()
    assert_corpus_invariants(workdir, config)
