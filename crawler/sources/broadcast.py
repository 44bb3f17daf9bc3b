"""Built-in registry: the Gwangju broadcasters' news desks, entries only.

Broadcasters run their own CMSs and publish no documented feed: discovery is by listing page.
"""

from __future__ import annotations

from crawler.sources.base import Source

SOURCES: tuple[Source, ...] = (
    Source(
        key="kbs-gwangju",
        name="KBS 광주",
        region="gwangju",
        homepage="https://news.kbs.co.kr/local/main.html?lscd=40",
        listings=("https://news.kbs.co.kr/local/main.html?lscd=40",),
        article_pattern=r"/news/(?:pc/)?view/view\.do\?ncd=\d+|/news/view\.do\?ncd=\d+",
        sample_article="https://news.kbs.co.kr/news/view.do?ncd=7645555",
        provenance=(
            "listing: the '광주' local link (/local/main.html?lscd=40) in the menu of the stored "
            "page tests/fixtures/korean-news/pages/06_kbs.html; unverified that its article "
            "links are in the served HTML (they may be rendered by script); articles: that "
            "page's URL /news/view.do?ncd=N"
        ),
    ),
    Source(
        key="kjmbc",
        name="광주MBC",
        region="gwangju",
        homepage="https://kjmbc.co.kr/",
        listings=("https://kjmbc.co.kr/RealtimeNews/1", "https://kjmbc.co.kr/NewsDesk/{today}"),
        article_pattern=r"/NewsArticle/\d+",
        sample_article="https://kjmbc.co.kr/NewsArticle/1498791",
        provenance=(
            "listings: CONFIRMED forms, stored copies of the paginated /RealtimeNews/27 (page 1 "
            "here) and of /NewsDesk/2025-12-17 (listed as /NewsDesk/{today}: the crawl day's "
            "KST date); articles: CONFIRMED /NewsArticle/N (public repositories)"
        ),
    ),
    Source(
        key="ikbc",
        name="KBC광주방송",
        region="gwangju",
        homepage="https://www.ikbc.co.kr/",
        listings=("https://news.ikbc.co.kr/article/list/kbc001009000",),
        article_pattern=r"/article/view/kbc\d{12}",
        sample_article="https://news.ikbc.co.kr/article/view/kbc202403290022",
        provenance=(
            "listing: CONFIRMED, news moved to news.ikbc.co.kr and /article/list/kbc001009000 "
            "is its 지역 category (stored copies); articles: CONFIRMED /article/view/kbc + 12 "
            "digits, also under a Korean category path such as /저녁뉴스(사회)/article/view/… "
            "(the pattern is unanchored, canonical URLs keep that path percent-encoded)"
        ),
    ),
)
