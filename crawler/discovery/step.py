"""One discovery step, pure: a discovery URL's answer -> what it gives; and the rule that says a
source's discovery failed or falls back. The spider and the daemon's poll both use these and
keep only their HTTP (Scrapy's downloader, the poll's conditional GETs)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from crawler.discovery import ApiListing, DiscoveryError, read_discovery

NOT_MODIFIED = 304
NO_URL_READ = "no discovery URL could be read"


@dataclass(frozen=True)
class Answer:
    """What a discovery URL answered: kind of page, final URL (after redirects), status, body,
    and its place in a listing's pages (1 = the configured page)."""

    kind: str
    url: str
    status: int
    body: bytes
    page: int = 1


@dataclass(frozen=True)
class Step:
    """What one answer gives: article links, child sitemaps, the next listing page worth
    asking for; or that it has not changed; or why it gave nothing usable."""

    links: tuple[str, ...] = ()
    children: tuple[str, ...] = ()
    next_page: str | None = None
    not_modified: bool = False
    error: str | None = None

    @property
    def read(self) -> bool:
        """The URL answered with something readable (unchanged counts)."""
        return self.error is None

    @property
    def useful(self) -> bool:
        """Enough to spare the homepage fallback: unchanged, or it listed something."""
        return self.not_modified or bool(self.links or self.children)

    @property
    def fresh(self) -> bool:
        """Read anew: its validators (ETag, Last-Modified) are worth keeping."""
        return self.error is None and not self.not_modified


def discovery_step(
    answer: Answer,
    pattern: re.Pattern[str] | None,
    api: ApiListing | None = None,
    max_listing_pages: int = 1,
) -> Step:
    """Read one answer. A next listing page is offered only below `max_listing_pages`, when this
    page listed articles and names a page other than itself."""
    if answer.status == NOT_MODIFIED:
        return Step(not_modified=True)
    if not 200 <= answer.status < 300:
        return Step(error=f"HTTP {answer.status}")
    try:
        found = read_discovery(answer.kind, answer.body, answer.url, pattern, api)
    except DiscoveryError as exc:
        return Step(error=f"bad {answer.kind}: {exc}")
    links = tuple(link.url for link in found.links)
    next_page = found.next_page
    if not (
        answer.kind == "listing"
        and links
        and answer.page < max_listing_pages
        and next_page not in (None, answer.url)
    ):
        next_page = None
    return Step(links, tuple(found.children), next_page)


@dataclass
class Tally:
    """The answers of a source's configured discovery URLs (first pages only), as they come."""

    pending: int
    read: int = 0
    useful: bool = False
    errors: list[str] = field(default_factory=list)

    def add(self, step: Step, url: str) -> None:
        self.pending -= 1
        self.read += step.read
        self.useful = self.useful or step.useful
        if step.error is not None:
            self.errors.append(f"{url}: {step.error}")

    def fallback_due(self, homepage: str | None) -> bool:
        """Every configured URL answered, none listed anything, and the site has a homepage to
        look for entry points from."""
        return self.pending <= 0 and not self.useful and bool(homepage)


def discovery_failure(read: int, errors: list[str]) -> str | None:
    """Why a source's discovery failed, or None: it failed when no discovery URL was read."""
    if read:
        return None
    return "; ".join(errors[:3]) or NO_URL_READ
