"""The article item passed from the spider to the pipelines."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from crawler.parsers.base import Extracted


@dataclass
class ArticleItem:
    """One fetched article page and what was extracted from it (None: the page had no body)."""

    source: str
    url: str
    canonical_url: str
    fetched_at: datetime
    extracted: Extracted | None
    # canonical forms of the page's other names (URLs that redirected here, its own
    # rel=canonical), so they count as known too
    redirected_from: tuple[str, ...] = field(default_factory=tuple)
    gone: bool = False  # the server answered 404/410: remember the URL, expect no text
    refused: str | None = None  # a permanent refusal (crawler/crawl/refusals.py): remember, no text
