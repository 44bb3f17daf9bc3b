"""The extraction result shared by every parsing strategy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

# The one default of `[crawl] min_body_chars`: less than this is a teaser, a listing or an
# error page. The configuration, the Scrapy settings and the extraction pool all read it here.
MIN_BODY_CHARS = 100


@dataclass(frozen=True)
class NoArticle:
    """Why a page gave no article: `no_body` (no headline, or no body text at all) or
    `short_body` (a body under the minimum), with the body's length in characters."""

    reason: Literal["no_body", "short_body"]
    length: int = 0


@dataclass(frozen=True)
class Extracted:
    """Headline, body paragraphs and metadata of one article page (lines already normalised)."""

    headline: str
    paragraphs: tuple[str, ...]
    published_at: datetime | None  # timezone-aware UTC
    canonical_url: str | None  # <link rel=canonical> or og:url, absolute: the page's other name
    # strategy that produced the body (counted per crawl in stats): articleview, container,
    # jsonld, arcxp, nextjs, flight, json (script data), script, generic, fallback, board
    parser: str
    # why the chosen strategy's body was replaced by trafilatura's (counted per crawl in stats):
    # boilerplate, teasers, mass (see crawler.parsers.review); None when it was not
    override: str | None = None

    @property
    def text(self) -> str:
        """The corpus form: headline on the first line, then one paragraph per line."""
        return "\n".join((self.headline, *self.paragraphs))
