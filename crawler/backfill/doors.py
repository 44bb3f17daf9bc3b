"""Pure: the doors into an outlet's past. Each turns one answer into links and the next steps.

A door never fetches: the spider asks for each Step's URL and hands the body to `read`.
Links the door dates outside the window are counted and dropped, never fetched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import quote_plus

from crawler.backfill.cdx import Capture
from crawler.backfill.dated import dated_page
from crawler.backfill.window import Window, kst_day, months_between
from crawler.discovery import Link, parse_feed, parse_sitemap
from crawler.discovery.search import google_news_url, naver_url, parse_naver

DOORS = ("search", "listing", "sitemap", "gnews", "naver", "archive")


@dataclass(frozen=True)
class Step:
    """One discovery request of a door, and what the cursor marks done once it is handled."""

    door: str
    url: str
    unit: str  # cursor key: a page of a chain, a month, a child sitemap
    chain: str = ""  # paged doors: the search term (or '' for a listing)
    page: int = 1
    span: tuple[date, date] | None = None  # the publication days this page can list
    headers: tuple[tuple[str, str], ...] = ()
    api: bool = False  # an API (CDX, search engine): governed by its terms, not robots.txt
    replays: bool = False  # archive: links are replayed captures, not live pages


@dataclass
class Answer:
    """What one step's answer gave."""

    links: list[Link] = field(default_factory=list)  # to fetch: inside the window or undated
    outside: int = 0  # dated outside the window: not fetched
    reached: set[str] = field(default_factory=set)  # months this answer proves were listed
    span: tuple[date, date] | None = None  # the days it proves were listed, end to end
    following: list[Step] = field(default_factory=list)
    # a page whose list shows no dates: its next page, asked only if the articles it listed
    # turn out to reach into the window (see `continues`)
    deferred: Step | None = None
    captures: dict[str, Capture] = field(default_factory=dict)  # archive: link URL -> capture


def split_window(links: Iterable[Link], window: Window) -> tuple[list[Link], int]:
    """(links dated inside the window or undated, how many were dated outside)."""
    inside, outside = [], 0
    for link in links:
        if link.published_at is None or window.contains(link.published_at):
            inside.append(link)
        else:
            outside += 1
    return inside, outside


def span_months(span: tuple[date, date] | None, window: Window) -> set[str]:
    if span is None:
        return set()
    return set(months_between(max(span[0], window.start), min(span[1], window.end)))


class Door:
    """Base: a door with a window, the units already done, and an article pattern."""

    name = ""

    def __init__(
        self, window: Window, done: Iterable[str], pattern: re.Pattern[str] | None
    ) -> None:
        self.window = window
        self.done = frozenset(done)
        self.pattern = pattern

    def first(self) -> list[Step]:
        raise NotImplementedError

    def read(self, step: Step, body: bytes) -> Answer:
        raise NotImplementedError

    def _articles(self, links: Iterable[Link]) -> list[Link]:
        pattern = self.pattern
        return [link for link in links if pattern is None or pattern.search(link.url)]


class PagedDoor(Door):
    """Listing pagination or outlet site search: pages newest first, walked back to the
    window's first day and no further (a page whose oldest item is older ends the chain)."""

    def __init__(
        self, name: str, template: str, terms: Sequence[str], window: Window,
        done: Iterable[str], pattern: re.Pattern[str], max_pages: int, today: date,
    ) -> None:  # fmt: skip
        super().__init__(window, done, pattern)
        self.name = name
        self.template = template
        self.terms = list(terms) or [""]
        self.max_pages = max_pages
        self.today = today

    def first(self) -> list[Step]:
        steps = []
        for term in self.terms:
            page = 1
            while _unit(term, page) in self.done and page < self.max_pages:
                page += 1  # pages already handled; a page between may be pending still
            steps.append(self._step(term, page, None))
        return steps

    def _step(self, term: str, page: int, upper: date | None) -> Step:
        url = self.template.replace("{term}", quote_plus(term)).replace("{page}", str(page))
        span = None if upper is None else (self.window.start, upper)
        return Step(self.name, url, _unit(term, page), chain=term, page=page, span=span)

    def read(self, step: Step, body: bytes) -> Answer:
        assert self.pattern is not None
        page = dated_page(body, step.url, self.pattern)
        links = page.links
        inside, outside = split_window(links, self.window)
        days = [kst_day(stamp) for stamp in page.main_days()]  # a sidebar's dates aside
        answer = Answer(links=inside, outside=outside)
        if days:
            newest = self.today if step.page == 1 else max(days)
            if step.span is not None:
                newest = max(newest, step.span[1])
            answer.reached = span_months((min(days), newest), self.window)
            answer.span = (min(days), newest)
        ended = (
            not links or step.page >= self.max_pages or bool(days and min(days) < self.window.start)
        )
        if not ended:
            following = self._step(step.chain, step.page + 1, min(days, default=None))
            if days:
                answer.following.append(following)
            else:
                answer.deferred = following  # the articles' own dates decide
        return answer


