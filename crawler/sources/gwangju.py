"""Built-in registry: the Gwangju/Jeonnam daily papers and magazines, entries only.

Nothing in this repository can reach these sites: each `provenance` says where every URL comes
from and which are unverified conventions; `newsmon sources check` confirms them live.
"""

from __future__ import annotations

from crawler.sources.base import NDSOFT_ARTICLE, Source

NDSOFT_FEED_NOTE = (
    "feed: unverified ndsoft CMS convention /rss/allArticle.xml; "
    "articles: ndsoft convention /news/articleView.html?idxno=N"
)
NDSOFT_LISTING_NOTE = (
    "listing: unverified ndsoft CMS convention /news/articleList.html?view_type=sm"
)

SOURCES: tuple[Source, ...] = (
    Source(
        key="kwangju",
        name="광주일보",
        region="gwangju",
        homepage="http://www.kwangju.co.kr/",
        listings=("http://www.kwangju.co.kr/section.php?sid=5",),
        article_pattern=r"/article\.php\?aid=\d+",
        sample_article="http://www.kwangju.co.kr/article.php?aid=1779721200799342131",
        provenance=(
            "listing: unverified (section.php?sid=N section pages of the site's own CMS); "
            "articles: /article.php?aid=N as cited by public repositories and by seeds 001, "
            "003, 004 of this corpus"
        ),
    ),
    Source(
        key="jnilbo",
        name="전남일보",
        region="gwangju",
        homepage="https://www.jnilbo.com/",
        feeds=("https://cdn.jnilbo.com/rss/gn_rss_allArticle.xml",),
        article_pattern=NDSOFT_ARTICLE,
        sample_article="https://www.jnilbo.com/news/articleView.html?idxno=90000015817",
        provenance=(
            "feed: <link rel=alternate type=application/rss+xml> of the stored page "
            "tests/fixtures/korean-news/pages/01_jnilbo.html; articles: that page's URL "
            "(ndsoft CMS)"
        ),
    ),
    Source(
        key="mdilbo",
        name="무등일보",
        region="gwangju",
        homepage="https://www.mdilbo.com/",
        listings=("https://www.mdilbo.com/",),
        article_pattern=r"/detail/\w+/\d+",
        sample_article="https://www.mdilbo.com/detail/tohfpC/755848",
        provenance=(
            "listing: the front page (unverified that it links recent articles); "
            "articles: /detail/<code>/N as cited by public repositories (Naver API results)"
        ),
    ),
    Source(
        key="namdonews",
        name="남도일보",
        region="gwangju",
        homepage="https://www.namdonews.com/",
        feeds=("https://www.namdonews.com/rss/allArticle.xml",),
        article_pattern=NDSOFT_ARTICLE,
        sample_article="https://www.namdonews.com/news/articleView.html?idxno=913832",
        provenance=(
            NDSOFT_FEED_NOTE + "; sample article cited by public repositories, whose test code "
            "also lists its /news/articleList.html"
        ),
    ),
    Source(
        key="gjdream",
        name="광주드림",
        region="gwangju",
        homepage="https://www.gjdream.com/",
        feeds=("https://www.gjdream.com/rss/allArticle.xml",),
        article_pattern=NDSOFT_ARTICLE,
        sample_article="https://www.gjdream.com/news/articleView.html?idxno=663073",
        provenance=NDSOFT_FEED_NOTE + "; sample article cited by public repositories",
    ),
    Source(
        key="gwangnam",
        name="광남일보",
        region="gwangju",
        homepage="https://www.gwangnam.co.kr/",
        feeds=("https://www.gwangnam.co.kr/rss/allArticle.xml",),
        listings=("https://www.gwangnam.co.kr/news/articleList.html?view_type=sm",),
        article_pattern=NDSOFT_ARTICLE + r"|/read\.php3\?aid=\d+",
        sample_article="http://www.gwangnam.co.kr/read.php3?aid=1634551153399107010",
        provenance=(
            NDSOFT_FEED_NOTE + "; " + NDSOFT_LISTING_NOTE + " (public test code lists "
            "/news/articleList.html); articles: /read.php3?aid=N as cited by a public repository "
            "(2021), ndsoft pattern added in case the site moved to that CMS"
        ),
    ),
    Source(
        key="sisaon",
        name="시사의창",
        region="gwangju",
        homepage="https://www.sisaon.co.kr/",
        feeds=("https://www.sisaon.co.kr/rss/allArticle.xml",),
        article_pattern=NDSOFT_ARTICLE,
        sample_article="https://www.sisaon.co.kr/news/articleView.html?idxno=201625",
        provenance=(
            NDSOFT_FEED_NOTE + "; seed 000 of this corpus came from this outlet; sample article "
            "cited by public repositories, which call sisaon.co.kr '시사오늘'"
        ),
    ),
)
