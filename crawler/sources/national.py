"""Built-in registry: national outlets' regional desks and feeds, kept by the topic filter."""

from __future__ import annotations

from crawler.sources.base import Source

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
