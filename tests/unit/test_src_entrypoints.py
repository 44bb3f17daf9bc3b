"""Pure entry-point discovery: link shapes -> article pattern, page links, candidates, TOML."""

from __future__ import annotations

import re
import tomllib

import pytest

from crawler.config import build_config
from crawler.discovery.entrypoints import (
    feed_guesses,
    page_links,
    robots_sitemaps,
    same_site,
    site_of,
)
from crawler.discovery.urlpattern import infer_pattern
from crawler.probes.discover import Discovery
from crawler.probes.suggest import toml_entry
from tests.paths import FIXTURES

LISTING_NOISE = [
    "https://www.x.co.kr/news/articleList.html?sc_section_code=S1N1",
    "https://www.x.co.kr/news/articleList.html?sc_section_code=S1N2",
    "https://www.x.co.kr/company/intro.html",
]


@pytest.mark.parametrize(
    ("urls", "articles", "not_articles"),
    [
        (
            [f"https://www.x.co.kr/news/articleView.html?idxno={n}" for n in (100, 2001, 30003)],
            ["https://m.x.co.kr/news/articleView.html?idxno=5&replyAll="],
            LISTING_NOISE,
        ),
        (
            [f"http://www.k.co.kr/article.php?aid={1761038376519890000 + n}" for n in range(4)]
            + ["http://www.k.co.kr/section.php?sid=43", "http://www.k.co.kr/section.php?sid=5"],
            ["http://img.k.co.kr/article.php?aid=1634551153399107010"],
            ["http://www.k.co.kr/section.php?sid=129"],
        ),
        (
            [f"https://sisaissue.com/View.aspx?No={3822713 + n}" for n in range(3)],
            ["https://sisaissue.com/View.aspx?No=1"],
            ["https://sisaissue.com/List.aspx?CNo=2"],
        ),
        (
            [
                "https://news.ikbc.co.kr/article/view/kbc202403290022",
                "https://news.ikbc.co.kr/저녁뉴스(사회)/article/view/kbc202403290023",
                "https://news.ikbc.co.kr/%EB%89%B4%EC%8A%A4/article/view/kbc202403290024",
                "https://news.ikbc.co.kr/article/list/kbc001009000",
            ],
            ["https://news.ikbc.co.kr/정치/article/view/kbc202501010001"],
            ["https://news.ikbc.co.kr/article/list/kbc001009000"],
        ),
        (
            [
                f"https://gj.newdaily.co.kr/site/data/html/2024/10/0{d}/20241007000{d}5.html"
                for d in range(3, 7)
            ],
            ["https://gj.newdaily.co.kr/site/data/html/2026/01/31/2026013100001.html"],
            ["https://gj.newdaily.co.kr/site/data/html/index.html"],
        ),
        (
            [
                f"https://www.gist.ac.kr/kr/html/sub07/070103.html?mode=V&no={n}"
                for n in (219806, 219807, 219900)
            ]
            + ["https://www.gist.ac.kr/kr/html/sub07/070103.html?mode=L"],
            ["https://www.gist.ac.kr/kr/html/sub07/070103.html?no=1&mode=V"],
            ["https://www.gist.ac.kr/kr/html/sub07/070103.html?mode=L"],
        ),
        (
            [f"https://kjmbc.co.kr/NewsArticle/{n}" for n in (1498791, 1498792, 1498793)]
            + [f"https://kjmbc.co.kr/RealtimeNews/{n}" for n in range(1, 6)]
            + [
                "https://kjmbc.co.kr/NewsDesk/2025-12-17",
                "https://kjmbc.co.kr/NewsDesk/2025-12-18",
            ],
            ["https://kjmbc.co.kr/NewsArticle/1"],
            ["https://kjmbc.co.kr/RealtimeNews/7", "https://kjmbc.co.kr/NewsDesk/2025-12-19"],
        ),
        (
            [
                "https://www.mdilbo.com/detail/tohfpC/755848",
                "https://www.mdilbo.com/detail/abCdeF/755849",
                "https://www.mdilbo.com/detail/Xyzabc/755850",
                "https://www.mdilbo.com/sec.html?code=2X6WML&p=1",
            ],
            ["https://www.mdilbo.com/detail/QQQQQQ/1"],
            ["https://www.mdilbo.com/sec.html?code=2X6WML&p=2"],
        ),
    ],
    ids=[
        "ndsoft",
        "aid",
        "aspnet",
        "article-view-korean-path",
        "dated-path",
        "gist-mode-v",
        "kjmbc",
        "mdilbo-code",
    ],
)
def test_infer_pattern_per_cms_family(
    urls: list[str], articles: list[str], not_articles: list[str]
) -> None:
    guess = infer_pattern(urls + LISTING_NOISE)
    assert guess is not None
    regex = re.compile(guess.regex)
    assert all(regex.search(url) for url in articles), guess.regex
    assert not any(regex.search(url) for url in not_articles), guess.regex
    assert len(guess.matches) >= 3


