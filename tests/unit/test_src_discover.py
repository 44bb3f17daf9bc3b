"""discover_site over an in-memory fetcher: the work is bounded, every refusal has a reason."""

from __future__ import annotations

from crawler.probes.discover import MAX_FETCHES, MAX_LISTING_PAGES, discover_site
from crawler.probes.fetch import Fetched

HOME = "https://www.many.co.kr/"


class MemoryFetcher:
    """Answers from a dict; counts what was asked."""

    def __init__(self, pages: dict[str, str]) -> None:
        self.pages = pages
        self.asked: list[str] = []

    def fetch(self, url: str) -> Fetched:
        self.asked.append(url)
        body = self.pages.get(url)
        if body is None:
            return Fetched(url, url, 404, "text/html", b"not found")
        return Fetched(url, url, 200, "text/html; charset=utf-8", body.encode())

    def robots_txt(self, url: str) -> str:
        return ""


def _site(sections: int) -> dict[str, str]:
    menu = "".join(f'<a href="/list.php?cat={i}">섹션 {i}</a>' for i in range(sections))
    pages = {HOME: f"<html><body><nav>{menu}</nav></body></html>"}
    for i in range(sections):
        links = "".join(f'<a href="/view.php?id={10000 + i * 10 + j}">기사</a>' for j in range(5))
        pages[f"{HOME}list.php?cat={i}"] = f"<html><body>{links}</body></html>"
    return pages


def test_fifty_sections_are_not_all_fetched() -> None:
    fetcher = MemoryFetcher(_site(50))
    result = discover_site(HOME, fetcher)
    assert len(fetcher.asked) <= MAX_FETCHES and result.fetches == len(fetcher.asked)
    asked_lists = [u for u in fetcher.asked if "list.php" in u]
    assert len(asked_lists) == MAX_LISTING_PAGES
    assert result.article_pattern == r"/view\.php\?(?:[^#]*&)?id=\d+"
    assert 1 <= len(result.listings) <= 4


def test_fetch_budget_stops_discovery_and_says_so() -> None:
    fetcher = MemoryFetcher(_site(5))
    result = discover_site(HOME, fetcher, max_fetches=3)
    assert len(fetcher.asked) == 3
    assert any(a.reason == "fetch budget used up" for a in result.tried)
    assert not result.found and result.reasons[-1].startswith("nothing found")


def test_homepage_without_links_is_reported() -> None:
    fetcher = MemoryFetcher({HOME: "<html><body><p>점검 중입니다</p></body></html>"})
    result = discover_site(HOME, fetcher)
    assert f"homepage {HOME} has no links (an error page?)" in result.reasons
    assert not result.found


def test_frameset_and_meta_refresh_front_pages_are_followed() -> None:
    for front in (
        '<html><frameset><frame src="/main.php" name="main"></frameset></html>',
        '<html><head><meta http-equiv="Refresh" content="0; URL=/main.php"></head></html>',
    ):
        pages = _site(3)
        pages[f"{HOME}main.php"] = pages.pop(HOME)
        pages[HOME] = front
        result = discover_site(HOME, MemoryFetcher(pages))
        assert result.final_url == f"{HOME}main.php"
        assert result.found and result.article_pattern == r"/view\.php\?(?:[^#]*&)?id=\d+"


class DeadFetcher(MemoryFetcher):
    """A site nothing answers for (DNS or connection failure)."""

    def fetch(self, url: str) -> Fetched:
        self.asked.append(url)
        return Fetched(url, url, None, None, b"", error="ConnectError: Name or service not known")


def test_unreachable_site_is_one_reason_and_one_fetch() -> None:
    fetcher = DeadFetcher({})
    result = discover_site(HOME, fetcher)
    assert fetcher.asked == [HOME]  # no feed guesses or robots.txt against a dead host
    assert result.reasons == [f"homepage {HOME}: ConnectError: Name or service not known"]
    assert not result.found


def test_front_page_with_article_links_is_a_listing_beside_the_sections() -> None:
    pages = _site(3)
    front_only = "".join(f'<a href="/view.php?id={20000 + j}">기사</a>' for j in range(4))
    pages[HOME] = pages[HOME].replace("</nav>", f"</nav><main>{front_only}</main>")
    result = discover_site(HOME, MemoryFetcher(pages))
    assert result.listings[0] == HOME and len(result.listings) == 4
    reasons = {a.url: a.reason for a in result.tried if a.kind == "listing" and a.kept}
    assert reasons[HOME] == "the homepage itself: 4 article links"


def test_front_page_without_article_links_is_refused_with_its_count() -> None:
    result = discover_site(HOME, MemoryFetcher(_site(3)))
    assert HOME not in result.listings and len(result.listings) == 3
    refused = {a.url: a.reason for a in result.tried if a.kind == "listing" and not a.kept}
    assert refused[HOME] == "the homepage itself: only 0 article links"
