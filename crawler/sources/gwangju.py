"""Built-in registry: Gwangju/Jeonnam outlets, entries only.

Discovery URLs follow each outlet's CMS conventions; `newsmon sources check` confirms them live.
"""

from __future__ import annotations

from crawler.sources.base import NDSOFT_ARTICLE, Source

_NDSOFT_NOTE = (
    "ndsoft CMS convention: RSS at /rss/allArticle.xml, articles at /news/articleView.html?idxno=N"
)

SOURCES: tuple[Source, ...] = (
    Source(
        key="jnilbo",
        name="전남일보",
        region="gwangju",
        homepage="https://www.jnilbo.com/",
        feeds=("https://www.jnilbo.com/rss/allArticle.xml",),
        article_pattern=NDSOFT_ARTICLE,
        provenance=_NDSOFT_NOTE + "; stored page tests/fixtures/korean-news/pages/01_jnilbo.html",
    ),
    Source(
        key="namdonews",
        name="남도일보",
        region="gwangju",
        homepage="https://www.namdonews.com/",
        feeds=("https://www.namdonews.com/rss/allArticle.xml",),
        article_pattern=NDSOFT_ARTICLE,
        provenance=_NDSOFT_NOTE,
    ),
    Source(
        key="gjdream",
        name="광주드림",
        region="gwangju",
        homepage="https://www.gjdream.com/",
        feeds=("https://www.gjdream.com/rss/allArticle.xml",),
        article_pattern=NDSOFT_ARTICLE,
        provenance=_NDSOFT_NOTE,
    ),
    Source(
        key="sisaon",
        name="시사의창",
        region="gwangju",
        homepage="https://www.sisaon.co.kr/",
        feeds=("https://www.sisaon.co.kr/rss/allArticle.xml",),
        article_pattern=NDSOFT_ARTICLE,
        provenance=_NDSOFT_NOTE + "; seed 000 came from this outlet",
    ),
    Source(
        key="kwangju",
        name="광주일보",
        region="gwangju",
        homepage="http://www.kwangju.co.kr/",
        listings=("http://www.kwangju.co.kr/section.php?sid=5",),
        article_pattern=r"/article\.php\?aid=\d+",
        provenance="article URLs /article.php?aid=N; seeds 001, 003, 004 came from this outlet",
    ),
)
