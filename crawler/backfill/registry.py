"""Pure: which backfill doors a source offers, with the same provenance rule as its URLs.

Derived from the CMS family (the ndsoft CMS answers one site search and one paged listing on
every site) and two optional entry fields, `search_template` and `page_template`; engines and
archives need only the outlet's host.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from crawler.discovery.pagination import PAGE_PARAMS
from crawler.sources.base import NDSOFT_ARTICLE, Source

NDSOFT_SEARCH = "/news/articleList.html?sc_area=A&sc_word={term}&view_type=sm&page={page}"
NDSOFT_PAGES = "/news/articleList.html?view_type=sm&page={page}"
FAMILY_GUESS = "GUESS: the ndsoft CMS's {what} (the family's form, not checked on this site)"
ENTRY = "entry: its {what}, as sure as the entry's provenance says"
GNEWS = (
    "GUESS: Google News RSS search honours site:, after: and before: in q= (undocumented, "
    "long public); its links may be news.google.com redirect pages"
)
ARCHIVE = (
    "CONFIRMED: the Wayback Machine CDX API and id_ replay (documented at archive.org); "
    "which of the host's pages were captured is the archive's"
)


@dataclass(frozen=True)
class DoorOffer:
    """A door a source supports: what it walks, and how sure the registry is of it."""

    door: str
    template: str  # the URL (template) it asks; '' for a door built from settings
    provenance: str

    def as_dict(self) -> dict[str, str]:
        return {"door": self.door, "template": self.template, "provenance": self.provenance}


def offers(source: Source) -> list[DoorOffer]:
    """The doors of `source`, cheapest first (the order a backfill runs them in)."""
    if source.search == "naver":
        return [DoorOffer("naver", source.search_url, "CONFIRMED: " + source.provenance)]
    if source.search is not None:
        return []  # Google News is a door of each outlet (site:), not a source of its own
    found = [offer for offer in (_search(source), _listing(source)) if offer is not None]
    for url in source.sitemaps:
        found.append(DoorOffer("sitemap", url, ENTRY.format(what="sitemap")))
    if source_host(source):
        found.append(DoorOffer("gnews", "", GNEWS))
        found.append(DoorOffer("archive", "", ARCHIVE))
    return found


def _search(source: Source) -> DoorOffer | None:
    if source.search_template:
        return DoorOffer("search", source.search_template, ENTRY.format(what="search_template"))
    root = _root(source)
    if source.article_pattern == NDSOFT_ARTICLE and root:
        return DoorOffer("search", root + NDSOFT_SEARCH, FAMILY_GUESS.format(what="site search"))
    return None


def _listing(source: Source) -> DoorOffer | None:
    if source.page_template:
        return DoorOffer("listing", source.page_template, ENTRY.format(what="page_template"))
    root = _root(source)
    if source.article_pattern == NDSOFT_ARTICLE and root:
        return DoorOffer("listing", root + NDSOFT_PAGES, FAMILY_GUESS.format(what="paged list"))
    if source.listings and source.article_pattern:
        return DoorOffer(
            "listing",
            paged(source.listings[0]),
            "GUESS: the entry's listing with a page parameter",
        )
    return None


def paged(url: str) -> str:
    """A listing URL with its page parameter (or a new `page`) made a {page} placeholder."""
    parts = urlsplit(url)
    params = parse_qsl(parts.query, keep_blank_values=True)
    name = next((n for n, _ in params if n in PAGE_PARAMS), "page")
    kept = [(n, v) for n, v in params if n != name]
    query = urlencode(kept) + ("&" if kept else "") + f"{name}={{page}}"
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def _root(source: Source) -> str:
    """scheme://host of the outlet: its listing's when it has one, else its homepage's."""
    url = source.listings[0] if source.listings else source.homepage
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def source_host(source: Source) -> str:
    """The host the engines and archives know the outlet by ('' without any URL)."""
    urls = (source.homepage, *source.listings, *source.feeds, *source.sitemaps)
    return urlsplit(next((url for url in urls if url), "")).netloc
