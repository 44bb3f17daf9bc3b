"""Entry-point discovery from a homepage: feeds, sitemaps, listing pages, the article pattern."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

from crawler.discovery import DiscoveryError, detect_kind, entrypoints, read_discovery
from crawler.discovery.entrypoints import PageLinks, url_site
from crawler.discovery.urlpattern import MIN_ARTICLES, infer_pattern
from crawler.probes.fetch import Fetched, Fetcher
from crawler.probes.suggest import backfill_offers, toml_entry

MAX_FETCHES = 24  # pages fetched in all (robots.txt files aside)
MAX_SECONDS = 120.0  # no new fetch starts after this long (a slow site is not waited on forever)
MAX_LISTING_PAGES = 6  # candidate listing pages fetched
MAX_FEEDS = 3
MIN_LISTING_ARTICLES = 3  # article links a page needs to count as a listing
KEEP_LISTINGS = 4  # section pages kept, besides the front page
MIN_HOMEPAGE_LINKS = 5  # fewer: the front page may only forward to the real one


@dataclass
class Attempt:
    """One candidate entry point: what it was, and why it was kept or refused."""

    kind: str
    url: str
    kept: bool
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "url": self.url, "kept": self.kept, "reason": self.reason}


@dataclass
class Discovery:
    """What discovery found on one site."""

    homepage: str
    final_url: str = ""
    title: str = ""
    feeds: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    listings: list[str] = field(default_factory=list)
    article_pattern: str | None = None
    samples: list[str] = field(default_factory=list)
    tried: list[Attempt] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    fetches: int = 0

    @property
    def found(self) -> bool:
        return bool(self.feeds or self.sitemaps or (self.listings and self.article_pattern))

    @property
    def entry_points(self) -> list[tuple[str, str]]:
        return [
            *(("feed", u) for u in self.feeds),
            *(("sitemap", u) for u in self.sitemaps),
            *(("listing", u) for u in self.listings),
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "homepage": self.homepage,
            "final_url": self.final_url,
            "title": self.title,
            "found": self.found,
            "feeds": self.feeds,
            "sitemaps": self.sitemaps,
            "listings": self.listings,
            "article_pattern": self.article_pattern,
            "samples": self.samples,
            "reasons": self.reasons,
            "fetches": self.fetches,
            "tried": [attempt.as_dict() for attempt in self.tried],
            "toml": toml_entry(self) if self.found else None,
            "backfill": [offer.as_dict() for offer in backfill_offers(self)],
        }


class _Budget:
    """A fetcher that counts, and stops at `limit` fetches or after `seconds`."""

    def __init__(self, fetcher: Fetcher, limit: int, seconds: float) -> None:
        self.fetcher = fetcher
        self.left = limit
        self.used = 0
        self.deadline = time.monotonic() + seconds

    def fetch(self, url: str) -> Fetched | None:
        if self.left <= 0 or (self.used and time.monotonic() > self.deadline):
            return None
        self.left -= 1
        self.used += 1
        return self.fetcher.fetch(url)


def discover_site(
    homepage: str,
    fetcher: Fetcher,
    max_fetches: int = MAX_FETCHES,
    max_seconds: float = MAX_SECONDS,
) -> Discovery:
    """Find a site's entry points from its homepage alone; every candidate is verified."""
    result = Discovery(homepage=homepage)
    budget = _Budget(fetcher, max_fetches, max_seconds)
    home = budget.fetch(homepage)
    assert home is not None
    page = _homepage(home, result)
    if home.status is None:  # nothing answered: the site is unreachable, say only that
        result.fetches = budget.used
        return result
    if len(page.anchors) < MIN_HOMEPAGE_LINKS and page.forward:
        # an old front page that only forwards (meta refresh, frameset): read the page it loads
        forwarded = budget.fetch(page.forward)
        if forwarded is not None and forwarded.ok:
            result.reasons.clear()
            page = _homepage(forwarded, result)
    sites = {url_site(homepage), url_site(result.final_url)}
    pool = entrypoints.same_site((a.url for a in page.anchors), sites)
    robots_text = fetcher.robots_txt(result.final_url or homepage)
    pool += _feeds(page, result, budget, sites)
    pool += _sitemaps(robots_text, result, budget, sites)
    first = infer_pattern(pool)  # only to skip article links when choosing listing candidates
    pages = _fetch_candidates(
        page, result, budget, sites, re.compile(first.regex) if first else None
    )
    # The section pages' links decide: a homepage may show more gallery than article links.
    guess = infer_pattern(pool + [url for _, links in pages for url in links])
    pattern = re.compile(guess.regex) if guess else None
    if guess is None or pattern is None:
        result.reasons.append(
            "no article URL pattern: no group of at least "
            f"{MIN_ARTICLES} same-site links shares a varying id"
        )
    else:
        result.article_pattern = guess.regex
        result.samples = list(guess.matches[:3])
        _pick_listings(pages, page, result, pattern, sites)
    result.fetches = budget.used
    if not result.found:
        result.reasons.append("nothing found: no feed, sitemap or listing page could be verified")
    return result


def _homepage(home: Fetched, result: Discovery) -> PageLinks:
    result.final_url = home.final_url
    if not home.ok:
        result.reasons.append(f"homepage {home.url}: {home.problem}")
        result.tried.append(Attempt("homepage", home.url, False, home.problem))
        return PageLinks((), (), "")
    page = entrypoints.page_links(home.body, home.final_url, home.content_type)
    note = f"{len(page.anchors)} links" + (", cut at the byte limit" if home.truncated else "")
    if home.final_url != home.url:
        note += f"; redirected to {home.final_url}"
    result.tried.append(Attempt("homepage", home.url, True, note))
    result.title = page.title
    if not page.anchors:
        result.reasons.append(f"homepage {home.final_url} has no links (an error page?)")
    return page


