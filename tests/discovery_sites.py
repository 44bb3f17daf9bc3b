"""Fixture news sites, one per CMS family, for entry-point discovery (tests and bench).

Each site is a set of hosts (served from 127.0.0.1, reached through the fetcher's `resolve`
map) plus the truth: its feeds, listing pages and article URLs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from html import escape
from urllib.parse import quote

from tests.fixture_server import FixtureSite, Page, serve

HTML = "text/html; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"


@dataclass
class FamilySite:
    """Hosts (name -> site) and what a perfect discovery would report."""

    name: str
    homepage: str
    hosts: dict[str, FixtureSite] = field(default_factory=dict)
    feeds: set[str] = field(default_factory=set)
    sitemaps: set[str] = field(default_factory=set)
    listings: set[str] = field(default_factory=set)
    front_listing: str = ""  # the front page, when it links articles (a listing of its own)
    articles: set[str] = field(default_factory=set)
    others: set[str] = field(default_factory=set)  # same-site links that are not articles

    def host(self, name: str) -> FixtureSite:
        return self.hosts.setdefault(name, FixtureSite())

    def add(self, url: str, body: bytes | str, content_type: str = HTML, **kw: object) -> None:
        host, path = _split(url)
        path = quote(path, safe="/?=&()%:;,+!")  # as the client sends a Korean path
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.host(host).add(path, Page(data, content_type, **kw))  # type: ignore[arg-type]

    @property
    def entry_points(self) -> set[str]:
        front = {self.front_listing} if self.front_listing else set()
        return self.feeds | self.sitemaps | self.listings | front


def _split(url: str) -> tuple[str, str]:
    match = re.match(r"https?://([^/]+)(/.*)?$", url)
    assert match is not None
    return match.group(1), match.group(2) or "/"


@contextmanager
def served(site: FamilySite) -> Iterator[dict[str, str]]:
    """Serve every host of `site`; yields the resolve map host -> 127.0.0.1:port."""
    # every host discovery may guess is served (404s), so no test ever asks a real resolver
    home = _split(site.homepage)[0]
    site.host("cdn." + home.removeprefix("www.").removeprefix("m."))
    with ExitStack() as stack:
        resolve = {}
        for name, fixture in site.hosts.items():
            stack.enter_context(serve(fixture))
            resolve[name] = fixture.base_url.removeprefix("http://")
        yield resolve


def _page(
    title: str,
    menu: list[tuple[str, str]],
    links: list[tuple[str, str]],
    head: str = "",
    charset: str = "utf-8",
    extra: str = "",
) -> str:
    nav = "".join(f'<li><a href="{escape(u)}">{escape(t)}</a></li>' for u, t in menu)
    body = "".join(f'<li><a href="{escape(u)}">{escape(t)}</a></li>' for u, t in links)
    return (
        f'<!DOCTYPE html><html lang="ko"><head><meta charset="{charset}">'
        f"<title>{escape(title)}</title>{head}</head><body>"
        f'<header><nav class="gnb"><ul>{nav}</ul></nav></header>'
        f'<div class="footer-links"><a href="/company/intro.html">회사소개</a>'
        f'<a href="/member/login.html">로그인</a><a href="/policy/privacy.html">개인정보</a></div>'
        f'<main><ul class="list">{body}</ul></main>{NOISE_HTML}{extra}</body></html>'
    )


# Links every page carries that are not articles but look like them: photo galleries and ad
# clicks with long ids, a second page, a print view. Fewer per kind than the articles.
NOISE = [
    *(f"/gallery/photoView.html?pid={50210 + i}" for i in range(4)),
    *(f"/ad/click.php?bid={99100 + i}&zone=3" for i in range(2)),
    "/list.html?page=2",
    "/print.php?mode=all",
]
NOISE_HTML = (
    '<aside class="banner">' + "".join(f'<a href="{escape(u)}">-</a>' for u in NOISE) + "</aside>"
)


def _article(title: str) -> str:
    return _page(
        title, [], [], extra=f"<article><h1>{escape(title)}</h1><p>{'본문 ' * 80}</p></article>"
    )


def _rss(urls: list[str]) -> str:
    items = "".join(
        f"<item><title>기사 {i}</title><link>{escape(u)}</link>"
        f"<pubDate>2025-10-21 09:{i:02d}:00</pubDate></item>"
        for i, u in enumerate(urls)
    )
    head = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0">'
    return f"{head}<channel><title>t</title>{items}</channel></rss>"


def _sections(
    site: FamilySite,
    origin: str,
    sections: list[str],
    article: Callable[[int], str],
    per: int = 6,
    encoding: str = "utf-8",
    title: str = "섹션",
) -> list[str]:
    """Listing pages at `origin + sections[i]`, each linking `per` articles; returns all
    article URLs (absolute)."""
    urls = []
    for i, path in enumerate(sections):
        links = [(article(i * 100 + j), f"{title} 기사 {i}-{j}") for j in range(per)]
        urls += [origin + u if u.startswith("/") else u for u, _ in links]
        html = _page(f"{title} {i}", [], links, charset=encoding)
        site.add(origin + path, html.encode(encoding), f"text/html; charset={encoding}")
        site.listings.add(origin + path)
    return urls


def _finish(site: FamilySite, others: list[str]) -> FamilySite:
    for url in site.articles:
        site.add(url, _article("기사"))
    site.others |= set(others)
    for host in site.hosts:
        site.others |= {f"http://{host}{path}" for path in NOISE}
    return site


def ndsoft(cdn: bool = False) -> FamilySite:
    """ndsoft: articleView.html?idxno=N, a feed (declared, or only at cdn.<domain>), a sitemap."""
    origin = "http://www.nd-fixture.co.kr"
    site = FamilySite("ndsoft-cdn" if cdn else "ndsoft", origin + "/")
    sections = [f"/news/articleList.html?sc_section_code=S1N{i}&view_type=sm" for i in (1, 2, 3)]
    site.articles |= set(
        _sections(site, origin, sections, lambda n: f"/news/articleView.html?idxno={31000 + n}")
    )
    home_articles = [f"/news/articleView.html?idxno={30000 + i}" for i in range(8)]
    site.articles |= {origin + u for u in home_articles}
    feed = (
        "http://cdn.nd-fixture.co.kr/rss/gn_rss_allArticle.xml"
        if cdn
        else origin + "/rss/allArticle.xml"
    )
    head = "" if cdn else f'<link rel="alternate" type="application/rss+xml" href="{feed}">'
    site.add(feed, _rss(sorted(site.articles)[:10]), RSS)
    site.feeds.add(feed)
    menu = [(s, f"섹션{i}") for i, s in enumerate(sections)]
    site.add(origin + "/", _page("엔디일보", menu, [(u, "기사") for u in home_articles], head))
    site.front_listing = origin + "/"
    sitemap = origin + "/sitemap.xml"
    locs = "".join(f"<url><loc>{escape(u)}</loc></url>" for u in sorted(site.articles))
    site.add(
        sitemap,
        f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>',
        "application/xml",
    )
    site.add(
        origin + "/robots.txt",
        f"User-agent: *\nDisallow: /admin/\nSitemap: {sitemap}\n",
        "text/plain",
    )
    site.sitemaps.add(sitemap)
    return _finish(
        site,
        [
            origin + "/company/intro.html",
            origin + "/member/login.html",
            origin + "/policy/privacy.html",
            *(origin + s for s in sections),
        ],
    )


def aid(mobile_redirect: bool = False) -> FamilySite:
    """section.php?sid=N / article.php?aid=N, EUC-KR, no feed; optionally www -> m. redirect."""
    origin = "http://m.aid-fixture.co.kr" if mobile_redirect else "http://www.aid-fixture.co.kr"
    site = FamilySite("aid-m" if mobile_redirect else "aid", "http://www.aid-fixture.co.kr/")
    if mobile_redirect:
        site.add(
            "http://www.aid-fixture.co.kr/", b"", status=302, headers=(("Location", origin + "/"),)
        )
    sections = [f"/section.php?sid={sid}" for sid in (5, 43, 123)]
    site.articles |= set(
        _sections(
            site,
            origin,
            sections,
            lambda n: f"/article.php?aid={1761038376519890000 + n}",
            encoding="euc-kr",
            title="광주 소식",
        )
    )
    home = [f"/article.php?aid={1761038376519800000 + i}" for i in range(5)]
    site.articles |= {origin + u for u in home}
    # the older article form, still linked from the front page: articles one pattern misses
    old = [f"/read.php3?aid={1634551153399107010 + i}" for i in range(2)]
    site.articles |= {origin + u for u in old}
    html = _page(
        "광주에이아이디일보",
        [(s, "섹션") for s in sections],
        [(u, "기사") for u in home + old],
        charset="euc-kr",
    )
    site.add(origin + "/", html.encode("euc-kr"), "text/html")  # charset only in the page
    site.front_listing = origin + "/"
    return _finish(
        site,
        [
            origin + "/company/intro.html",
            origin + "/member/login.html",
            origin + "/policy/privacy.html",
            *(origin + s for s in sections),
        ],
    )


def aspnet() -> FamilySite:
    """ASP.NET: View.aspx?No=N, listings News.aspx?CNo=N, no feed."""
    origin = "http://www.asp-fixture.com"
    site = FamilySite("aspnet", origin + "/")
    sections = [f"/News.aspx?CNo={n}" for n in (2, 3, 4)]
    site.articles |= set(
        _sections(site, origin, sections, lambda n: f"/View.aspx?No={3822700 + n}")
    )
    home = [f"/View.aspx?No={3822600 + i}" for i in range(6)]
    site.articles |= {origin + u for u in home}
    site.add(
        origin + "/", _page("시사창", [(s, "섹션") for s in sections], [(u, "기사") for u in home])
    )
    site.front_listing = origin + "/"
    return _finish(
        site,
        [
            origin + "/company/intro.html",
            origin + "/member/login.html",
            origin + "/policy/privacy.html",
            *(origin + s for s in sections),
        ],
    )


def newsview() -> FamilySite:
    """news.<domain>/article/view/<id>: homepage on www links sections on news.; Korean paths."""
    news = "http://news.kbc-fixture.co.kr"
    site = FamilySite("article-view", "http://www.kbc-fixture.co.kr/")
    sections = [f"/article/list/kbc00100{n}000" for n in (1, 9)]

    def article(n: int) -> str:
        plain = f"{news}/article/view/kbc2024032900{n:02d}"
        return plain if n % 2 else f"{news}/저녁뉴스(사회)/article/view/kbc2024032900{n:02d}"

    site.articles |= set(
        _sections(site, news, sections, lambda n: article(n % 100 + 10 * (n // 100)))
    )
    menu = [(news + s, "뉴스") for s in sections]
    site.add(
        "http://www.kbc-fixture.co.kr/",
        _page("KBC", menu, [(news + "/article/view/kbc202403290001", "기사")]),
    )
    site.articles.add(news + "/article/view/kbc202403290001")
    return _finish(site, [*(news + s for s in sections)])


def foreign_links() -> FamilySite:
    """A homepage linking 300 other sites besides its own few articles and sections."""
    site = ndsoft()
    site.name = "300-foreign"
    origin = "http://www.nd-fixture.co.kr"
    home = [f"/news/articleView.html?idxno={30000 + i}" for i in range(8)]
    foreign = [
        (f"http://site{i}.example{i % 7}.com/news/articleView.html?idxno={i}", "남")
        for i in range(300)
    ]
    menu = [(s, "섹션") for s in sorted(s.removeprefix(origin) for s in site.listings)]
    site.add(origin + "/", _page("엔디일보", menu + foreign, [(u, "기사") for u in home]))
    return site


def huge_homepage() -> FamilySite:
    """A 5 MB homepage: the article links first, then megabytes of markup."""
    site = aspnet()
    site.name = "5mb-homepage"
    origin = "http://www.asp-fixture.com"
    home = [f"/View.aspx?No={3822600 + i}" for i in range(6)]
    sections = sorted(s.removeprefix(origin) for s in site.listings)
    filler = "<div class='ad'>" + ("광고 " * 200 + "</div><div class='ad'>") * 4000 + "</div>"
    body = _page(
        "시사창", [(s, "섹션") for s in sections], [(u, "기사") for u in home], extra=filler
    )
    assert len(body.encode()) > 5_000_000
    site.add(origin + "/", body)
    return site


def front_only() -> FamilySite:
    """Sections that link two articles each, and a front page linking ten more: the front
    page is the only listing, and its articles are linked nowhere else."""
    origin = "http://www.front-fixture.co.kr"
    site = FamilySite("front-only", origin + "/")
    sections = [f"/news/list.php?part={n}" for n in (1, 2, 3)]
    section_articles = _sections(
        site, origin, sections, lambda n: f"/news/read.php?no={52000 + n}", per=2
    )
    site.listings.clear()  # two article links are not a listing
    site.articles |= set(section_articles)
    home = [f"/news/read.php?no={53000 + i}" for i in range(10)]
    site.articles |= {origin + u for u in home}
    site.add(
        origin + "/",
        _page("앞면일보", [(s, "섹션") for s in sections], [(u, "기사") for u in home]),
    )
    site.front_listing = origin + "/"
    return _finish(
        site,
        [
            origin + "/company/intro.html",
            origin + "/member/login.html",
            origin + "/policy/privacy.html",
            *(origin + s for s in sections),
        ],
    )


def error_page() -> FamilySite:
    """Every URL answers an error page."""
    site = FamilySite("error-page", "http://www.broken-fixture.co.kr/")
    site.add(
        "http://www.broken-fixture.co.kr/",
        "<html><body><h1>500 Internal Server Error</h1></body></html>",
        status=500,
    )
    return site


FAMILIES: dict[str, Callable[[], FamilySite]] = {
    "ndsoft": ndsoft,
    "ndsoft-cdn": lambda: ndsoft(cdn=True),
    "aid-euckr": aid,
    "aid-m-redirect": lambda: aid(mobile_redirect=True),
    "aspnet": aspnet,
    "article-view": newsview,
    "300-foreign": foreign_links,
    "5mb-homepage": huge_homepage,
    "front-only": front_only,
    "error-page": error_page,
}
