"""Builds fixture news sites: ndsoft-style article pages and RSS feeds around given texts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

CHROME_TOP = """<header><nav class="gnb"><ul><li><a href="/news/articleList.html?sc_section_code=S1N1">정치</a></li>
<li><a href="/news/articleList.html?sc_section_code=S1N2">경제</a></li><li><a href="/news/articleList.html?sc_section_code=S1N3">사회</a></li>
<li><a href="/news/articleList.html?sc_section_code=S1N4">문화</a></li></ul></nav>
<div class="weather"><ul><li>광주 8.3℃</li><li>서울 3.2℃</li><li>부산 7.7℃</li></ul><span>기상청 제공</span></div></header>"""
CHROME_SIDE = """<aside class="aside"><section class="auto-article"><h2>많이 본 기사</h2><ol>
<li><a href="/news/articleView.html?idxno=9001">광주 도심 교통 체증 해소 대책 발표</a></li>
<li><a href="/news/articleView.html?idxno=9002">전남 농가 가을 수확 한창</a></li>
<li><a href="/news/articleView.html?idxno=9003">프로야구 KIA 타이거즈 홈 경기 매진</a></li></ol></section></aside>"""
CHROME_FOOTER = """<footer><div class="sns-share"><a href="#">페이스북</a><a href="#">카카오톡</a><a href="#">URL복사</a></div>
<p class="copyright">Copyright © 2025 뉴스몬일보. All rights reserved. 무단 전재 및 재배포 금지</p></footer>"""


@dataclass(frozen=True)
class Article:
    idxno: int
    headline: str
    paragraphs: Sequence[str]
    published: str = "2025-10-21T09:30:00+09:00"

    @property
    def path(self) -> str:
        return f"/news/articleView.html?idxno={self.idxno}"

    @property
    def text(self) -> str:
        return "\n".join((self.headline, *self.paragraphs))


def article_page(article: Article, site_name: str = "뉴스몬일보") -> str:
    """An ndsoft-CMS article page with menus, weather, a sidebar, a photo caption and a footer."""
    body = "\n".join(f"<p>{escape(p)}</p>" for p in article.paragraphs)
    return f"""<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8">
<title>{escape(article.headline)} - {site_name}</title>
<meta property="og:title" content="{escape(article.headline)}">
<meta property="article:published_time" content="{article.published}">
</head><body>{CHROME_TOP}
<div id="container"><section class="article-view-header"><h3 class="heading">{escape(article.headline)}</h3>
<ul class="infomation"><li>기자명 홍길동 기자</li><li>입력 2025.10.21 09:30</li></ul></section>
<div class="article-body"><article id="article-view-content-div" class="article-veiw-body" itemprop="articleBody">
<figure class="photo-layout"><img src="/photo/1.jpg" alt=""><figcaption>행사 현장 모습. /뉴스몬일보 DB</figcaption></figure>
{body}
</article></div>{CHROME_SIDE}</div>{CHROME_FOOTER}</body></html>"""


def empty_page(site_name: str = "뉴스몬일보") -> str:
    """A page on the same template whose article has no body (a removed article)."""
    return f"""<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8"><title>{site_name}</title></head>
<body>{CHROME_TOP}<div id="container"><div class="article-body"><article id="article-view-content-div"></article>
</div>{CHROME_SIDE}</div>{CHROME_FOOTER}</body></html>"""


def rss_feed(base_url: str, paths: Sequence[str], title: str = "뉴스몬일보 전체기사") -> str:
    """An RSS 2.0 feed in the ndsoft style (KST dates without a zone, no guid)."""
    items = "\n".join(
        f"<item><title>기사 {i}</title><link>{escape(base_url + p)}</link>"
        f"<pubDate>2025-10-21 09:{i % 60:02d}:00</pubDate></item>"
        for i, p in enumerate(paths)
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>{title}</title><link>{escape(base_url)}</link>
<description>{title}</description>
{items}
</channel></rss>"""