def test_no_pattern_without_a_varying_id() -> None:
    urls = [f"https://x.co.kr/section.php?sid={n}" for n in range(9)] + [
        "https://x.co.kr/boardList.do?boardId=BD_0000000027",
        "https://x.co.kr/boardList.do?boardId=BD_0000000027&pageIndex=2",
    ]
    assert infer_pattern(urls) is None


def test_page_links_reads_euc_kr_relative_links_menus_and_feeds() -> None:
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=euc-kr">'
        '<title>광주일보 - 홈</title><link rel="alternate" type="application/rss+xml" '
        'href="/rss/all.xml"></head><body><div id="gnb"><a href="section.php?sid=5">경제</a></div>'
        '<a href="../article.php?aid=17">광주 기사</a><a href="javascript:void(0)">x</a>'
        '<a href="mailto:a@b.c">m</a><a href="/logo.png">i</a></body></html>'
    ).encode("euc-kr")
    page = page_links(html, "http://www.k.co.kr/sub/index.php")
    urls = {a.url: a for a in page.anchors}
    assert set(urls) == {
        "http://www.k.co.kr/sub/section.php?sid=5",
        "http://www.k.co.kr/article.php?aid=17",
    }
    assert urls["http://www.k.co.kr/sub/section.php?sid=5"].in_menu
    assert urls["http://www.k.co.kr/article.php?aid=17"].text == "광주 기사"
    assert page.feeds == ("http://www.k.co.kr/rss/all.xml",)
    assert page.title == "광주일보 - 홈"


def test_same_site_keeps_subdomains_and_drops_other_sites() -> None:
    sites = {site_of("www.ikbc.co.kr")}
    urls = [
        "https://news.ikbc.co.kr/a/1",
        "https://m.ikbc.co.kr/b",
        "https://ikbc.com/c",
        "https://other.co.kr/ikbc.co.kr",
    ]
    assert same_site(urls, sites) == urls[:2]
    assert site_of("127.0.0.1") == "127.0.0.1"


def test_feed_guesses_cover_ndsoft_locations() -> None:
    guesses = feed_guesses("https://m.namdonews.com/")
    assert guesses[:2] == [
        "https://cdn.namdonews.com/rss/gn_rss_allArticle.xml",
        "https://m.namdonews.com/rss/allArticle.xml",
    ]
    assert all("cdn." not in g for g in feed_guesses("http://127.0.0.1:8080/"))


def test_robots_sitemaps() -> None:
    text = "User-agent: *\nDisallow: /a\nSitemap: https://x.kr/s1.xml\nsitemap:https://x.kr/n.xml\n"
    assert robots_sitemaps(text) == ["https://x.kr/s1.xml", "https://x.kr/n.xml"]


def test_toml_entry_is_a_valid_source() -> None:
    result = Discovery(
        homepage="https://www.sisaissue.com/",
        final_url="https://www.sisaissue.com/",
        title="시사의창 | 홈",
        listings=["https://www.sisaissue.com/List.aspx?CNo=2"],
        article_pattern=r"/View\.aspx\?(?:[^#]*&)?No=\d+",
        samples=["https://www.sisaissue.com/View.aspx?No=3822713"],
    )
    data = tomllib.loads(toml_entry(result))
    (entry,) = data["sources"]
    assert entry["key"] == "sisaissue" and entry["name"] == "시사의창"
    config = build_config(data, where="t.toml", env={})
    source = config.source("sisaissue")
    assert source.is_article_url(source.sample_article)
    assert source.listings == ("https://www.sisaissue.com/List.aspx?CNo=2",)


def test_real_ndsoft_page_yields_its_feed_and_article_pattern() -> None:
    body = (FIXTURES / "korean-news/pages/01_jnilbo.html").read_bytes()
    base = "https://www.jnilbo.com/news/articleView.html?idxno=90000015817"
    page = page_links(body, base)
    assert page.feeds[0] == "https://cdn.jnilbo.com/rss/gn_rss_allArticle.xml"
    guess = infer_pattern(same_site((a.url for a in page.anchors), {site_of("www.jnilbo.com")}))
    assert guess is not None and re.search(guess.regex, base)
    assert all("articleView.html?idxno=" in url for url in guess.matches)


def test_zero_padded_codes_are_not_article_ids() -> None:
    urls = [f"https://news.kbs.co.kr/vod/program.do?bcd={n:04d}" for n in (1, 3, 4, 8, 137)]
    assert infer_pattern(urls) is None


def test_older_form_with_the_same_id_numbering_joins_the_pattern() -> None:
    current = [f"http://x.co.kr/article.php?aid={1761038376519800000 + i}" for i in range(5)]
    older = [f"http://x.co.kr/read.php3?aid={1634551153399107010 + i}" for i in range(2)]
    gallery = [f"http://x.co.kr/gallery/view.php?aid={50000 + i}" for i in range(4)]
    guess = infer_pattern(current + older + gallery)
    assert guess is not None
    regex = re.compile(guess.regex)
    assert all(regex.search(url) for url in current + older)
    assert not any(regex.search(url) for url in gallery)
