"""Built-in registry: the Gwangju/Jeonnam daily papers and magazines, entries only.

Nothing in this repository can reach these sites: each `provenance` says which URLs public
evidence confirms (stored copies of the outlets' pages, other projects' scrapers) and which are
guesses; `newsmon sources check` tests them live and `newsmon sources discover` finds new ones.
"""

from __future__ import annotations

from crawler.sources.base import NDSOFT_ARTICLE, Source

AID_ARTICLE = r"/article\.php\?aid=\d+"
# A public project fetched https://www.<domain>/rss/allArticle.xml with full responses on
# 2026-07-22 for 남도일보, 전남일보 and 광주드림; the cdn.<domain>/rss/gn_rss_allArticle.xml form
# is confirmed for 전남일보 only. The first is asked first everywhere.
NDSOFT_VERIFIED = (
    "feed https://www.<domain>/rss/allArticle.xml: CONFIRMED, a public project verified it "
    "with full responses on 2026-07-22 (남도일보, 전남일보, 광주드림); cdn.<domain>/rss/"
    "gn_rss_allArticle.xml: GUESS here (that form is confirmed for 전남일보 only)"
)
NDSOFT_GUESS = (
    "feeds: GUESS, the ndsoft CMS locations (/rss/allArticle.xml, verified on three sibling "
    "ndsoft outlets; cdn.<domain>/rss/gn_rss_allArticle.xml, 전남일보's)"
)
NDSOFT_LISTING_GUESS = "listing /news/articleList.html?view_type=sm: GUESS, the ndsoft form"


def _ndsoft_feeds(domain: str) -> tuple[str, ...]:
    """The feeds of an ndsoft site: the verified location first, the cdn one second."""
    return (
        f"https://www.{domain}/rss/allArticle.xml",
        f"https://cdn.{domain}/rss/gn_rss_allArticle.xml",
    )


def _ndsoft_listings(domain: str) -> tuple[str, ...]:
    return (f"https://www.{domain}/news/articleList.html?view_type=sm",)


