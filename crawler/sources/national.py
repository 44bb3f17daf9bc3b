"""Built-in registry: national outlets' regional desks and feeds, kept by the topic filter."""

from __future__ import annotations

from crawler.sources.base import NDSOFT_ARTICLE, Source

SOURCES: tuple[Source, ...] = (
    Source(
        key="asiae",
        name="아시아경제",
        region="national",
        homepage="https://www.asiae.co.kr/",
        feeds=("https://view.asiae.co.kr/rss/all.htm",),
        article_pattern=r"/article/\d{16,}",
        sample_article="https://view.asiae.co.kr/article/2026091715095686792",
        provenance=(
            "feed: the all-news RSS as listed publicly (unverified here); it covers the whole "
            "country, the topic filter keeps Gwangju AI; articles: CONFIRMED "
            "view.asiae.co.kr/article/<19 digits> (public repositories)"
        ),
    ),
    Source(
        key="newdaily-honam",
        name="뉴데일리 광주전남",
        region="gwangju-jeonnam",
        homepage="https://gj.newdaily.co.kr/",
        listings=("https://gj.newdaily.co.kr/",),
        article_pattern=r"/site/data/html/\d{4}/\d{2}/\d{2}/\d+\.html",
        sample_article="https://gj.newdaily.co.kr/site/data/html/2024/10/07/2024100700075.html",
        provenance=(
            "host: CONFIRMED (public outlet lists: 뉴데일리 호남제주); articles: CONFIRMED "
            "/site/data/html/YYYY/MM/DD/N.html (a public page and a public scraper's pattern); "
            "listing: GUESS, the front page"
        ),
    ),
    Source(
        key="naeil-honam",
        name="내일신문 호남",
        region="gwangju-jeonnam",
        homepage="https://www.naeil.com/",
        listings=("https://www.naeil.com/local/hoje",),
        article_pattern=r"/news/read/\d+",
        sample_article="https://www.naeil.com/news/read/595462",
        provenance=(
            "listing: /local/hoje as reported (unverified here); articles: CONFIRMED "
            "/news/read/N (public repositories)"
        ),
    ),
)

# National outlets whose AI and regional desks cover Gwangju's AI cluster; their feeds carry
# the whole country, so the topic filter decides (as it does for 뉴시스 and 연합뉴스).
AI_PRESS: tuple[Source, ...] = (
    Source(
        key="aitimes",
        name="AI타임스",
        region="national",
        homepage="https://www.aitimes.com/",
        feeds=(
            "https://www.aitimes.com/rss/allArticle.xml",
            "https://cdn.aitimes.com/rss/gn_rss_allArticle.xml",
        ),
        article_pattern=NDSOFT_ARTICLE,
        sample_article="https://www.aitimes.com/news/articleView.html?idxno=168226",
        provenance=(
            "national AI press (ndsoft CMS); feeds: CONFIRMED, both forms are read by many "
            "public projects; articles: CONFIRMED /news/articleView.html?idxno=N (public "
            "repositories cite idxno=168226 and others)"
        ),
    ),
    Source(
        key="etnews",
        name="전자신문",
        region="national",
        homepage="https://www.etnews.com/",
        feeds=("https://rss.etnews.com/Section901.xml",),
        article_pattern=r"etnews\.com/\d{14}",
        sample_article="https://www.etnews.com/20250806000278",
        provenance=(
            "its 광주 correspondent covers GIST and AICA; feed Section901 (today's news): "
            "CONFIRMED, read by many public projects; articles: CONFIRMED www.etnews.com/ + 14 "
            "digits (public repositories)"
        ),
    ),
    Source(
        key="zdnet-korea",
        name="지디넷코리아",
        region="national",
        homepage="https://zdnet.co.kr/",
        feeds=("https://feeds.feedburner.com/zdkorea",),
        article_pattern=r"zdnet\.co\.kr/view/\?no=\d{14}",
        sample_article="https://zdnet.co.kr/view/?no=20241111153334",
        provenance=(
            "feed feedburner zdkorea: CONFIRMED, read by many public projects (one notes it "
            "updates about two hours late); articles: CONFIRMED zdnet.co.kr/view/?no= + 14 "
            "digits (public repositories)"
        ),
    ),
    Source(
        key="pressian-kj",
        name="프레시안 광주·전남",
        region="gwangju-jeonnam",
        homepage="https://www.pressian.com/",
        feeds=("https://www.pressian.com/api/v3/site/rss/news",),
        listings=("https://www.pressian.com/pages/nation-kj-list",),
        article_pattern=r"/pages/articles/\d+",
        sample_article="https://www.pressian.com/pages/articles/2026052522035575615",
        provenance=(
            "feed /api/v3/site/rss/news (all news): CONFIRMED, read by many public projects; "
            "listing /pages/nation-kj-list (광주·전남 desk): GUESS, reported by the 2026 "
            "registry review, not seen here; articles: CONFIRMED /pages/articles/N (public "
            "repositories; the sample is an AI 데이터센터 story)"
        ),
    ),
)
