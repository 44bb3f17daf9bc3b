"""The legacy seeds found again: the real `newsmon crawl` adds only the genuinely new article.

Each seed file was cut from a page by hand and carries chrome (a weather widget, menus, "많이
본 기사", its body twice). tests/fixtures/legacy/NNN.txt is the same story written out clean:
the headline and the real body paragraphs only. Each is served inside page chrome unlike the
seed's (the ndsoft template of tests/sitegen.py, or a broadcaster's page below), next to one new
on-topic article, in one feed. After the crawl the five are recorded in seen_urls as near
duplicates of the right seed file and only the new article is appended, as 005_<h>.txt.

The config's [topic] table is `preset = "gwangju-ai"`, the built-in topic a user without a
config file gets, so the stories meet the filter a real crawl applies; the seed stories pass it
(tests/unit/test_topic.py), and the test checks that none was dropped as off topic, which would
otherwise hide a missed duplicate. A plain table (all/any/none only) would also pass them, but
omitting [topic] would switch the filter off and test less.
"""

# ruff: noqa: E501  (page templates and article texts read better unwrapped)

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from html import escape
from pathlib import Path

import pytest

from crawler.config import load_config
from crawler.urls import canonical_url
from db.session import open_database
from newsmon.export import export_rows
from tests import queries
from tests.fixture_server import FixtureSite, serve
from tests.integration import harness
from tests.integration.harness import corpus_files, run_newsmon
from tests.sitegen import Article, article_page, rss_feed

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))
LEGACY = sorted((FIXTURES / "legacy").glob("*.txt"))
NEW_ARTICLE = Article(
    idxno=300,
    headline="광주 AI 영재고 설계 공모 당선작 발표…2027년 개교 준비 본격화",
    paragraphs=(
        "광주시교육청이 광주 AI 영재고등학교 설계 공모 당선작을 발표했다.",
        "당선작은 학생들이 인공지능 실습실과 데이터 분석실을 오가며 프로젝트 수업을 할 수 있도록 공간을 배치했다.",
        "교육청은 국가AI데이터센터와 협약을 맺어 재학생이 GPU 자원을 실습에 쓸 수 있도록 할 계획이다.",
        "광주시는 영재고 졸업생이 지역 AI 기업과 대학에 머물 수 있도록 장학금과 인턴십을 연계한다.",
        "/김빛나 기자 light@newsmon.example",
    ),
)


