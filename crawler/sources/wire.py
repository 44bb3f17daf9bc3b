"""Built-in registry: the Gwangju/Jeonnam desks of the national news agencies, entries only."""

from __future__ import annotations

from crawler.sources.base import Source

SOURCES: tuple[Source, ...] = (
    Source(
        key="newsis-honam",
        name="뉴시스 광주·전남",
        region="gwangju-jeonnam",
        homepage="https://www.newsis.com/",
        feeds=("https://www.newsis.com/RSS/country.xml",),
        article_pattern=r"/view/(?:\?id=)?NISX\d{8}_\d{10}",
        sample_article="https://www.newsis.com/view/NISX20260101_0003462213",
        provenance=(
            "feed: GUESS, the '지방' (regions) feed of the outlet's public RSS page "
            "https://www.newsis.com/RSS/, as listed by many public repositories (unverified "
            "here); it covers every region, the topic filter keeps Gwangju/Jeonnam; articles: "
            "CONFIRMED /view/NISXYYYYMMDD_N as cited by public repositories, and /view/?id=NISX… "
            "(the same articles under the query form, seen in 2026)"
        ),
    ),
    Source(
        key="news1-honam",
        name="뉴스1 광주·전남",
        region="gwangju-jeonnam",
        homepage="https://www.news1.kr/",
        listings=("https://www.news1.kr/local/gwangju-jeonnam",),
        article_pattern=r"/local/gwangju-jeonnam/\d+",
        sample_article="https://www.news1.kr/local/gwangju-jeonnam/6047866",
        provenance=(
            "listing: GUESS, the regional section whose article URLs (CONFIRMED) "
            "/local/gwangju-jeonnam/N are cited by public repositories (the section page itself "
            "is unverified); public reports say news1's /rss URLs answer HTML, so no feed is "
            "listed"
        ),
    ),
    Source(
        key="yna-honam",
        name="연합뉴스 광주·전남",
        region="gwangju-jeonnam",
        homepage="https://www.yna.co.kr/",
        feeds=("https://www.yna.co.kr/rss/local.xml",),
        listings=("https://www.yna.co.kr/local/gwangju-jeonnam/index",),
        article_pattern=r"/view/AKR\d{17}",
        sample_article="https://www.yna.co.kr/view/AKR20250410105300001",
        provenance=(
            "listing: a public scraper builds /local/gwangju-jeonnam/index/N (page 1 is the "
            "bare index, unverified here); feed: CONFIRMED as widely used, the all-regions local "
            "feed, kept to Gwangju/Jeonnam by the topic filter; articles: CONFIRMED /view/AKR + "
            "17 digits (public repositories)"
        ),
    ),
)