def continues(window: Window, article_days: Sequence[date]) -> bool:
    """Whether an undated list goes on after a page whose articles had these dates: unless
    every dated one is older than the window (a list is newest first)."""
    return not article_days or max(article_days) >= window.start


def _unit(term: str, page: int) -> str:
    return f"{term}#{page}" if term else f"#{page}"


class SitemapDoor(Door):
    """Sitemap indexes read by <lastmod>: a child is asked only when the days between the
    previous child's lastmod and its own overlap the window; its entries are dated too."""

    name = "sitemap"

    def __init__(
        self, urls: Sequence[str], window: Window, done: Iterable[str],
        pattern: re.Pattern[str] | None,
    ) -> None:  # fmt: skip
        super().__init__(window, done, pattern)
        self.urls = list(urls)

    def first(self) -> list[Step]:
        return [Step(self.name, url, f"index:{url}") for url in self.urls]

    def read(self, step: Step, body: bytes) -> Answer:
        result = parse_sitemap(body, step.url)
        inside, outside = split_window(self._articles(result.articles), self.window)
        # Proven months only: those of the entries it dates, and the month its lastmod names
        # (a monthly sitemap's own month, even when empty).
        answer = Answer(links=inside, outside=outside)
        days = [kst_day(link.published_at) for link in inside if link.published_at is not None]
        if step.span is not None:
            days.append(step.span[1])
        for day in days:
            answer.reached |= span_months((day, day), self.window)
        dates = result.sitemap_dates or (None,) * len(result.sitemaps)
        answer.following = [
            Step(self.name, url, url, span=span)
            for url, span in self._children(list(zip(result.sitemaps, dates, strict=True)))
            if url not in self.done
        ]
        return answer

    def _children(
        self, children: list[tuple[str, datetime | None]]
    ) -> list[tuple[str, tuple[date, date] | None]]:
        dated = sorted((kst_day(stamp), url) for url, stamp in children if stamp is not None)
        chosen: list[tuple[str, tuple[date, date] | None]] = []
        low = date.min
        for day, url in dated:
            if day >= self.window.start and low <= self.window.end:
                chosen.append((url, (max(low, self.window.start), day)))
            low = day
        chosen.extend((url, None) for url, stamp in children if stamp is None)
        return chosen


class GoogleNewsDoor(Door):
    """Google News RSS search of one outlet, one month at a time (`after:`/`before:` in q=)."""

    name = "gnews"

    def __init__(
        self, endpoint: str, host: str, query: str, window: Window, done: Iterable[str]
    ) -> None:
        super().__init__(window, done, None)
        self.endpoint = endpoint
        self.host = host
        self.query = query

    def first(self) -> list[Step]:
        steps = []
        for month in self.window.months():
            if month in self.done:
                continue
            first, last = self.window.month_days(month)
            q = (
                f"site:{self.host} {self.query} after:{first - timedelta(days=1)} "
                f"before:{last + timedelta(days=1)}"
            ).strip()
            url = google_news_url(self.endpoint, q)
            steps.append(Step(self.name, url, month, span=(first, last), api=True))
        return steps

    def read(self, step: Step, body: bytes) -> Answer:
        inside, outside = split_window(parse_feed(body, step.url), self.window)
        reached = span_months(step.span, self.window)
        return Answer(links=inside, outside=outside, reached=reached, span=step.span)


class NaverDoor(Door):
    """The Naver News Search API, newest first, each query paged back to the window's start."""

    name = "naver"

    def __init__(
        self, endpoint: str, queries: Sequence[str], credentials: tuple[str, str],
        window: Window, done: Iterable[str],
    ) -> None:  # fmt: skip
        super().__init__(window, done, None)
        self.endpoint = endpoint
        self.queries = list(queries)
        self.headers = (
            ("X-Naver-Client-Id", credentials[0]), ("X-Naver-Client-Secret", credentials[1]),
        )  # fmt: skip

    def first(self) -> list[Step]:
        return [s for s in (self._step(q, 1) for q in self.queries) if s is not None]

    def _step(self, query: str, page: int) -> Step | None:
        url = naver_url(self.endpoint, query, page)
        if url is None:
            return None  # the API serves 1,000 results per query at most
        return Step(
            self.name, url, _unit(query, page), chain=query, page=page,
            headers=self.headers, api=True,
        )  # fmt: skip

    def read(self, step: Step, body: bytes) -> Answer:
        page = parse_naver(body, step.url)
        inside, outside = split_window(page.links, self.window)
        days = [kst_day(link.published_at) for link in page.links if link.published_at]
        answer = Answer(links=inside, outside=outside)
        if days:
            answer.reached = span_months((min(days), max(days)), self.window)
            answer.span = (min(days), max(days))
        if page.more and not (days and min(days) < self.window.start):
            following = self._step(step.chain, step.page + 1)
            answer.following = [following] if following is not None else []
        return answer
