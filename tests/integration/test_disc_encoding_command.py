"""EUC-KR/CP949 pages, however their charset is (not) declared, reach the corpus as UTF-8 text."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixture_server import FixtureSite, Page, serve
from tests.integration.harness import corpus_files, run_newsmon, write_config
from tests.sitegen import Article, article_page, rss_feed

# '똠' and '햏' exist in CP949 only: a page declared EUC-KR but written in CP949 keeps them
ARTICLE = Article(
    idxno=301,
    headline="광주 똠방각하 전시회 개막…햏자 캐릭터 인기",
    paragraphs=(
        "광주시립미술관에서 옛 드라마 똠방각하를 주제로 한 전시회가 21일 개막했다.",
        "전시장에는 당시 소품과 대본, 출연진의 인터뷰 영상이 함께 걸렸다.",
        "관람객들은 햏자 캐릭터 앞에서 사진을 찍으며 옛 드라마를 추억했다.",
        "미술관 측은 다음 달 말까지 전시를 이어 가고 주말마다 해설 프로그램을 운영한다고 밝혔다.",
    ),
)


def page_bytes(meta: str | None, encoding: str) -> bytes:
    html = article_page(ARTICLE).replace('<meta charset="utf-8">', meta or "")
    return html.replace("©", "(c)").encode(encoding)  # the footer's sign has no CP949 code


CASES = [
    ("header-only", page_bytes(None, "cp949"), "text/html; charset=euc-kr"),
    ("meta-only", page_bytes('<meta charset="euc-kr">', "cp949"), "text/html"),
    (
        "http-equiv-only",
        page_bytes(
            '<meta http-equiv="Content-Type" content="text/html; charset=ks_c_5601-1987">', "cp949"
        ),
        "text/html",
    ),
    ("neither", page_bytes(None, "cp949"), "text/html"),
    ("lying-meta", page_bytes('<meta charset="euc-kr">', "utf-8"), "text/html"),
]


@pytest.mark.parametrize(
    ("body", "content_type"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_korean_encodings_reach_the_corpus_as_utf8(
    tmp_path: Path, body: bytes, content_type: str
) -> None:
    site = FixtureSite()
    with serve(site):
        site.add(ARTICLE.path, Page(body, content_type))
        site.add("/rss.xml", rss_feed(site.base_url, [ARTICLE.path]), content_type="text/xml")
        config = write_config(
            tmp_path,
            f"sqlite:///{tmp_path / 'newsmon.db'}",
            f'[[sources]]\nkey = "euckr"\nfeeds = ["{site.url("/rss.xml")}"]\n',
        )
        result = run_newsmon("crawl", "--config", str(config), "--source", "euckr", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (name,) = corpus_files(tmp_path)
    assert (tmp_path / "corpus" / name).read_bytes() == ARTICLE.text.encode("utf-8")
