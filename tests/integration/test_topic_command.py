"""The real `newsmon topic explain|review|recheck` against a fixture site on 127.0.0.1.

A first crawl under the built-in topic keeps one article and remembers three rejections. After
the topic is widened (an institution added to the gazetteer from the config), `topic recheck`
refetches exactly the remembered rejections, appends the two now on topic, and asks for no
other page of the site.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixture_server import FixtureSite, serve
from tests.integration import harness
from tests.integration.harness import REPO, SEEDS, corpus_files, run_newsmon
from tests.sitegen import Article, article_page, rss_feed

pytestmark = pytest.mark.integration

KEPT = Article(
    301,
    "광주 AI 집적단지 입주 기업 200곳 돌파",
    (
        "광주 첨단3지구 인공지능 집적단지 입주 기업이 200곳을 넘어섰다고 광주시가 밝혔다.",
        "입주 기업들은 국가AI데이터센터의 GPU 자원을 싼값에 쓰며 제품을 실증하고 있다.",
        "광주시는 내년까지 AI 기업 300곳 유치를 목표로 지원을 늘린다.",
    ),
)
# About an institution the built-in gazetteer does not know: off topic until it is added.
INSTITUTE_1 = Article(
    302,
    "새빛AI연구원, 제조 공정 AI 모델 무상 공개",
    (
        "새빛AI연구원이 제조 공정의 불량을 예측하는 인공지능 모델을 무상으로 공개했다.",
        "연구원은 지역 중소기업 30곳의 공정 데이터로 AI 모델을 학습시켰다고 설명했다.",
        "새빛AI연구원은 내년에 모델을 쓰는 기업의 실증 비용도 지원할 계획이다.",
    ),
)
INSTITUTE_2 = Article(
    303,
    "새빛AI연구원, 의료 영상 인공지능 실증 착수",
    (
        "새빛AI연구원이 지역 종합병원 세 곳과 의료 영상 인공지능 실증에 들어갔다.",
        "실증은 흉부 엑스레이 판독 시간을 줄이는 AI 솔루션을 대상으로 6개월간 진행된다.",
        "새빛AI연구원 관계자는 성과가 나면 실증 병원을 열 곳으로 늘리겠다고 말했다.",
    ),
)
AVIAN = Article(
    304,
    "광주 오리농가 고병원성 AI 확진…반경 10㎞ 방역대",
    (
        "광주 광산구의 한 오리농가에서 고병원성 조류인플루엔자(AI)가 확진됐다.",
        "광주시는 해당 농가의 오리 1만여마리를 살처분하고 반경 10㎞를 방역대로 설정했다.",
        "방역대 안의 가금농가에는 30일간 이동제한 명령이 내려졌다.",
    ),
)
ARTICLES = (KEPT, INSTITUTE_1, INSTITUTE_2, AVIAN)
FEED = "/rss/allArticle.xml"


def build_site() -> FixtureSite:
    site = FixtureSite()
    for article in ARTICLES:
        site.add(article.path, article_page(article))
    return site


def write_config(workdir: Path, database_url: str, site: FixtureSite, topic: str) -> Path:
    return harness.write_config(
        workdir,
        database_url,
        f'[topic]\n{topic}\n[[sources]]\nkey = "fixture"\nname = "뉴스몬일보"\n'
        f'feeds = ["{site.url(FEED)}"]\n',
    )


def new_files(workdir: Path) -> list[str]:
    return [name for name in corpus_files(workdir) if name not in {s.name for s in SEEDS}]


def page_requests(site: FixtureSite) -> list[str]:
    return sorted(path for path in site.requested() if path != "/robots.txt")


def with_captures(config: Path, on: bool) -> Path:
    if not on:
        with open(config, "a", encoding="utf-8") as out:
            out.write("[archive]\nwarc = false\n")
    return config


@pytest.mark.parametrize("captures", [True, False], ids=["captured", "refetched"])
def test_review_then_recheck_after_widening(
    workdir: Path, database_url: str, captures: bool
) -> None:
    with serve(build_site()) as site:
        site.add(FEED, rss_feed(site.base_url, [a.path for a in ARTICLES]))
        config = write_config(workdir, database_url, site, 'preset = "gwangju-ai"')
        config = with_captures(config, captures)
        crawl = run_newsmon("crawl", "--config", str(config), "--json", cwd=workdir)
        assert crawl.returncode == 0, crawl.stderr
        assert [(workdir / "corpus" / n).read_text() for n in new_files(workdir)] == [KEPT.text]

        review = run_newsmon("topic", "review", "--config", str(config), "--json", cwd=workdir)
        assert review.returncode == 0, review.stderr
        rows = json.loads(review.stdout)
        assert {row["url"] for row in rows} == {
            site.url(a.path) for a in (INSTITUTE_1, INSTITUTE_2, AVIAN)
        }
        by_headline = {row["headline"]: row for row in rows}
        assert set(by_headline) == {INSTITUTE_1.headline, INSTITUTE_2.headline, AVIAN.headline}
        assert all(row["source"] == "fixture" for row in rows)
        scores = [row["score"] for row in rows]
        assert scores == sorted(scores, reverse=True) and all(0 <= s < 1 for s in scores)
        assert "Gwangju evidence 0 < 2" in by_headline[INSTITUTE_1.headline]["missing"]
        assert any("AI evidence" in m for m in by_headline[AVIAN.headline]["missing"])
        text = run_newsmon("topic", "review", "--config", str(config), cwd=workdir)
        assert INSTITUTE_1.headline in text.stdout and site.url(AVIAN.path) in text.stdout
        assert "missing: Gwangju evidence 0 < 2" in text.stdout

        widened = 'preset = "gwangju-ai"\nentities = ["새빛AI연구원"]'
        config = with_captures(write_config(workdir, database_url, site, widened), captures)
        site.clear_log()
        recheck = run_newsmon("topic", "recheck", "--config", str(config), "--json", cwd=workdir)
        assert recheck.returncode == 0, recheck.stderr
        # exactly the remembered rejections, no feed, no article already kept; with captures,
        # not even those: the pages are read back from the archive
        rejected = sorted(a.path for a in (INSTITUTE_1, INSTITUTE_2, AVIAN))
        assert page_requests(site) == ([] if captures else rejected)
        added = new_files(workdir)
        assert [name[:4] for name in added] == ["005_", "006_", "007_"]
        texts = {(workdir / "corpus" / name).read_text() for name in added[1:]}
        assert texts == {INSTITUTE_1.text, INSTITUTE_2.text}
        (report,) = json.loads(recheck.stdout)
        assert report["added"] == 2 and sorted(report["added_files"]) == added[1:]

        after = run_newsmon("topic", "review", "--config", str(config), "--json", cwd=workdir)
        assert [row["headline"] for row in json.loads(after.stdout)] == [AVIAN.headline]

        site.clear_log()
        again = run_newsmon("topic", "recheck", "--config", str(config), cwd=workdir)
        assert again.returncode == 0, again.stderr
        assert page_requests(site) == ([] if captures else [AVIAN.path])
        assert "rechecked 1 off-topic articles (" in again.stdout
        assert "0 now on topic" in again.stdout
        assert new_files(workdir) == added

        verify = run_newsmon("corpus", "verify", "--config", str(config), cwd=workdir)
        assert verify.returncode == 0, verify.stdout + verify.stderr


def test_recheck_since_a_later_day_requests_nothing(workdir: Path, database_url: str) -> None:
    with serve(build_site()) as site:
        site.add(FEED, rss_feed(site.base_url, [a.path for a in ARTICLES]))
        config = write_config(workdir, database_url, site, 'preset = "gwangju-ai"')
        assert run_newsmon("crawl", "--config", str(config), cwd=workdir).returncode == 0
        site.clear_log()
        args = ("topic", "recheck", "--since", "2999-01-01", "--config", str(config))
        result = run_newsmon(*args, cwd=workdir)
        assert result.returncode == 0, result.stderr
        assert "no remembered off-topic articles" in result.stdout
        assert site.requested() == []


def test_explain_a_url_a_file_and_stdin(workdir: Path, database_url: str) -> None:
    with serve(build_site()) as site:
        config = write_config(workdir, database_url, site, 'preset = "gwangju-ai"')
        url = run_newsmon(
            "topic", "explain", site.url(AVIAN.path), "--config", str(config), cwd=workdir
        )
        assert url.returncode == 0, url.stderr
        lines = url.stdout.splitlines()
        assert lines[0].startswith(f"OFF TOPIC (score 0.00): {AVIAN.headline}")
        assert any(line.startswith("  discounted as avian influenza: 2 × AI") for line in lines)
    page = workdir / "page.html"
    page.write_text(article_page(KEPT), encoding="utf-8")
    html = run_newsmon(
        "topic", "explain", str(page), "--json", "--config", str(config), cwd=workdir
    )
    data = json.loads(html.stdout)
    assert data["on_topic"] is True and data["headline"] == KEPT.headline
    assert {"첨단3지구", "국가AI데이터센터"} <= {row["term"] for row in data["evidence"]}
    stdin = subprocess.run(  # the same command as run_newsmon, with the text on stdin
        [sys.executable, "-m", "newsmon", "topic", "explain", "-", "--config", str(config)],
        input=INSTITUTE_1.text,
        cwd=workdir,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert stdin.returncode == 0, stdin.stderr
    assert stdin.stdout.startswith(f"OFF TOPIC (score 0.00): {INSTITUTE_1.headline}")
    assert "missing: Gwangju evidence 0 < 2" in stdin.stdout