SOURCES: tuple[Source, ...] = (
    Source(
        key="kwangju",
        name="광주일보",
        region="gwangju",
        homepage="http://www.kwangju.co.kr/",
        listings=("http://www.kwangju.co.kr/section.php?sid=5", "http://www.kwangju.co.kr/"),
        article_pattern=AID_ARTICLE,
        sample_article="http://www.kwangju.co.kr/article.php?aid=1779721200799342131",
        provenance=(
            "articles: CONFIRMED /article.php?aid=N (public repositories; seeds 001, 003, 004); "
            "listing section.php?sid=5: CONFIRMED as the 경제 section by public scrapers; the "
            "front page: GUESS that it links recent articles; no feed (public RSS lists mark it "
            "absent); the older hosts img./imgm./new./m. serve EUC-KR (the pattern is "
            "host-free, pages are decoded by their declared charset); other sid values: find "
            "them with `newsmon sources discover http://www.kwangju.co.kr/`"
        ),
    ),
    Source(
        key="jnilbo",
        name="전남일보",
        region="gwangju",
        homepage="https://www.jnilbo.com/",
        feeds=_ndsoft_feeds("jnilbo.com"),
        article_pattern=NDSOFT_ARTICLE,
        sample_article="https://www.jnilbo.com/news/articleView.html?idxno=90000015817",
        provenance=(
            "feed www./rss/allArticle.xml: CONFIRMED, a public project verified it with full "
            "responses on 2026-07-22; feed cdn./rss/gn_rss_allArticle.xml: CONFIRMED, the <link "
            "rel=alternate type=application/rss+xml> of the stored page tests/fixtures/"
            "korean-news/pages/01_jnilbo.html; articles: CONFIRMED, that page's URL (ndsoft CMS)"
        ),
    ),
    Source(
        key="mdilbo",
        name="무등일보",
        region="gwangju",
        homepage="https://www.mdilbo.com/",
        listings=(
            "https://www.mdilbo.com/sec.html?code=2X6WML&p=1",
            "https://www.mdilbo.com/sec.html?code=LHedvK&p=1",
        ),
        article_pattern=r"/detail/\w+/\d+",
        sample_article="https://www.mdilbo.com/detail/tohfpC/755848",
        provenance=(
            "listing code=2X6WML: CONFIRMED form, a stored copy of https://www.mdilbo.com/sec."
            "html?code=2X6WML&p=266 (page 1 of that section); listing code=LHedvK: CONFIRMED "
            "as the 경제 section by a stored copy cited in the 2026 registry review (not "
            "re-checked here); articles: CONFIRMED /detail/<code>/N (public repositories, "
            "Naver API results)"
        ),
    ),
    Source(
        key="namdonews",
        name="남도일보",
        region="gwangju",
        homepage="https://www.namdonews.com/",
        article_pattern=NDSOFT_ARTICLE,
        sample_article="https://www.namdonews.com/news/articleView.html?idxno=913832",
        provenance=NDSOFT_VERIFIED
        + "; "
        + NDSOFT_LISTING_GUESS
        + "; articles: CONFIRMED, sample cited by public repositories",
        feeds=_ndsoft_feeds("namdonews.com"),
        listings=_ndsoft_listings("namdonews.com"),
    ),
    Source(
        key="gjdream",
        name="광주드림 (드림투데이)",
        region="gwangju",
        homepage="https://www.gjdream.com/",
        article_pattern=NDSOFT_ARTICLE,
        sample_article="https://www.gjdream.com/news/articleView.html?idxno=663073",
        provenance=NDSOFT_VERIFIED
        + "; "
        + NDSOFT_LISTING_GUESS
        + "; listing sc_sub_section_code=S2N65: CONFIRMED as its AI series (a stored copy "
        "cited in the 2026 registry review, not re-checked here); articles: CONFIRMED, sample "
        "cited by public repositories; the outlet is now branded 드림투데이 (the 2026-07 feed "
        "check confirms the domain)",
        feeds=_ndsoft_feeds("gjdream.com"),
        listings=(
            *_ndsoft_listings("gjdream.com"),
            "https://www.gjdream.com/news/articleList.html?sc_sub_section_code=S2N65&view_type=sm",
        ),
    ),
    Source(
        key="gwangnam",
        name="광남일보",
        region="gwangju",
        homepage="https://www.gwangnam.co.kr/",
        # The front page first: the two confirmed sections are opinion pages, which rarely
        # carry the news this topic is about.
        listings=(
            "http://www.gwangnam.co.kr/",
            "http://www.gwangnam.co.kr/section.php?sid=43",
            "http://www.gwangnam.co.kr/section.php?sid=123",
        ),
        article_pattern=AID_ARTICLE + r"|/read\.php3\?aid=\d+",
        sample_article="http://gwangnam.co.kr/article.php?aid=1761038376519890000",
        provenance=(
            "listings sid=43 (사설/칼럼) and sid=123 (취재수첩): CONFIRMED by stored copies, but "
            "both are OPINION sections, so this source rarely sees news through them; the front "
            "page: GUESS that it links the day's news (its news section ids are unknown: run "
            "`newsmon sources discover http://www.gwangnam.co.kr/`); sid=129, listed before, "
            "was never seen and is dropped; articles: CONFIRMED /article.php?aid=N (a stored "
            "2025 article) and the older /read.php3?aid=N (a public repository, 2021); no feed "
            "known; the mobile site serves EUC-KR"
        ),
    ),
    Source(
        key="sisaissue",
        name="시사의창",
        region="gwangju",
        homepage="https://sisaissue.com/",
        listings=("https://sisaissue.com/",),
        article_pattern=r"/View\.aspx\?No=\d+",
        sample_article="https://sisaissue.com/View.aspx?No=3822713",
        provenance=(
            "outlet: CONFIRMED, a stored copy of the sample article starts with the text of "
            "seed 000 ('[시사의창=송상교기자] 광주테크노파크…'); sisaon.co.kr, listed before, is "
            "시사오늘, another outlet; articles: CONFIRMED /View.aspx?No=N (ASP.NET); listing: "
            "GUESS, the front page (its section pages are unknown: run `newsmon sources "
            "discover https://sisaissue.com/`)"
        ),
    ),
    Source(
        key="kjdaily",
        name="광주매일신문",
        region="gwangju",
        homepage="http://www.kjdaily.com/",
        listings=("http://www.kjdaily.com/",),
        article_pattern=AID_ARTICLE,
        sample_article="http://www.kjdaily.com/article.php?aid=1790826796688054276",
        provenance=(
            "articles: CONFIRMED /article.php?aid=N on www. and m.kjdaily.com (public "
            "repositories, 2019-2025), the CMS of 광주일보; listing: GUESS, the front page "
            "(section.php?sid=N ids unknown); EUC-KR: GUESS, likely as on 광주일보"
        ),
    ),
    Source(
        key="gwangjuin",
        name="광주in",
        region="gwangju",
        homepage="https://www.gwangjuin.com/",
        article_pattern=NDSOFT_ARTICLE,
        sample_article="https://www.gwangjuin.com/news/articleView.html?idxno=268060",
        provenance=NDSOFT_GUESS + "; articles: CONFIRMED ndsoft, a sample cited by a public "
        "repository (which also searches /news/articleList.html)",
        feeds=_ndsoft_feeds("gwangjuin.com"),
        listings=_ndsoft_listings("gwangjuin.com"),
    ),
    Source(
        key="jntoday",
        name="전남투데이",
        region="jeonnam",
        homepage="https://www.jntoday.co.kr/",
        # Not an ndsoft site: its pages are /news/section_list_all.html?sec_no=N and
        # /news/best_list_all.html?lay_no=N, the CMS whose articles are /news/article.html?no=N.
        feeds=("https://www.jntoday.co.kr/data/rss/news.xml",),
        listings=("https://www.jntoday.co.kr/news/section_list_all.html?sec_no=0",),
        article_pattern=r"/news/article\.html\?no=\d+",
        provenance=(
            "listing section_list_all.html?sec_no=0 (all news): CONFIRMED, stored public copies "
            "of its pages 5 and 53 (2026-01) and of sec_no=25, 88, 113 and best_list_all.html?"
            "lay_no=2213; articles /news/article.html?no=N: GUESS, that CMS's article form on "
            "sister sites (no article URL of this outlet was seen, so no sample is given); feed "
            "/data/rss/news.xml: GUESS, that CMS's feed on sister sites; the domain is CONFIRMED "
            "by the stored pages"
        ),
    ),
)
