"""Source registry: the built-in outlets (validated at import) and the search sources."""

from __future__ import annotations

from crawler.sources.base import NDSOFT_ARTICLE, Source, SourceError, check_registry
from crawler.sources.broadcast import SOURCES as _BROADCAST
from crawler.sources.engines import SOURCES as SEARCH_SOURCES
from crawler.sources.gwangju import SOURCES as _GWANGJU
from crawler.sources.national import AI_PRESS as _AI_PRESS
from crawler.sources.national import SOURCES as _NATIONAL
from crawler.sources.official import SOURCES as _OFFICIAL
from crawler.sources.wire import SOURCES as _WIRE

BUILTIN_SOURCES: tuple[Source, ...] = check_registry(
    (*_OFFICIAL, *_GWANGJU, *_BROADCAST, *_WIRE, *_NATIONAL, *_AI_PRESS)
)
check_registry((*BUILTIN_SOURCES, *SEARCH_SOURCES))

__all__ = [
    "BUILTIN_SOURCES",
    "NDSOFT_ARTICLE",
    "SEARCH_SOURCES",
    "Source",
    "SourceError",
    "check_registry",
]
