"""Built-in registry: the Gwangju broadcasters' news desks, entries only.

Broadcasters run their own CMSs and publish no documented feed: discovery is by listing page,
or, where the listing is drawn by script, by the API answer it is drawn from.
"""

from __future__ import annotations

from crawler.sources.base import Source

SOURCES: tuple[Source, ...] = (
    Source(
        key="kbs-gwangju",
        name="KBS 광주",
        region="gwangju",
        homepage="https://news.kbs.co.kr/local/main.html?lscd=40",
        # The local page is drawn by script from this API: its JSON answer is the listing.
        api_listings=(
            "https://news.kbs.co.kr/api/getNewsList?currentPageNo=1&rowsPerPage=50"
            "&exceptPhotoYn=Y&localCode=40&localCodeWithLocalReporterStationCode=40"
            "&orderBy=datetime_desc",
        ),
        api_items="data",
        api_url_template="https://news.kbs.co.kr/news/view.do?ncd={newsCode}",
        api_date_field="serviceTime",
        article_pattern=r"/news/(?:pc/)?view/view\.do\?ncd=\d+|/news/view\.do\?ncd=\d+",
        sample_article="https://news.kbs.co.kr/news/view.do?ncd=7645555",
        provenance=(
            "API listing news.kbs.co.kr/api/getNewsList: CONFIRMED endpoint, read by every "
            "public KBS scraper (a JSON answer whose 'data' items carry newsCode, newsTitle, "
            "serviceTime; they build /news/view.do?ncd={newsCode}); the localCode and "
            "localCodeWithLocalReporterStationCode parameters: CONFIRMED form (a public "
            "scraper reads 부산 with localCode=10); localCode=40 for 광주: GUESS, the lscd=40 of "
            "the '광주' menu link of the stored page tests/fixtures/korean-news/pages/06_kbs.html "
            "(the served HTML of /local/main.html?lscd=40 likely holds no article links, so it "
            "is no longer listed); serviceTime as the item's date: GUESS; articles: that page's "
            "URL /news/view.do?ncd=N"
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
        listings=(
            "https://news.ikbc.co.kr/article/list/kbc001009000",
            # "!광주": the 광주 region listing, percent-encoded
            "https://news.ikbc.co.kr/article/list/!%EA%B4%91%EC%A3%BC",
        ),
        article_pattern=r"/article/view/kbc\d{12}",
        sample_article="https://news.ikbc.co.kr/article/view/kbc202403290022",
        provenance=(
            "listing: CONFIRMED, news moved to news.ikbc.co.kr and /article/list/kbc001009000 "
            "is its 지역 category (stored copies); listing /article/list/!광주: GUESS, the form "
            "of the stored region listing /article/list/!전남 (and of reporter listings "
            "/article/list/@id); articles: CONFIRMED /article/view/kbc + 12 "
            "digits, also under a Korean category path such as /저녁뉴스(사회)/article/view/… "
            "(the pattern is unanchored, canonical URLs keep that path percent-encoded)"
        ),
    ),
)
