"""End to end: a crawl queues each new article with its page's validators; `newsmon revisions
check` (the cron user's command) finds the edit, and corpus = "latest" keeps verify clean."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import Recheck
from db.session import open_database
from tests.fixture_server import serve
from tests.integration.harness import run_newsmon, write_config
from tests.revision_site import EditingOutlet, story
from tests.sitegen import rss_feed


@pytest.fixture
def outlet() -> Iterator[EditingOutlet]:
    site = EditingOutlet()
    with serve(site):
        yield site


def test_crawl_queues_then_check_records_and_latest_keeps_verify_clean(
    tmp_path: Path, outlet: EditingOutlet
) -> None:
    items = [story(1), story(2)]
    items[1].headline = "광주 청년 창업 지원 센터 문 열어"
    items[1].paragraphs = [  # not a near duplicate of the first
        "광주시는 청년 창업가를 위한 지원 센터를 동구에 열었다고 밝혔다. 입주 기업은 스무 곳이다.",
        "센터는 사무 공간과 투자 상담, 법률 자문을 한곳에서 제공한다.",
        "시는 내년까지 입주 기업을 두 배로 늘릴 계획이라고 설명했다.",
    ]
    outlet.publish(*items)
    outlet.add("/rss", rss_feed(outlet.base_url, [i.path for i in items]),
               content_type="application/rss+xml")  # fmt: skip
    url = f"sqlite:///{tmp_path / 'newsmon.db'}"
    write_config(
        tmp_path,
        url,
        f"""[revisions]
recheck = ["1ms", "1h"]
corpus = "latest"
[[sources]]
key = "outlet"
homepage = "{outlet.url("/")}"
feeds = ["{outlet.url("/rss")}"]
article_pattern = "articleView"
""",
    )
    crawled = run_newsmon("crawl", "--json", cwd=tmp_path)
    assert crawled.returncode == 0, crawled.stderr
    database = open_database(url)
    try:
        with database.session() as session:
            queued = session.scalars(select(Recheck)).all()
            assert len(queued) == 2 and all(q.etag and q.etag.startswith('"') for q in queued)
    finally:
        database.close()
    before = sorted(p.name for p in (tmp_path / "corpus").iterdir())
    # The two pages are fetched at once: which one took number 000 is the crawl's order.
    edited = next(
        name
        for name in before
        if (tmp_path / "corpus" / name).read_text(encoding="utf-8").startswith(items[0].headline)
    )
    kept = next(name for name in before if name != edited)
    outlet.edit(1, headline="광주 AI 집적단지 2단계 사업 '속도 조절'")
    checked = run_newsmon("revisions", "check", "--json", cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    counts = json.loads(checked.stdout)
    assert (counts["headline"], counts["not_modified"], counts["due"]) == (1, 1, 2)
    after = sorted(p.name for p in (tmp_path / "corpus").iterdir())
    assert kept in after and edited not in after
    (replaced,) = [name for name in after if name != kept]
    assert replaced[:4] == edited[:4]  # the same number, a new name
    verify = run_newsmon("corpus", "verify", cwd=tmp_path)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    listed = run_newsmon("revisions", "--diff", cwd=tmp_path)
    assert "속도 조절" in listed.stdout and edited not in listed.stdout