def broadcast_page(headline: str, paragraphs: Sequence[str]) -> str:
    """A broadcaster's article page: its own menus, tags, related links, ranking and footer."""
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>{escape(headline)} | 빛고을방송</title>
<meta property="og:title" content="{escape(headline)}">
<meta property="article:published_time" content="2025-10-22T10:00:00+09:00">
</head><body><div id="skip"><a href="#content">본문 바로가기</a></div>
<header class="site-header"><a class="logo" href="/">빛고을방송</a>
<ul class="menu"><li><a href="/news/list?cat=1">정치</a></li><li><a href="/news/list?cat=2">경제</a></li>
<li><a href="/news/list?cat=3">지역</a></li><li><a href="/news/list?cat=4">스포츠</a></li></ul>
<form class="search"><input name="q" placeholder="검색어를 입력하세요"><button>검색</button></form></header>
<main id="content"><article class="news-article"><h1 class="news-title">{escape(headline)}</h1>
<div class="byline"><span>입력 2025-10-22 10:00</span> <span>수정 2025-10-22 11:12</span></div>
<div class="news-text" itemprop="articleBody">
{body}
</div>
<div class="tags"><a href="/tag/1">#광주</a> <a href="/tag/2">#인공지능</a></div>
<section class="related"><h2>관련 기사</h2><ul>
<li><a href="/news/view?id=501">광주 첨단3지구 교통망 확충 착수</a></li>
<li><a href="/news/view?id=502">영산강 자전거길 새 단장</a></li></ul></section></article>
<aside class="ranking"><h2>실시간 인기 뉴스</h2><ol>
<li><a href="/news/view?id=601">무등산 첫눈…탐방로 일부 통제</a></li>
<li><a href="/news/view?id=602">광주 시내버스 노선 개편 설명회</a></li></ol></aside></main>
<footer class="site-footer"><p>빛고을방송 | 대표전화 062-000-0000</p>
<p>ⓒ 빛고을방송. 무단 전재, 재배포 및 AI 학습 이용 금지</p><a href="#top">맨 위로</a></footer>
</body></html>"""


def legacy_path(number: int) -> str:
    return f"/news/articleView.html?idxno={200 + number}"


def build_site() -> FixtureSite:
    """The five clean legacy stories (alternating templates) and the new article."""
    site = FixtureSite()
    for number, path in enumerate(LEGACY):
        headline, *paragraphs = path.read_text(encoding="utf-8").split("\n")
        if number % 2:
            page = broadcast_page(headline, paragraphs)
        else:
            page = article_page(Article(200 + number, headline, paragraphs), site_name="남도일보")
        site.add(legacy_path(number), page)
    site.add(NEW_ARTICLE.path, article_page(NEW_ARTICLE))
    return site


def write_config(workdir: Path, feed: str, database_url: str) -> Path:
    return harness.write_config(
        workdir, database_url,
        f'[topic]\npreset = "gwangju-ai"\n[[sources]]\nkey = "fixture"\nname = "뉴스몬일보"\n'
        f'feeds = ["{feed}"]\n',
    )  # fmt: skip


def test_fixtures_are_the_five_seeds_cleaned() -> None:
    assert [p.stem for p in LEGACY] == [s.name[:3] for s in SEEDS]
    for legacy, seed in zip(LEGACY, SEEDS, strict=True):
        clean = legacy.read_bytes()
        assert len(clean) < len(seed.read_bytes())
        assert not clean.endswith(b"\n") and b"\n\n" not in clean


def test_legacy_stories_are_not_added_again(workdir: Path, database_url: str) -> None:
    with serve(build_site()) as site:
        paths = [legacy_path(n) for n in range(len(LEGACY))] + [NEW_ARTICLE.path]
        feed = rss_feed(site.base_url, paths)
        site.add("/rss/allArticle.xml", feed, content_type="application/rss+xml; charset=utf-8")
        config = write_config(workdir, site.url("/rss/allArticle.xml"), database_url)
        result = run_newsmon("crawl", "--config", str(config), cwd=workdir)
        assert result.returncode == 0, result.stderr

        added = [name for name in corpus_files(workdir) if name not in {s.name for s in SEEDS}]
        data = NEW_ARTICLE.text.encode("utf-8")
        assert added == [f"005_{hashlib.sha256(data).hexdigest()[:16]}.txt"]
        assert (workdir / "corpus" / added[0]).read_bytes() == data

        database = open_database(database_url, migrate=False)
        try:
            with database.session() as session:
                for number, seed in enumerate(SEEDS):
                    seen = queries.seen_url(session, canonical_url(site.url(legacy_path(number))))
                    assert seen is not None
                    assert (seen.status, seen.duplicate_of) == ("near_duplicate", seed.name)
                    assert seen.similarity is not None and seen.similarity >= 0.9
        finally:
            database.close()

        rows = list(export_rows(load_config(config, env={}), None))
        assert [row["file"] for row in rows] == [s.name for s in SEEDS] + added
        for number, row in enumerate(rows[:5]):
            assert row["near_duplicate_of"] == [site.url(legacy_path(number))]

        site.clear_log()
        again = run_newsmon("crawl", "--config", str(config), cwd=workdir)
        assert again.returncode == 0, again.stderr
        assert corpus_files(workdir) == sorted([s.name for s in SEEDS] + added)
        assert site.requested("/news/") == []
