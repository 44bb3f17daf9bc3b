"""Article extraction: one parse, then CMS containers, JSON-LD, script data, density fallback.

`extract` loads the parsers (lxml and the rest) on first use: the crawl's main process only
names `Extracted` and never parses a page, its extraction workers do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crawler.parsers.base import MIN_BODY_CHARS, Extracted

if TYPE_CHECKING:
    from crawler.parsers.article import extract

__all__ = ["MIN_BODY_CHARS", "Extracted", "extract"]


def __getattr__(name: str) -> Any:
    if name == "extract":
        from crawler.parsers.article import extract

        return extract
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