def _feeds(page: PageLinks, result: Discovery, budget: _Budget, sites: set[str]) -> list[str]:
    declared = list(dict.fromkeys(page.feeds))
    guesses = entrypoints.feed_guesses(result.final_url or result.homepage)
    links: list[str] = []
    for url in [*declared, *(g for g in guesses if g not in declared)]:
        if len(result.feeds) >= MAX_FEEDS or (result.feeds and url not in declared):
            break  # one verified feed is enough; guesses only stand in for a declared one
        answer = budget.fetch(url)
        if answer is None:
            result.tried.append(Attempt("feed", url, False, "fetch budget used up"))
            break
        items = _verify(answer, "feed")
        if isinstance(items, str):
            result.tried.append(Attempt("feed", url, False, items))
            continue
        on_site = entrypoints.same_site(items, sites)
        if not on_site:
            result.tried.append(Attempt("feed", url, False, "its items link other sites"))
            continue
        source = "declared by <link rel=alternate>" if url in declared else "CMS location"
        result.tried.append(Attempt("feed", url, True, f"{source}; {len(items)} items"))
        result.feeds.append(answer.final_url)
        links += on_site
    return links


def _sitemaps(robots_text: str, result: Discovery, budget: _Budget, sites: set[str]) -> list[str]:
    declared = entrypoints.robots_sitemaps(robots_text)
    guesses = entrypoints.sitemap_guesses(result.final_url or result.homepage)
    links: list[str] = []
    for url in [*declared, *(g for g in guesses if g not in declared)][:4]:
        answer = budget.fetch(url)
        if answer is None:
            break
        items = _verify(answer, "sitemap")
        if isinstance(items, str):
            result.tried.append(Attempt("sitemap", url, False, items))
            continue
        source = "robots.txt Sitemap:" if url in declared else "common location"
        result.tried.append(Attempt("sitemap", url, True, f"{source}; {len(items)} entries"))
        if answer.final_url not in result.sitemaps:
            result.sitemaps.append(answer.final_url)
        links += entrypoints.same_site(items[:500], sites)
    return links


def _verify(answer: Fetched, kind: str) -> list[str] | str:
    """The item URLs of a feed/sitemap answer, or why it is not one."""
    if not answer.ok:
        return answer.problem
    if detect_kind(answer.body) != kind:
        return f"not a {kind} (answered {detect_kind(answer.body)})"
    try:
        found = read_discovery(kind, answer.body, answer.final_url, None)
    except DiscoveryError as exc:
        return f"not a {kind}: {exc}"
    urls = [link.url for link in found.links] + found.children
    return urls or f"an empty {kind}"


def _fetch_candidates(
    page: PageLinks,
    result: Discovery,
    budget: _Budget,
    sites: set[str],
    pattern: re.Pattern[str] | None,
) -> list[tuple[str, list[str]]]:
    """(URL, same-site links) of the most listing-like menu links."""
    home = result.final_url or result.homepage
    candidates = entrypoints.listing_candidates(page.anchors, sites, pattern, home)
    for url in candidates[MAX_LISTING_PAGES : MAX_LISTING_PAGES + 10]:
        reason = f"not fetched: only the {MAX_LISTING_PAGES} likeliest links are tried"
        result.tried.append(Attempt("listing", url, False, reason))
    pages = []
    for url in candidates[:MAX_LISTING_PAGES]:
        answer = budget.fetch(url)
        if answer is None:
            result.tried.append(Attempt("listing", url, False, "fetch budget used up"))
            break
        if not answer.ok:
            result.tried.append(Attempt("listing", url, False, answer.problem))
            continue
        links = entrypoints.page_links(answer.body, answer.final_url, answer.content_type)
        pages.append(
            (answer.final_url, entrypoints.same_site((a.url for a in links.anchors), sites))
        )
    return pages


def _pick_listings(
    pages: list[tuple[str, list[str]]],
    page: PageLinks,
    result: Discovery,
    pattern: re.Pattern[str],
    sites: set[str],
) -> None:
    """The front page first when it carries article links (some articles are linked from it
    alone), then the section pages with the most article links."""
    home_links = {a.url for a in page.anchors if pattern.search(a.url)}
    if len(home_links) >= MIN_LISTING_ARTICLES:
        result.listings.append(result.final_url)
        reason = f"the homepage itself: {len(home_links)} article links"
        result.tried.append(Attempt("listing", result.final_url, True, reason))
    else:
        reason = f"the homepage itself: only {len(home_links)} article links"
        result.tried.append(Attempt("listing", result.final_url, False, reason))
    scored = []
    for url, links in pages:
        count = len({link for link in links if pattern.search(link)})
        if count >= MIN_LISTING_ARTICLES:
            scored.append((count, url))
        else:
            result.tried.append(Attempt("listing", url, False, f"only {count} article links"))
    scored.sort(key=lambda item: -item[0])
    for count, url in scored[:KEEP_LISTINGS]:
        result.tried.append(Attempt("listing", url, True, f"{count} article links"))
        result.listings.append(url)
    for count, url in scored[KEEP_LISTINGS:]:
        result.tried.append(Attempt("listing", url, False, f"{count} article links; enough kept"))
